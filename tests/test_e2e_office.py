"""The back office in Chromium at a desk (1280x800, the CSP enforced): a manager's task reaching a rep's
phone and coming back done, customer service's order becoming a delivery with its follow-up, and a
screenshot of every page (screenshots/office/, or KENTTA_SCREENSHOTS) for a person to look at."""
from datetime import date, timedelta

import pytest
from e2e_support import api, eventually, login, wait_synced
from sqlalchemy import select

from server.extensions import db
from server.models import Task

pytestmark = pytest.mark.e2e


def customer(live, name="Kahvila Aalto", owner="rep1"):
    r = api(live, "POST", "/api/customers", "manager",
            {"name": name, "city": "Tampere", "segment": "B", "owner_id": live.users[owner]})
    assert r.status_code == 201, r.json
    return r.json["id"]


def tasks(live, **where):
    with live.app.app_context():
        return db.session.scalars(select(Task).filter_by(**where)).all()


def test_a_manager_s_task_reaches_the_rep_s_app_and_comes_back_done(live, desk, phone):
    cid = customer(live)
    manager = desk("manager")
    assert page_heading(manager) and "/office/dashboard" in manager.url
    manager.click("nav >> text=Tasks")
    manager.click("text=New task")
    manager.fill("input[data-customer-lookup]", "Kahvila Aalto")
    manager.select_option("select[name=assignee_id]", live.users["rep1"])
    manager.select_option("select[name=kind]", "complaint")
    manager.fill("input[name=title]", "Reklamaatio: kakut myöhässä")
    manager.fill("input[name=due_on]", date.today().isoformat())
    manager.click("main form button[type=submit]")
    manager.wait_for_selector("text=Reklamaatio: kakut myöhässä")
    [task] = tasks(live, title="Reklamaatio: kakut myöhässä")
    assert task.assignee_id == live.users["rep1"] and task.customer_id == cid and task.status == "open"

    _, rep = phone()
    login(rep, live, "rep1")
    rep.goto(live.url + "/#/tasks")
    row = rep.locator("[data-testid=task-list] [data-testid=task-row]", has_text="Reklamaatio: kakut myöhässä")
    row.wait_for()
    row.locator("[data-action=toggle-task]").click()
    wait_synced(rep, since=0)
    assert eventually(lambda: tasks(live, title="Reklamaatio: kakut myöhässä", status="done"))

    manager.goto(live.url + "/office/tasks?status=done")
    done_row = manager.locator("[data-testid=tasks] tr", has_text="Reklamaatio: kakut myöhässä")
    assert "by Rep1" in done_row.inner_text()


def test_customer_service_records_an_order_and_the_delivery_makes_a_follow_up(live, desk):
    cid = customer(live, "Leipomo Kinuski")
    service = desk("service")
    service.goto(f"{live.url}/office/orders/new?customer_id={cid}")
    service.fill("input[name=order_no]", "T-1001")
    service.fill("input[name=deliver_on]", (date.today() + timedelta(days=2)).isoformat())
    service.fill("input[name='line-0-product']", "Juustokakku")
    service.fill("input[name='line-0-quantity']", "3")
    service.fill("input[name='line-0-unit_price']", "24,50")
    service.click("main form button[type=submit]:has-text('Save order')")
    service.wait_for_selector("[data-testid=order-lines]")
    assert service.inner_text("[data-testid=total]").replace("\u00a0", " ") in ("€73.50", "73.50 €")
    service.goto(f"{live.url}/office/production")
    assert "Juustokakku" in service.inner_text("main")
    service.go_back()
    service.click("button:has-text('Mark delivered')")
    service.wait_for_selector("[data-testid=status]:has-text('Delivered')")
    [follow_up] = eventually(lambda: tasks(live, kind="follow_up", customer_id=cid))
    assert follow_up.assignee_id == live.users["rep1"] and follow_up.delivery_id
    assert follow_up.due_on == date.today() + timedelta(days=3)
    assert "Follow-up" in service.inner_text("main")


def page_heading(page) -> str:
    return page.inner_text("main h1")
