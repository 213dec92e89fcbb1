"""Issue 17 in Chromium: the new task form checks its fields with the server's published rules
(validate.js) before saving, as the visit and customer forms do: each message beside its field,
in Finnish, the first wrong field focused, nothing queued until fixed."""
import pytest
from e2e_support import api, eventually, login, wait_synced

pytestmark = pytest.mark.e2e


def wait_error(page, field, text):
    """The form checks a moment after the tap (the rules are read from IndexedDB)."""
    page.wait_for_function("([f, t]) => document.querySelector(`[data-error=${f}]`)?.textContent === t", arg=[field, text])


def tasks(live) -> list:
    return api(live, "GET", "/api/tasks", "manager").json["items"]


def test_a_due_day_outside_the_rules_is_named_beside_its_field_and_nothing_is_saved(live, phone):
    api(live, "POST", "/api/customers", "manager", {"name": "Leipomo Kuu", "owner_id": live.users["rep1"]})
    _, page = phone()
    login(page, live, "rep1")  # the first sync brings the rules (GET /api/rules)
    page.goto(f"{live.url}/#/tasks/new")
    page.click("[data-testid=save-task]")  # nothing chosen, no title: both named where they belong
    wait_error(page, "customer_id", "Valitse asiakas.")
    assert page.evaluate("document.activeElement.id") == "task-pick-q"

    page.fill("[data-testid=task-pick-search]", "kuu")
    page.click("#task-pick-results [data-testid=customer-row] >> text=Leipomo Kuu")
    page.fill("input[name=due_on]", "1850-01-01")  # a real date, but the server takes 1900-2200
    page.click("[data-testid=save-task]")
    wait_error(page, "title", "Kirjoita tehtävälle otsikko.")
    wait_error(page, "due_on", "Päivämäärä ei kelpaa.")  # checked along with the missing title
    page.fill("[data-testid=task-title]", "Vie näytteet")
    page.click("[data-testid=save-task]")
    wait_error(page, "title", "")
    assert page.inner_text("[data-error=due_on]") == "Päivämäärä ei kelpaa."
    assert page.evaluate("document.activeElement.name") == "due_on"
    assert page.locator("[data-testid=task-form]").is_visible(), "not saved: the form stays open"
    assert page.get_attribute("#sync-pill", "data-pending") == "0", "nothing was queued"

    page.fill("input[name=due_on]", "2026-12-24")
    page.click("[data-testid=save-task]")
    page.wait_for_url("**/#/tasks")
    wait_synced(page)
    [task] = eventually(lambda: tasks(live))
    assert (task["title"], task["due_on"]) == ("Vie näytteet", "2026-12-24")
