"""The bottom tabs at 360x740 (issue 17): every label whole in Finnish and English, whichever tab is
active, with the Needs-attention count ("Huomio (1)"), and the bar one row."""
import pytest
from e2e_support import api, login, new_id, wait_synced

pytestmark = pytest.mark.e2e

# Per tab: its label's text box (the text node, the badge left out) against the tab's inner box.
MEASURE = """() => [...document.querySelectorAll('#tabs a')].map((a) => {
  const range = document.createRange();
  range.selectNodeContents(a.firstChild);
  const text = range.getBoundingClientRect();
  const tab = a.getBoundingClientRect();
  const badge = a.querySelector('.count')?.getBoundingClientRect();
  return { tab: a.dataset.tab, label: a.firstChild.textContent, clipped: a.scrollWidth > a.clientWidth,
           textLeft: text.left, textRight: text.right, tabLeft: tab.left, tabRight: tab.right, top: tab.top,
           height: tab.height, overlap: badge ? badge.left < text.right && badge.bottom > text.top : false };
})"""


@pytest.mark.parametrize("locale", ["fi-FI", "en-GB"])
def test_every_tab_label_fits_whole_on_one_row(live, phone, locale):
    cid = api(live, "POST", "/api/customers", "manager", {"name": "Kahvila Aalto", "owner_id": live.users["rep1"]}).json["id"]
    _, page = phone(locale=locale)
    login(page, live, "rep1")
    # A change the server refuses, so the attention tab carries its count.
    page.evaluate("""([id, other]) => import('/static/js/core.js').then(({ app }) =>
        app.put('contact', other, { customer_id: id, name: 'Testi', email: 'eiole@' }))""", [cid, new_id()])
    wait_synced(page)
    page.wait_for_selector("#tabs [data-tab=attention] .count")
    problems = []
    for active in ("today", "customers", "tasks", "attention", "settings"):
        page.click(f"#tabs [data-tab={active}]")
        page.wait_for_selector(f"#tabs [data-tab={active}].active")
        tabs = page.evaluate(MEASURE)
        assert len({round(t["top"]) for t in tabs}) == 1 and all(t["height"] <= 56 for t in tabs), tabs
        for t in tabs:
            if t["clipped"] or t["textLeft"] < t["tabLeft"] - 0.5 or t["textRight"] > t["tabRight"] + 0.5 or t["overlap"]:
                problems.append(f"{t['label']!r} with {active} active: {t}")
    assert " ".join(page.inner_text("#tabs [data-tab=attention]").split()) in ("Huomio (1)", "Attention (1)")
    assert problems == []
