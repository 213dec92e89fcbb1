"""Server-side SVG charts (pygal), shown as images so the page's CSP and offline rule both hold.

pygal's default config links a script from the web for tooltips; every chart here sets `js=[]`,
so nothing is fetched from outside. The SVG goes into the page as a data: image (the CSP allows
img-src data:), and its numbers always stand in a table beside it, so the chart is never the only
way to read a figure (screen readers, printing, copying into a report).
"""
import base64
import sys

import pygal
from pygal.style import Style

# pygal appends a sys.meta_path finder for its map plugins that has only the old find_module API,
# so every failed import anywhere afterwards (dateutil's `import winreg`) warns with ImportWarning,
# an error under the tests' filterwarnings. No maps are drawn here: take the finder out again.
sys.meta_path[:] = [finder for finder in sys.meta_path if type(finder).__module__ != "pygal"]

STYLE = Style(
    background="#ffffff", plot_background="#ffffff", foreground="#1f2933", foreground_strong="#1f2933",
    foreground_subtle="#5b6b75", opacity=".9", opacity_hover="1", transition="0s",
    colors=("#0f766e", "#f5b400", "#d92d20", "#12b76a", "#5b6b75", "#7c3aed", "#2563eb", "#db2777"),
    font_family="system-ui, sans-serif", label_font_size=13, major_label_font_size=13,
    legend_font_size=13, title_font_size=15, value_font_size=12,
)
LIGHT_COLORS = {"red": "#d92d20", "yellow": "#f5b400", "green": "#12b76a", "none": "#c5ced3"}


def _config(**overrides) -> dict:
    return {"style": STYLE, "js": [], "disable_xml_declaration": True, "width": 720, "height": 320,
            "legend_at_bottom": True, "print_values": False, "show_minor_x_labels": True,
            "truncate_label": -1, "margin": 12, **overrides}


def bar(labels: list, series: dict, stacked: bool = False, colors: tuple | None = None, **kw) -> str:
    """A (stacked) bar chart of {series name: [value per label]} as a data: URI."""
    chart = (pygal.StackedBar if stacked else pygal.Bar)(**_config(**kw))
    if colors:
        chart.config.style = Style(**{**STYLE.to_dict(), "colors": colors})
    chart.x_labels = [str(label) for label in labels]
    for name, values in series.items():
        chart.add(str(name), list(values))
    return data_uri(chart.render())


def line(labels: list, series: dict, **kw) -> str:
    """A line chart of {series name: [value per label]} as a data: URI."""
    chart = pygal.Line(**_config(**kw))
    chart.x_labels = [str(label) for label in labels]
    for name, values in series.items():
        chart.add(str(name), list(values))
    return data_uri(chart.render())


def data_uri(svg) -> str:
    raw = svg.encode("utf-8") if isinstance(svg, str) else svg
    return "data:image/svg+xml;base64," + base64.b64encode(raw).decode("ascii")
