"""Back office, the handover: a manager moves one rep's customers, open tasks and future planned
visits to another rep, through the merge, so the phones pull the change."""
from datetime import timedelta

import pytest

from office_helpers import csrf_token, desk
from server.models.base import utcnow
from sync_helpers import pull_all

pytestmark = pytest.mark.usefixtures("own_contexts")


def stamp(days: float) -> str:
    return (utcnow() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def leaving(create_record, users):
    """What users.rep holds, and what must stay: others' records, done tasks, past visits."""
    rep = users.rep.id
    ids = {"customers": [create_record("customer", name=f"Rep's {n}", owner_id=rep) for n in range(2)]}
    ids["customers"].append(create_record("customer", name="Rep's archived", owner_id=rep, archived=True))
    other = create_record("customer", name="Colleague's", owner_id=users.rep2.id)
    first = ids["customers"][0]
    ids["tasks"] = [create_record("task", customer_id=first, assignee_id=rep, title=f"Open {n}", status="open")
                    for n in range(2)]
    ids["done_task"] = create_record("task", customer_id=first, assignee_id=rep, title="Done", status="done")
    ids["future"] = create_record("activity", customer_id=other, owner_id=rep, type="visit", status="planned",
                                  title="Next week", starts_at=stamp(7))
    ids["past"] = create_record("activity", customer_id=first, owner_id=rep, type="visit", status="planned",
                                title="Last week, never closed", starts_at=stamp(-7))
    ids["other"] = other
    return ids


def _get(client, users, entity, record_id):
    return client.get(f"/api/{entity}/{record_id}", headers=users.manager_h).json


def test_only_managers_hand_over(app, users):
    for user in (users.rep, users.service):
        client = desk(app, user)
        assert client.get("/office/customers/handover").status_code == 403
        assert client.post("/office/customers/handover", data={"from": users.rep.id, "to": users.rep2.id}).status_code == 403


def test_preview_counts_what_moves(app, users, leaving):
    page = desk(app, users.manager).get(f"/office/customers/handover?from={users.rep.id}&to={users.rep2.id}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'data-count="customer">3<' in body and 'data-count="task">2<' in body and 'data-count="activity">1<' in body
    assert "Hand over now" in body


def test_handover_moves_everything_and_the_new_rep_pulls_it(app, client, users, leaving):
    manager = desk(app, users.manager)
    response = manager.post("/office/customers/handover",
                            data={"from": users.rep.id, "to": users.rep2.id, "activities": "1"})
    assert response.status_code == 302
    summary = manager.get(response.headers["Location"]).get_data(as_text=True)
    assert "3 customers, 2 open tasks, 1 planned visits" in summary
    assert 'data-count="customer">0<' in summary and 'data-count="task">0<' in summary
    for cid in leaving["customers"]:
        assert _get(client, users, "customers", cid)["owner_id"] == users.rep2.id
    for tid in leaving["tasks"]:
        assert _get(client, users, "tasks", tid)["assignee_id"] == users.rep2.id
    assert _get(client, users, "tasks", leaving["done_task"])["assignee_id"] == users.rep.id  # history stays
    assert _get(client, users, "activities", leaving["future"])["owner_id"] == users.rep2.id
    assert _get(client, users, "activities", leaving["past"])["owner_id"] == users.rep.id
    changes, _cursor = pull_all(client, users.rep2_h)
    pulled = {c["id"]: c["data"] for c in changes if c["entity"] == "customer"}
    assert all(pulled[cid]["owner_id"] == users.rep2.id for cid in leaving["customers"])
    assert pulled[leaving["other"]]["owner_id"] == users.rep2.id


def test_visits_stay_unless_asked(app, client, users, leaving):
    desk(app, users.manager).post("/office/customers/handover", data={"from": users.rep.id, "to": users.rep2.id})
    assert _get(client, users, "customers", leaving["customers"][0])["owner_id"] == users.rep2.id
    assert _get(client, users, "activities", leaving["future"])["owner_id"] == users.rep.id


def test_bad_choices_are_named_and_change_nothing(app, client, users, leaving):
    manager = desk(app, users.manager)
    same = manager.post("/office/customers/handover", data={"from": users.rep.id, "to": users.rep.id})
    assert same.status_code == 422 and 'data-field="to"' in same.get_data(as_text=True)
    missing = manager.post("/office/customers/handover", data={"from": users.rep.id})
    assert missing.status_code == 422 and 'data-field="to"' in missing.get_data(as_text=True)
    unknown = manager.post("/office/customers/handover", data={"from": "nobody", "to": users.rep2.id})
    assert unknown.status_code == 422 and 'data-field="from"' in unknown.get_data(as_text=True)
    assert _get(client, users, "customers", leaving["customers"][0])["owner_id"] == users.rep.id


def test_handover_needs_the_csrf_token(app, client, users, leaving):
    manager = desk(app, users.manager)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        data = {"from": users.rep.id, "to": users.rep2.id}
        assert manager.post("/office/customers/handover", data=data).status_code == 400
        assert _get(client, users, "customers", leaving["customers"][0])["owner_id"] == users.rep.id
        token = csrf_token(manager, f"/office/customers/handover?from={users.rep.id}&to={users.rep2.id}")
        assert manager.post("/office/customers/handover", data={**data, "csrf_token": token}).status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert _get(client, users, "customers", leaving["customers"][0])["owner_id"] == users.rep2.id
