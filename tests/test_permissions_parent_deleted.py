"""SPEC §4/§5: REST is online and never brings a deleted record back; only a sync op restores one."""
import pytest

from api_helpers import assert_error, body_for
from sync_helpers import new_id, op, push_one, state

# (resource, field, what it points at): every reference of server/entities.py to a record
REFERENCES = [
    ("customers", "parent_id", "customers"),
    ("contacts", "customer_id", "customers"),
    ("activities", "customer_id", "customers"),
    ("activities", "contact_id", "contacts"),
    ("tasks", "customer_id", "customers"),
    ("tasks", "delivery_id", "deliveries"),
    ("deliveries", "customer_id", "customers"),
]


def _make(client, h, resource, customer):
    body = {"name": "Herkkumarket Tampere"} if resource == "customers" else body_for(resource, customer)
    r = client.post(f"/api/{resource}", json=body, headers=h)
    assert r.status_code == 201, r.json
    return r.json


def _tombstone(client, users, resource):
    """A record of `resource` (under its own customer) that a manager deleted; (id, its last version)."""
    customer = _make(client, users.manager_h, "customers", None)["id"]
    target = customer if resource == "customers" else _make(client, users.manager_h, resource, customer)["id"]
    assert client.delete(f"/api/{resource}/{target}", headers=users.manager_h).status_code == 204
    gone = state(client, users.manager_h)
    return target, gone


@pytest.mark.parametrize("resource,field,target", REFERENCES, ids=[f"{r}.{f}" for r, f, _ in REFERENCES])
def test_rest_create_pointing_at_a_deleted_record_is_409_and_writes_nothing(client, users, resource, field, target):
    live_customer = _make(client, users.manager_h, "customers", None)["id"]
    gone_id, before = _tombstone(client, users, target)
    rid = new_id()
    body = {"id": rid, **({"name": "Outlet"} if resource == "customers" else body_for(resource, live_customer)),
            field: gone_id}
    err = assert_error(client.post(f"/api/{resource}", json=body, headers=users.service_h), 409, field)
    assert err["code"] == "parent_deleted"
    assert_error(client.get(f"/api/{resource}/{rid}", headers=users.manager_h), 404)
    assert state(client, users.manager_h) == before  # nothing revived, nothing written, no conflict


@pytest.mark.parametrize("resource,field,target", REFERENCES, ids=[f"{r}.{f}" for r, f, _ in REFERENCES])
def test_rest_edit_pointing_at_a_deleted_record_is_409_and_writes_nothing(client, users, resource, field, target):
    live_customer = _make(client, users.manager_h, "customers", None)["id"]
    record = _make(client, users.service_h, resource, live_customer)
    gone_id, before = _tombstone(client, users, target)
    err = assert_error(client.patch(f"/api/{resource}/{record['id']}", json={field: gone_id},
                                    headers=users.service_h), 409, field)
    assert err["code"] == "parent_deleted"
    assert state(client, users.manager_h) == before


def test_rep_adding_a_contact_to_a_customer_a_manager_deleted_gets_409(client, users):
    """The reproduction: 201 and a silently revived customer before."""
    customer = _make(client, users.rep_h, "customers", None)["id"]
    assert client.delete(f"/api/customers/{customer}", headers=users.manager_h).status_code == 204
    r = client.post("/api/contacts", json={"customer_id": customer, "name": "Liisa"}, headers=users.rep_h)
    err = assert_error(r, 409, "customer_id")
    assert err["code"] == "parent_deleted" and "deleted" in err["fields"]["customer_id"][0]
    assert_error(client.get(f"/api/customers/{customer}", headers=users.rep_h), 404)
    assert client.get("/api/contacts", headers=users.manager_h).json["total"] == 0


def test_an_offline_contact_under_a_deleted_customer_restores_it_and_tells_the_deleter(client, users):
    customer = _make(client, users.rep_h, "customers", None)["id"]
    assert client.delete(f"/api/customers/{customer}", headers=users.manager_h).status_code == 204
    contact = new_id()
    result = push_one(client, users.rep_h, op("contact", contact, {"customer_id": customer, "name": "Liisa"}))
    assert result["status"] == "conflict"
    after = state(client, users.manager_h)
    assert after[("customer", customer)]["deleted"] is False and after[("contact", contact)]["deleted"] is False
    told = [c["data"] for c in after.values() if c["entity"] == "conflict"]
    assert [(c["record_id"], c["field"], c["lost_by"]) for c in told] == [(customer, "deleted", users.manager.id)]


def test_rest_edit_of_a_live_record_with_a_live_parent_still_works(client, users):
    customer = _make(client, users.rep_h, "customers", None)["id"]
    contact = _make(client, users.rep_h, "contacts", customer)
    r = client.patch(f"/api/contacts/{contact['id']}", json={"notes": "Jäi eläkkeelle"}, headers=users.rep_h)
    assert r.status_code == 200 and r.json["notes"] == "Jäi eläkkeelle"
