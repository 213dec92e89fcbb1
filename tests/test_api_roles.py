"""The role rules of SPEC §2 on the REST endpoints."""
import pytest

from api_helpers import assert_error, body_for


@pytest.fixture
def customer(client, users):
    return client.post("/api/customers", json={"name": "Kahvila Aalto"}, headers=users.rep_h).json["id"]


@pytest.mark.parametrize("role,status", [("rep", 403), ("service", 403), ("manager", 204), ("admin", 204)])
def test_only_managers_delete_customers(client, users, customer, role, status):
    r = client.delete(f"/api/customers/{customer}", headers=getattr(users, f"{role}_h"))
    if status == 204:
        assert r.status_code == 204
        assert_error(client.get(f"/api/customers/{customer}", headers=users.rep_h), 404)
    else:
        assert_error(r, status)
        assert client.get(f"/api/customers/{customer}", headers=users.rep_h).status_code == 200


@pytest.mark.parametrize("resource", ["activities", "tasks", "deliveries"])
def test_reps_cannot_delete_others_records_through_rest(client, users, customer, resource):
    rid = client.post(f"/api/{resource}", json=body_for(resource, customer), headers=users.service_h).json["id"]
    assert_error(client.delete(f"/api/{resource}/{rid}", headers=users.rep_h), 403, "id")
    assert client.delete(f"/api/{resource}/{rid}", headers=users.manager_h).status_code == 204


@pytest.mark.parametrize("resource", ["contacts", "activities", "tasks"])
def test_reps_delete_contacts_and_their_own_activities_and_tasks_through_rest(client, users, customer, resource):
    """SPEC §2: the same as over sync (403 here before, while sync applied it)."""
    rid = client.post(f"/api/{resource}", json=body_for(resource, customer), headers=users.rep_h).json["id"]
    assert client.delete(f"/api/{resource}/{rid}", headers=users.rep2_h if resource == "contacts"
                         else users.rep_h).status_code == 204
    assert_error(client.get(f"/api/{resource}/{rid}", headers=users.rep_h), 404)


def test_reps_change_only_their_own_activities(client, users, customer):
    body = body_for("activities", customer)
    mine = client.post("/api/activities", json=body, headers=users.rep_h).json
    assert mine["owner_id"] == users.rep.id
    assert_error(client.patch(f"/api/activities/{mine['id']}", json={"notes": "x"}, headers=users.rep2_h), 403, "owner_id")
    assert_error(client.post("/api/activities", json={**body, "owner_id": users.rep.id}, headers=users.rep2_h), 403)
    assert client.patch(f"/api/activities/{mine['id']}", json={"notes": "ok"}, headers=users.manager_h).status_code == 200


def test_only_service_and_up_assign_tasks_to_others(client, users, customer):
    body = {**body_for("tasks", customer), "assignee_id": users.rep2.id}
    assert_error(client.post("/api/tasks", json=body, headers=users.rep_h), 403, "assignee_id")
    task = client.post("/api/tasks", json=body, headers=users.service_h)
    assert task.status_code == 201 and task.json["assignee_id"] == users.rep2.id
    assert task.json["created_by"] == users.service.id
    own = client.post("/api/tasks", json=body_for("tasks", customer), headers=users.rep_h).json
    assert own["assignee_id"] == own["created_by"] == users.rep.id


def test_reps_record_orders_but_only_service_changes_them(client, users, customer):
    order = client.post("/api/deliveries", json=body_for("deliveries", customer), headers=users.rep_h)
    assert order.status_code == 201
    path = f"/api/deliveries/{order.json['id']}"
    assert_error(client.patch(path, json={"status": "delivered", "delivered_on": "2026-11-24"}, headers=users.rep_h), 403)
    done = client.patch(path, json={"status": "delivered", "delivered_on": "2026-11-24"}, headers=users.service_h)
    assert done.status_code == 200 and done.json["status"] == "delivered"
