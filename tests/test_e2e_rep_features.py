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
    row.wait_for()  # from the outbox, offline: no sync needed
    assert row.count() == 1 and "Leipomo Kuu" in row.inner_text()
    assert rows(live, Task) == []
    back_online(context, page)
    [task] = eventually(lambda: rows(live, Task))
    assert (task.customer_id, task.title, task.kind, task.status) == (customer_id, "Vie näytteet", "sample_order", "open")
    assert task.assignee_id == rep and task.due_on == date.today() + timedelta(days=1)


def test_card_calls_and_routes_and_offers_to_log_the_call_offline(live, phone):
    rep = live.users["rep1"]
    customer_id = api(live, "POST", "/api/customers", "manager", {
        "name": "Konepaja Oy", "street": "Hämeenkatu 1", "postal_code": "33100", "city": "Tampere",
        "phone": "+358 3 123 4567", "owner_id": rep}).json["id"]
    contact_id = api(live, "POST", "/api/contacts", "manager", {
        "customer_id": customer_id, "name": "Matti Meikäläinen", "phone": "040 765 4321"}).json["id"]
    context, page = phone()
    login(page, live, "rep1")
    context.set_offline(True)
    page.goto(f"{live.url}/#/customers/{customer_id}")
    page.wait_for_selector("[data-testid=customer-card]")
    call = page.locator("[data-testid=call-customer]")
    assert call.get_attribute("href") == "tel:+35831234567" and "+358 3 123 4567" in call.inner_text()
    route = page.locator("[data-testid=route]")
    assert route.get_attribute("href") == (
        "https://www.google.com/maps/search/?api=1&query=H%C3%A4meenkatu%201%2C%2033100%20Tampere")
    for link in (call, route, page.locator("[data-testid=call-contact]")):
        box = link.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44
    # Tap the contact's number; the dialler would take over. Nothing is offered before the return.
    contact_call = page.locator("[data-testid=call-contact]")
    assert contact_call.get_attribute("href") == "tel:0407654321"
    page.evaluate("""() => document.querySelector("[data-testid=call-contact]")
        .addEventListener("click", (e) => e.preventDefault())""")  # headless Chromium has no dialler
    contact_call.click()
    assert page.locator("[data-testid=log-call]").count() == 0
    page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")  # back from the call
    offer = page.locator("[data-testid=call-offer]")
    assert "Matti Meikäläinen" in offer.inner_text()
    page.click("[data-testid=log-call]")  # one tap
    page.wait_for_selector("[data-testid=timeline-activity] >> text=Puhelu")
    assert page.locator("[data-testid=log-call]").count() == 0
    assert rows(live, Activity) == []
    back_online(context, page)
    [logged] = eventually(lambda: rows(live, Activity))
    assert (logged.type, logged.status, logged.customer_id, logged.contact_id, logged.owner_id) == (
        "call", "done", customer_id, contact_id, rep)
    assert logged.title == "Konepaja Oy – Matti Meikäläinen – puhelu"
