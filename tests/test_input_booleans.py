"""Flags take JSON true or false only (schemathesis finding F6): 0, 1, "true" or "yes" in a body is a
client's bug, answered 422 naming the field over REST and a rejected op over sync. A query string is
text, so a filter still reads ?archived=true."""
import pytest

from api_helpers import assert_error
from sync_helpers import new_id, op, push_one

NOT_BOOLEANS = [0, 1, 0.0, 1.0, "true", "false", "True", "yes", "no", "1", "0", "", "on", None, [], {}]
FLAGS = [("customers", "customer", "do_not_contact"), ("customers", "customer", "marketing_ban"),
         ("customers", "customer", "archived"), ("contacts", "contact", "marketing_ban")]


@pytest.fixture
def customer(client, users):
    return client.post("/api/customers", json={"name": "Kahvila Aalto"}, headers=users.manager_h).json


def _body(resource, customer):
    return {"name": "Liisa"} if resource == "customers" else {"customer_id": customer["id"], "name": "Liisa"}


@pytest.mark.parametrize("resource,entity,field", FLAGS)
@pytest.mark.parametrize("value", NOT_BOOLEANS)
def test_rest_refuses_a_flag_that_is_not_true_or_false(client, users, customer, resource, entity, field, value):
    h = users.manager_h
    before = client.get(f"/api/{resource}", headers=h).json["total"]
    assert_error(client.post(f"/api/{resource}", json={**_body(resource, customer), field: value}, headers=h),
                 422, field)
    assert client.get(f"/api/{resource}", headers=h).json["total"] == before
    record = client.post(f"/api/{resource}", json=_body(resource, customer), headers=h).json
    assert_error(client.patch(f"/api/{resource}/{record['id']}", json={field: value}, headers=h), 422, field)
    assert client.get(f"/api/{resource}/{record['id']}", headers=h).json == record


@pytest.mark.parametrize("resource,entity,field", FLAGS)
@pytest.mark.parametrize("value", [0, 1, "true", "yes"])
def test_sync_rejects_a_flag_that_is_not_true_or_false(client, users, customer, resource, entity, field, value):
    h = users.manager_h
    result = push_one(client, h, op(entity, new_id(), {**_body(resource, customer), field: value}))
    assert result["status"] == "rejected" and field in result["errors"], result
    record = client.post(f"/api/{resource}", json=_body(resource, customer), headers=h).json
    result = push_one(client, h, op(entity, record["id"], {field: value}, base=record["version"]))
    assert result["status"] == "rejected" and field in result["errors"], result
    assert client.get(f"/api/{resource}/{record['id']}", headers=h).json == record


@pytest.mark.parametrize("resource,entity,field", FLAGS)
@pytest.mark.parametrize("value", [True, False])
def test_true_and_false_are_kept(client, users, customer, resource, entity, field, value):
    h = users.manager_h
    created = client.post(f"/api/{resource}", json={**_body(resource, customer), field: value}, headers=h)
    assert created.status_code == 201 and created.json[field] is value, created.json
    patched = client.patch(f"/api/{resource}/{created.json['id']}", json={field: not value}, headers=h)
    assert patched.status_code == 200 and patched.json[field] is (not value), patched.json
    rid = new_id()
    assert push_one(client, h, op(entity, rid, {**_body(resource, customer), field: value}))["status"] == "applied"
    assert client.get(f"/api/{resource}/{rid}", headers=h).json[field] is value


def _conflict(client, h, customer):
    def edit(client_id, name, at):
        return client.post("/api/sync/push", headers=h, json={"client_id": client_id, "ops": [
            {"op_id": new_id(), "entity": "customer", "id": customer["id"], "type": "put",
             "base_version": customer["version"], "fields": {"name": name}, "edited_at": at}]}).json
    edit("phone-a", "Kahvila A", "2026-11-20T09:00:00Z")
    assert edit("phone-b", "Kahvila B", "2026-11-20T08:00:00Z")["results"][0]["status"] == "conflict"
    return client.get("/api/conflicts", headers=h).json["items"][0]


@pytest.mark.parametrize("value", [1, 0, "true", "yes", None])
def test_conflict_resolved_takes_only_true_or_false(client, users, customer, value):
    h = users.manager_h
    conflict = _conflict(client, h, customer)
    assert_error(client.patch(f"/api/conflicts/{conflict['id']}", json={"resolved": value}, headers=h), 422, "resolved")
    assert client.get(f"/api/conflicts/{conflict['id']}", headers=h).json == conflict
    result = push_one(client, h, op("conflict", conflict["id"], {"resolved": value}, base=conflict["version"]))
    assert result["status"] == "rejected" and "resolved" in result["errors"], result
    patched = client.patch(f"/api/conflicts/{conflict['id']}", json={"resolved": True}, headers=h)
    assert patched.status_code == 200 and patched.json["resolved"] is True, patched.json


def test_a_query_filter_still_reads_true_and_false(client, users):
    h = users.manager_h
    kept = client.post("/api/customers", json={"name": "Kahvila Aalto"}, headers=h).json["id"]
    gone = client.post("/api/customers", json={"name": "Leipomo Kivi", "archived": True}, headers=h).json["id"]

    def ids(flag):
        return [c["id"] for c in client.get(f"/api/customers?archived={flag}", headers=h).json["items"]]
    assert ids("true") == [gone] and ids("false") == [kept]
    assert_error(client.get("/api/customers?archived=maybe", headers=h), 400, "archived")
