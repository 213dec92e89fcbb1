"""Back office tasks: service creates a task for a rep, the rep's phone gets it, the desk sees who closed it."""
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from office_helpers import csrf_token, desk
from server.extensions import db
from server.models import Task

pytestmark = pytest.mark.usefixtures("own_contexts")


def today_local() -> date:
    return datetime.now(ZoneInfo("Europe/Helsinki")).date()  # the org time zone of TestConfig


@pytest.fixture
def customer(create_record, users):
    return create_record("customer", name="Kahvila Aalto", owner_id=users.rep.id)


def new_task(client, customer_id, assignee, **overrides):
    data = {"customer_id": customer_id, "assignee_id": assignee.id, "kind": "complaint", "title": "Broken lid",
            "due_on": "2026-12-10", "remind_day": "", "remind_time": "", "notes": ""} | overrides
    return client.post("/office/tasks/new", data=data)


def test_a_rep_gets_403_on_every_task_page(app, users, customer, create_record):
    task_id = create_record("task", users.rep, customer_id=customer, title="Mine")
    rep = desk(app, users.rep)
    for path in ("/office/tasks", "/office/tasks/new", f"/office/tasks/new?customer_id={customer}"):
        assert rep.get(path).status_code == 403, path
    assert rep.post("/office/tasks/new", data={"title": "x"}).status_code == 403
    assert rep.post(f"/office/tasks/{task_id}/done").status_code == 403
    assert rep.post(f"/office/tasks/{task_id}/reopen").status_code == 403


def test_service_creates_a_task_that_reaches_the_reps_phone(app, client, users, customer):
    service = desk(app, users.service)
    form = service.get(f"/office/tasks/new?customer_id={customer}").get_data(as_text=True)
    assert "Kahvila Aalto" in form and users.rep.name in form
    r = new_task(service, customer, users.rep, remind_day="2026-12-09", remind_time="9:30", notes="Call first")
    assert r.status_code == 302, r.get_data(as_text=True)
    task = Task.query.one()
    assert (task.assignee_id, task.created_by, task.kind, task.status) == (users.rep.id, users.service.id,
                                                                           "complaint", "open")
    assert task.due_on == date(2026, 12, 10)
    assert task.remind_at.isoformat() == "2026-12-09T07:30:00"  # 9:30 in Helsinki (UTC+2 in December)
    pulled = client.get("/api/sync/pull?cursor=0", headers=users.rep_h).json["changes"]
    assert [c["data"]["title"] for c in pulled if c["entity"] == "task"] == ["Broken lid"]
    # The sender's default list: their own open tasks.
    page = service.get("/office/tasks").get_data(as_text=True)
    assert "Broken lid" in page and f"/office/customers/{customer}" in page


def test_bad_input_names_the_field_and_keeps_what_was_typed(app, users, customer):
    service = desk(app, users.service)
    r = new_task(service, customer, users.rep, title="  ", due_on="31.2.2026", remind_day="2026-12-09",
                 remind_time="25:00", notes="keep me")
    page = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "Give the task a title." in page and "Not a date" in page and "Not a time" in page
    assert "keep me" in page and 'value="25:00"' in page and 'value="31.2.2026"' in page
    no_customer = service.post("/office/tasks/new", data={"customer_q": "Nobody such", "assignee_id": users.rep.id,
                                                          "title": "x"})
    assert no_customer.status_code == 422 and "No customer matches" in no_customer.get_data(as_text=True)
    assert Task.query.count() == 0


def test_typed_customer_name_without_script(app, users, customer, create_record):
    service = desk(app, users.service)
    r = service.post("/office/tasks/new", data={"customer_q": "aalto", "assignee_id": users.rep.id,
                                                "kind": "info", "title": "Price list"})
    assert r.status_code == 302 and Task.query.one().customer_id == customer
    create_record("customer", name="Aalto Bakery")
    several = service.post("/office/tasks/new", data={"customer_q": "aalto", "assignee_id": users.rep.id,
                                                      "kind": "info", "title": "Price list 2"})
    page = several.get_data(as_text=True)
    assert several.status_code == 422 and "Several customers match" in page and 'type="radio"' in page


