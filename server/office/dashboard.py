"""The dashboard: what happened this week and what is coming, in charts with their numbers.

A manager sees everything; customer service sees the figures about tasks and deliveries only.
Each figure is a chart (server-side SVG) and a table of the same numbers, every number a link to
the list it counts. The figures come from kpi.py; this module only names, links and draws them.
"""
from dataclasses import dataclass, field
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from flask import render_template, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from ..config import org_timezone_name
from ..extensions import db
from ..models import User
from ..models.base import utcnow
from . import charts, kpi
from .fmt import number
from .access import bp, role_required

VISIT_WEEKS, PLANNED_WEEKS, MONTHS = 9, 3, 12  # this week + the 8 before; 3 ahead; a year of months


@dataclass
class Cell:
    value: object
    href: str
    kind: str = "number"  # the fmt filter that shows it: number | money


@dataclass
class Figure:
    key: str
    title: str
    chart: str
    alt: str
    corner: str                 # header of the row-label column
    columns: list               # column headers
    rows: list                  # [(row label, [Cell])]
    foot: tuple | None = None   # (label, [Cell]): the totals
    wide: bool = False          # many columns: the table goes under the chart
    note: str = field(default="")


def _bar(labels, series, **kw) -> str:
    """A chart whose axis numbers read like the table's (1 234 in Finnish)."""
    return charts.bar(labels, series, value_formatter=lambda value: number(value, 0), **kw)


def _link(path: str, **params) -> str:
    """A desk list's address; the other lists' own modules read exactly these parameters."""
    return f"/office/{path}?" + urlencode({k: v for k, v in params.items() if v is not None})


def _names(ids) -> dict:
    """{user id: name} for the given ids and every active rep (a rep with no visits is news too)."""
    ids = {i for i in ids if i}
    rows = db.session.execute(select(User.id, User.name)
                              .where(or_(User.id.in_(ids), (User.role == "rep") & User.active.is_(True))))
    return dict(rows.all())


def _ordered(counts: dict, names: dict, keep_all_reps: bool) -> list:
    """Row keys by name, the records without a person last."""
    keys = set(counts) | (set(names) if keep_all_reps else set())
    people = sorted((k for k in keys if k), key=lambda k: (names.get(k, "").casefold(), k))
    return people + ([None] if None in keys else [])


def _unique(label: str, taken) -> str:
    """A chart legend name not yet in `taken` (two reps may share a name; a dict would merge them)."""
    n, name = 1, label
    while name in taken:
        n += 1
        name = f"{label} ({n})"
    return name


def _week_figure(key, title, status, mondays, counts, names) -> Figure:
    weeks = [kpi.week_label(m) for m in mondays]
    span = f"{weeks[0]}..{weeks[-1]}"
    heads = [_("W%(num)d", num=m.isocalendar()[1]) for m in mondays]
    nobody = _("No owner")

    def visits(owner, week):
        return url_for("office.visits", owner="none" if owner is None else owner,
                       week=week, status=status, type="visit")

    rows, series = [], {}
    for owner in _ordered(counts, names, keep_all_reps=True):
        values = counts.get(owner, [0] * len(mondays))
        label = names.get(owner, nobody) if owner else nobody
        series[_unique(label, series)] = values
        rows.append((label, [Cell(v, visits(owner, w)) for v, w in zip(values, weeks)]
                     + [Cell(sum(values), visits(owner, span))]))
    totals = [sum(values[i] for values in counts.values()) for i in range(len(mondays))]
    every = url_for("office.visits", week=span, status=status, type="visit")
    foot = (_("All"), [Cell(t, url_for("office.visits", week=w, status=status, type="visit"))
                       for t, w in zip(totals, weeks)] + [Cell(sum(totals), every)])
    chart = _bar(heads, series, stacked=True)
    alt = _("%(title)s: a stacked bar chart, one bar a week, one colour a rep; %(total)d in all. "
            "The table beside it has every number.", title=title, total=sum(totals))
    return Figure(key, title, chart, alt, _("Rep"), heads + [_("Total")], rows, foot, wide=True)


def _people_figure(key, title, columns, counts: dict, names, links) -> Figure:
    """Rows per assignee, one column per figure; `links[i](assignee)` is the list behind column i."""
    nobody = _("Unassigned")
    rows, series = [], {column: [] for column in columns}
    keys = _ordered(counts, names, keep_all_reps=False)
    for who in keys:
        values = counts[who]
        rows.append((names.get(who, nobody) if who else nobody,
                     [Cell(v, link("none" if who is None else who)) for v, link in zip(values, links)]))
        for column, value in zip(columns, values):
            series[column].append(value)
    totals = [sum(counts[k][i] for k in keys) for i in range(len(columns))]
    foot = (_("All"), [Cell(t, link(None)) for t, link in zip(totals, links)])
    labels = [row[0] for row in rows]
    alt = _("%(title)s: a bar chart by person. The table beside it has every number.", title=title)
    return Figure(key, title, _bar(labels, series), alt, _("Assignee"), list(columns), rows, foot)


