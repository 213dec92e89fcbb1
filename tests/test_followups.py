"""Post-delivery follow-ups (SPEC §7): exactly one follow_up task per delivered delivery, via any write path."""
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import OpLedger, ServiceLevel, Task, User
from server.reminders.followups import followup_task_id, plan
from sync_helpers import new_id, op, push, push_one, state

DELIVERED = {"status": "delivered", "delivered_on": "2026-11-20"}


def tasks_of(delivery_id):
    db.session.expire_all()
    return db.session.scalars(select(Task).where(Task.delivery_id == delivery_id)).all()


@pytest.fixture
def customer(client, users):
    """A segment-B customer owned by users.rep, with B's follow-up delay set to 5 days."""
    db.session.get(ServiceLevel, "B").followup_delay_days = 5
    db.session.commit()
    r = client.post("/api/customers", json={"name": "Kahvila Aalto", "segment": "B", "owner_id": users.rep.id},
                    headers=users.manager_h)
    assert r.status_code == 201, r.json
    return r.json["id"]


def test_rest_delivery_becoming_delivered_makes_one_task_for_the_owner(client, users, customer):
    r = client.post("/api/deliveries", json={"customer_id": customer, "order_no": "T-1"}, headers=users.service_h)
    delivery = r.json["id"]
    assert tasks_of(delivery) == []  # ordered: nothing to follow up yet
    r = client.patch(f"/api/deliveries/{delivery}", json=DELIVERED, headers=users.service_h)
    assert r.status_code == 200, r.json
    [task] = tasks_of(delivery)
    assert task.id == followup_task_id(delivery)
    assert (task.kind, task.status, task.assignee_id, task.customer_id, task.created_by) == \
        ("follow_up", "open", users.rep.id, customer, None)
    assert task.due_on.isoformat() == "2026-11-25"  # delivered_on + segment B's 5 days
    assert task.remind_at.isoformat() == "2026-11-25T06:00:00"  # 08:00 in Helsinki (UTC+2 in November)
    assert "Kahvila Aalto" in task.title and "T-1" in task.notes
    # editing the delivery again, even re-delivering it, never makes a second task
    for fields in ({"order_no": "T-1b"}, {"status": "ordered"}, DELIVERED, {"delivered_on": "2026-11-21"}):
        assert client.patch(f"/api/deliveries/{delivery}", json=fields, headers=users.service_h).status_code == 200
    assert [t.id for t in tasks_of(delivery)] == [task.id]
    assert tasks_of(delivery)[0].due_on.isoformat() == "2026-11-25"


def test_summer_time_and_default_delay_without_segment(client, users):
    cid = client.post("/api/customers", json={"name": "Salonki", "owner_id": users.rep2.id},
                      headers=users.manager_h).json["id"]
    delivery = client.post("/api/deliveries", json={"customer_id": cid, "status": "delivered",
                                                    "delivered_on": "2026-06-10"}, headers=users.service_h).json["id"]
    [task] = tasks_of(delivery)
    assert (task.assignee_id, task.due_on.isoformat(), task.remind_at.isoformat()) == \
        (users.rep2.id, "2026-06-13", "2026-06-13T05:00:00")  # default 3 days; 08:00 EEST = 05:00 UTC


def test_sync_resyncs_and_duplicates_in_one_push_make_one_task_that_phones_pull(client, users, customer):
    did = new_id()
    body = {"customer_id": customer, "order_no": "T-9", **DELIVERED}
    first = push_one(client, users.service_h, op("delivery", did, body), "desk")
    assert first["status"] == "applied"
    # the same change again under new op ids, twice in one push, and an edit of another field
    again = push(client, users.service_h, [op("delivery", did, DELIVERED, base=first["version"], minute=1),
                                           op("delivery", did, DELIVERED, base=first["version"], minute=2),
                                           op("delivery", did, {"total": "10.00"}, base=first["version"], minute=3)],
                 "desk")
    assert [r["status"] for r in again["results"]] == ["applied"] * 3
    assert len(tasks_of(did)) == 1
    seen = state(client, users.rep_h)  # the owner's phone gets the server-made task by pull
    pulled = seen[("task", followup_task_id(did))]["data"]
    assert (pulled["kind"], pulled["delivery_id"], pulled["assignee_id"], pulled["remind_at"]) == \
        ("follow_up", did, users.rep.id, "2026-11-25T06:00:00Z")
    # the server's op is in the ledger as the server's, not the pusher's
    row = db.session.scalars(select(OpLedger).where(OpLedger.record_id == followup_task_id(did))).one()
    assert (row.user_id, row.client_id, row.status) == (None, "server:follow-ups", "applied")