def test_done_shows_who_and_when_and_overdue_tab(app, client, users, customer, create_record):
    yesterday = (today_local() - timedelta(days=1)).isoformat()
    late = create_record("task", users.service, customer_id=customer, assignee_id=users.rep.id, title="Late one",
                         due_on=yesterday)
    create_record("task", users.service, customer_id=customer, assignee_id=users.rep.id, title="Later one",
                  due_on=(today_local() + timedelta(days=3)).isoformat())
    manager = desk(app, users.manager)
    overdue = manager.get("/office/tasks?status=overdue").get_data(as_text=True)
    assert "Late one" in overdue and "Later one" not in overdue and 'class="overdue"' in overdue
    done = create_record("task", users.rep, customer_id=customer, title="Rep's own")
    r = client.patch(f"/api/tasks/{done}", json={"status": "done"},
                         headers=users.rep_h | {"If-Match": str(db.session.get(Task, done).version)})
    assert r.status_code == 200, r.json
    page = manager.get("/office/tasks?status=done").get_data(as_text=True)
    assert "Rep&#39;s own" in page and f"by {users.rep.name}," in page and "Late one" not in page
    # The desk marks one done and reopens it; the stamp then names the service user.
    service = desk(app, users.service)
    version = db.session.get(Task, late).version
    assert service.post(f"/office/tasks/{late}/done", data={"version": version}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Task, late).status == "done"
    assert f"by {users.service.name}," in service.get("/office/tasks?status=done&created_by=me").get_data(as_text=True)
    stale = service.post(f"/office/tasks/{late}/reopen", data={"version": version}, follow_redirects=True)
    assert "Someone changed this record" in stale.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Task, late).status == "done"


def test_default_view_is_my_open_tasks_for_service_all_for_manager(app, users, customer, create_record):
    create_record("task", users.manager, customer_id=customer, assignee_id=users.rep.id, title="Manager's ask")
    create_record("task", users.service, customer_id=customer, assignee_id=users.rep.id, title="Service's ask")
    mine = desk(app, users.service).get("/office/tasks").get_data(as_text=True)
    assert "Service&#39;s ask" in mine and "Manager&#39;s ask" not in mine
    everyone = desk(app, users.manager).get("/office/tasks").get_data(as_text=True)
    assert "Service&#39;s ask" in everyone and "Manager&#39;s ask" in everyone
    by_assignee = desk(app, users.service).get(f"/office/tasks?status=open&assignee={users.rep.id}")
    assert "Manager&#39;s ask" in by_assignee.get_data(as_text=True)  # a dashboard link: everyone's
    create_record("task", users.manager, customer_id=customer, assignee_id=None, title="Nobody's yet")
    unassigned = desk(app, users.manager).get("/office/tasks?status=open&assignee=none").get_data(as_text=True)
    assert "Nobody&#39;s yet" in unassigned and "Manager&#39;s ask" not in unassigned


def test_list_pages_by_50_in_a_fixed_number_of_queries(app, users, customer, create_record, count_queries):
    for i in range(55):
        create_record("task", users.service, customer_id=customer, assignee_id=users.rep.id, title=f"T{i:02d}",
                      due_on="2026-12-20")
    service = desk(app, users.service)
    with count_queries() as n:
        first = service.get("/office/tasks").get_data(as_text=True)
    assert len(re.findall(r">T\d\d<", first)) == 50 and "Page 1 of 2" in first
    with count_queries() as m:
        second = service.get("/office/tasks?status=open&created_by=me&page=2").get_data(as_text=True)
    assert len(re.findall(r">T\d\d<", second)) == 5
    assert n[0] == m[0] < 12  # the same few queries for 50 rows as for 5: no query per row


def test_posts_need_the_csrf_token(app, users, customer, create_record, csrf_on):
    task = create_record("task", users.service, customer_id=customer, assignee_id=users.rep.id, title="Ask")
    service = desk(app, users.service)
    assert new_task(service, customer, users.rep).status_code == 400
    assert service.post(f"/office/tasks/{task}/done", data={}).status_code == 400
    assert Task.query.count() == 1 and db.session.get(Task, task).status == "open"
    token = csrf_token(service, "/office/tasks/new")
    assert new_task(service, customer, users.rep, csrf_token=token).status_code == 302
