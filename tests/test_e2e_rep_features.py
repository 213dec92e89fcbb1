"""What a rep misses (issue 17), in Chromium at 360×740 in Finnish: the agenda of the coming days on
Today, a new task from the Tasks tab, and call and route on the card with the offer to log the call."""
from datetime import UTC, date, datetime, time, timedelta

import pytest
from e2e_support import api, back_online, eventually, login
from sqlalchemy import select

from server.extensions import db
from server.models import Activity, Task

pytestmark = pytest.mark.e2e


def rows(live, model, **where):
    with live.app.app_context():
        return db.session.scalars(select(model).filter_by(**where)).all()


def local_instant(day: date, hour: int) -> str:
    """A local wall-clock time (the browser's zone is this machine's) as the UTC instant the API takes."""
    return datetime.combine(day, time(hour)).astimezone(UTC).isoformat()


def test_agenda_shows_tomorrows_visit_under_today_offline(live, phone):
    rep = live.users["rep1"]
    customer_id = api(live, "POST", "/api/customers", "manager", {"name": "Kahvila Aalto", "city": "Tampere", "owner_id": rep}).json["id"]
    tomorrow = date.today() + timedelta(days=1)
    for day, title in ((date.today(), "Tämän päivän käynti"), (tomorrow, "Huomisen käynti"),
                       (date.today() + timedelta(days=30), "Kaukainen käynti")):
        api(live, "POST", "/api/activities", "rep1", {"customer_id": customer_id, "owner_id": rep, "type": "visit",
                                                       "status": "planned", "title": title, "starts_at": local_instant(day, 10)})
    context, page = phone()
    login(page, live, "rep1")
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("[data-testid=agenda-visit]")
    agenda = page.locator("[data-testid=agenda]")
    heading = agenda.locator(f"h3[data-day='{tomorrow.isoformat()}']").inner_text()
    assert heading.startswith("Huomenna · ") and f"{tomorrow.day}." in heading  # Finnish weekday and date
    visit = agenda.locator("[data-testid=agenda-visit]")
    assert visit.count() == 1 and "Huomisen käynti" in visit.inner_text() and "10.00" in visit.inner_text()
    # Today's list stays first, the agenda below it: "log a visit" is still at the top.
    assert "Tämän päivän käynti" in page.inner_text("[data-testid=today-visits]")
    assert page.locator("[data-testid=today-visits]").bounding_box()["y"] < agenda.bounding_box()["y"]
    visit.click()
    page.wait_for_url(f"**/#/customers/{customer_id}")
    page.wait_for_selector("[data-testid=customer-card]")


def test_new_task_from_the_tasks_tab_offline_shows_at_once_and_syncs_later(live, phone):
    rep = live.users["rep1"]
    customer_id = api(live, "POST", "/api/customers", "manager", {"name": "Leipomo Kuu", "city": "Oulu", "owner_id": rep}).json["id"]
    context, page = phone()
    login(page, live, "rep1")
    context.set_offline(True)
    page.click("#tabs [data-tab=tasks]")
    page.click("[data-testid=new-task]")
    page.click("[data-testid=save-task]")  # nothing chosen: told so, nothing saved
    assert page.inner_text("#task-error") == "Valitse asiakas."
    page.fill("[data-testid=task-pick-search]", "kuu")
    page.click("#task-pick-results [data-testid=customer-row] >> text=Leipomo Kuu")
    assert page.inner_text("[data-testid=task-chosen]") == "Leipomo Kuu"
    assert page.input_value("input[name=due_on]") == (date.today() + timedelta(days=1)).isoformat()
    page.fill("[data-testid=task-title]", "Vie näytteet")
    page.select_option("select[name=kind]", "sample_order")
    page.click("[data-testid=save-task]")
    page.wait_for_url("**/#/tasks")
    row = page.locator("[data-testid=task-list] [data-testid=task-row]", has_text="Vie näytteet")
    assert row.count() == 1 and "Leipomo Kuu" in row.inner_text()
    assert rows(live, Task) == []
    back_online(context, page)
    [task] = eventually(lambda: rows(live, Task))
    assert (task.customer_id, task.title, task.kind, task.status) == (customer_id, "Vie näytteet", "sample_order", "open")
    assert task.assignee_id == rep and task.due_on == date.today() + timedelta(days=1)