def test_a_rep_recording_a_delivered_order_for_a_colleagues_customer(client, users, customer):
    """Reps may record orders; the task goes to the owner although a rep may not assign tasks to others."""
    did = new_id()
    result = push_one(client, users.rep2_h, op("delivery", did, {"customer_id": customer, **DELIVERED}), "phone-b")
    assert result["status"] == "applied"
    [task] = tasks_of(did)
    assert task.assignee_id == users.rep.id


def test_a_deleted_follow_up_is_never_made_again(client, users, customer):
    delivery = client.post("/api/deliveries", json={"customer_id": customer, **DELIVERED},
                           headers=users.service_h).json["id"]
    tid = followup_task_id(delivery)
    task = client.get(f"/api/tasks/{tid}", headers=users.rep_h).json
    gone = push_one(client, users.rep_h, op("task", tid, type_="delete", base=task["version"]))
    assert gone["status"] == "applied"
    for fields in ({"status": "ordered"}, DELIVERED):
        assert client.patch(f"/api/deliveries/{delivery}", json=fields, headers=users.service_h).status_code == 200
    [task] = tasks_of(delivery)
    assert task.deleted


def test_no_owner_or_no_date_means_no_task_until_both_are_there(client, users):
    cid = client.post("/api/customers", json={"name": "Orpo Oy", "owner_id": None}, headers=users.manager_h).json["id"]
    delivery = client.post("/api/deliveries", json={"customer_id": cid, **DELIVERED},
                           headers=users.service_h).json["id"]
    assert tasks_of(delivery) == []  # nobody to remind
    client.patch(f"/api/customers/{cid}", json={"owner_id": users.rep.id}, headers=users.manager_h)
    other = client.post("/api/deliveries", json={"customer_id": cid, "status": "delivered"},
                        headers=users.service_h).json["id"]
    assert tasks_of(other) == []  # no delivered_on: no due date to count from
    client.patch(f"/api/deliveries/{other}", json={"delivered_on": "2026-11-23"}, headers=users.service_h)
    [task] = tasks_of(other)
    assert task.due_on.isoformat() == "2026-11-26"


def test_title_in_the_owners_language(client, users, customer):
    db.session.get(User, users.rep.id).locale = "en"
    db.session.commit()
    delivery = client.post("/api/deliveries", json={"customer_id": customer, **DELIVERED},
                           headers=users.service_h).json["id"]
    [task] = tasks_of(delivery)
    assert task.title == "Follow-up call after delivery: Kahvila Aalto"


def test_a_cancelled_or_deleted_delivery_makes_nothing(client, users, customer):
    did = new_id()
    push_one(client, users.service_h, op("delivery", did, {"customer_id": customer, "status": "cancelled",
                                                          "delivered_on": "2026-11-20"}), "desk")
    assert tasks_of(did) == []


def test_plan_is_pure_and_clips_long_titles():
    tz = ZoneInfo("Europe/Helsinki")
    customer = {"name": "K" * 200, "owner_id": "u1"}
    fields = plan("d1", {"customer_id": "c1", **DELIVERED}, customer, 0, tz, "fi")
    assert len(fields["title"]) == 200 and fields["due_on"] == "2026-11-20"
    assert plan("d1", {"customer_id": "c1", "status": "ordered", "delivered_on": "2026-11-20"}, customer, 3, tz,
                None) is None