def _task_figures(today) -> list:
    overdue = kpi.overdue_follow_ups(db.session, today)
    tasks = kpi.open_tasks(db.session, today)
    names = _names(set(overdue) | set(tasks))

    def task_list(status, kind=None):
        return lambda who: _link("tasks", status=status, kind=kind, assignee=who)
    follow = _people_figure("overdue", _("Overdue follow-ups"), [_("Overdue")],
                            {k: (v,) for k, v in overdue.items()}, names, [task_list("overdue", "follow_up")])
    if not overdue:
        follow.note = _("No follow-up is overdue.")
    open_ = _people_figure("tasks", _("Open and overdue tasks"), [_("Open"), _("Overdue")], tasks, names,
                           [task_list("open"), task_list("overdue")])
    return [follow, open_]


def _lights_figure(now) -> Figure:
    counts = kpi.lights_by_segment(db.session, now)
    lights = [("red", _("Red")), ("yellow", _("Yellow")), ("green", _("Green")), ("none", _("No light"))]
    rows = []
    for segment in kpi.SEGMENTS:
        label = _("Segment %(name)s", name=segment) if segment != "none" else _("No segment")
        values = [counts[segment].get(light, 0) for light, _name in lights]
        rows.append((label, [Cell(v, _link("customers", segment=segment, light=light))
                             for v, (light, _name) in zip(values, lights)]
                     + [Cell(sum(values), _link("customers", segment=segment))]))
    totals = [sum(counts[s].get(light, 0) for s in kpi.SEGMENTS) for light, _name in lights]
    foot = (_("All"), [Cell(t, _link("customers", light=light)) for t, (light, _name) in zip(totals, lights)]
            + [Cell(sum(totals), "/office/customers")])
    labels = [row[0] for row in rows]
    series = {name: [counts[s].get(light, 0) for s in kpi.SEGMENTS] for light, name in lights}
    chart = _bar(labels, series, stacked=True, colors=tuple(charts.LIGHT_COLORS[light] for light, _n in lights))
    alt = _("%(title)s: a stacked bar chart, one bar a segment, coloured by traffic light. "
            "The table beside it has every number.", title=_("Customers by traffic light"))
    return Figure("lights", _("Customers by traffic light"), chart, alt, _("Segment"),
                  [name for _light, name in lights] + [_("Total")], rows, foot)


def _month_labels(firsts) -> list:
    return [format_date(first, "MMM yy") for first in firsts]


def _month_rows(firsts, values_of, links_of):
    return [(format_date(first, "LLLL y"), [Cell(v, link, kind) for v, (link, kind) in zip(values_of(m), links_of(m))])
            for first in firsts for m in [first.strftime("%Y-%m")]]


def _customers_figure(firsts, tz) -> Figure:
    months = [first.strftime("%Y-%m") for first in firsts]
    counts = kpi.customer_months(db.session, firsts, tz)
    columns = [("new", _("New")), ("passive", _("Passive")), ("former", _("Lost"))]

    def links(m):  # archived ones count too: a customer lost in May may be archived by now
        return [(_link("customers", stage_month=m, archived="all"), "number"),
                (_link("customers", stage="passive", stage_month=m, archived="all"), "number"),
                (_link("customers", stage="former", stage_month=m, archived="all"), "number")]
    rows = _month_rows(firsts, lambda m: [counts[m][stage] for stage, _n in columns], links)
    series = {name: [counts[m][stage] for m in months] for stage, name in columns}
    chart = _bar(_month_labels(firsts), series, x_label_rotation=35)
    title = _("New, passive and lost customers")
    alt = _("%(title)s: a bar chart, three bars a month. The table beside it has every number.", title=title)
    return Figure("stages", title, chart, alt, _("Month"), [name for _s, name in columns], rows)


def _sales_figure(firsts) -> Figure:
    sales = kpi.delivered_sales(db.session, firsts)

    def links(m):
        href = _link("orders", status="delivered", month=m)
        return [(href, "number"), (href, "money")]
    rows = _month_rows(firsts, lambda m: list(sales[m]), links)
    chart = _bar(_month_labels(firsts),
                 {_("Delivered sales"): [float(total) for _count, total in sales.values()]}, x_label_rotation=35)
    title = _("Delivered sales per month")
    alt = _("%(title)s: a bar chart, one bar a month. The table beside it has every number.", title=title)
    return Figure("sales", title, chart, alt, _("Month"), [_("Deliveries"), _("Sales")], rows)


def figures(now, full: bool) -> list:
    """Every figure the user may see, in reading order (`full`: the manager's visit and customer ones)."""
    tz = ZoneInfo(org_timezone_name())
    today = kpi.local_today(now, tz)
    firsts = kpi.months_back(today, MONTHS)
    out = []
    if full:
        done_weeks, next_weeks = kpi.weeks_back(today, VISIT_WEEKS), kpi.weeks_ahead(today, PLANNED_WEEKS)
        done = kpi.visits_per_week(db.session, "done", done_weeks, tz)
        planned = kpi.visits_per_week(db.session, "planned", next_weeks, tz)
        names = _names(set(done) | set(planned))
        out += [_week_figure("done", _("Visits done per rep"), "done", done_weeks, done, names),
                _week_figure("planned", _("Visits planned for the next 3 weeks"), "planned", next_weeks, planned,
                             names)]
    out += _task_figures(today)
    if full:
        out += [_lights_figure(now), _customers_figure(firsts, tz)]
    out.append(_sales_figure(firsts))
    return out


@bp.get("/dashboard")
@role_required("service")
def dashboard():
    now = utcnow()
    full = current_user.at_least("manager")
    return render_template("office/dashboard.html", figures=figures(now, full), now=now, full=full)
