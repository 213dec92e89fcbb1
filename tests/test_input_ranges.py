"""Instants and dates outside the years 1900–2200 are refused naming the field (SPEC §5), never a 500."""
import pytest

from api_helpers import assert_error, body_for
from sync_helpers import new_id, op, push_one

BAD_INSTANTS = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00",  # overflowed to a 500
                "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "1899-12-31T23:59:59Z", "2201-01-01T00:00:00Z",
                "1900-01-01T00:30:00+01:00", "2200-12-31T23:30:00-01:00"]  # in range locally, not in UTC
GOOD_INSTANTS = ["1900-01-01T00:00:00Z", "2200-12-31T23:59:59Z", "1900-01-01T00:30:00-01:00"]
BAD_DATES = ["0001-01-01", "9999-12-31", "1899-12-31", "2201-01-01"]
GOOD_DATES = ["1900-01-01", "2200-12-31"]

INSTANT_FIELDS = [("activities", "activity", "starts_at"), ("activities", "activity", "ends_at"),
                  ("tasks", "task", "remind_at")]
DATE_FIELDS = [("tasks", "task", "due_on"), ("deliveries", "delivery", "ordered_on"),
               ("deliveries", "delivery", "delivered_on")]
BAD = [(r, e, f, v) for r, e, f in INSTANT_FIELDS for v in BAD_INSTANTS] + \
      [(r, e, f, v) for r, e, f in DATE_FIELDS for v in BAD_DATES]
GOOD = [(r, e, f, v) for r, e, f in INSTANT_FIELDS for v in GOOD_INSTANTS] + \
       [(r, e, f, v) for r, e, f in DATE_FIELDS for v in GOOD_DATES]


def _body(resource, customer, field, value):
    body = {**body_for(resource, customer), field: value}
    if field == "ends_at":
        body["starts_at"] = None  # only the field under test decides
    if field == "delivered_on":
        body["status"] = "delivered"  # a delivered delivery makes a follow-up due delivered_on + delay
    return body


@pytest.fixture
def customer(client, users):
    return client.post("/api/customers", json={"name": "Kahvila Aalto"}, headers=users.manager_h).json["id"]


@pytest.mark.parametrize("resource,entity,field,value", BAD)
def test_rest_create_out_of_range_is_422_naming_the_field(client, users, customer, resource, entity, field, value):
    before = client.get(f"/api/{resource}", headers=users.manager_h).json["total"]
    err = assert_error(client.post(f"/api/{resource}", json=_body(resource, customer, field, value),
                                   headers=users.manager_h), 422, field)
    assert "1900" in err["fields"][field][0] and "2200" in err["fields"][field][0]
    assert client.get(f"/api/{resource}", headers=users.manager_h).json["total"] == before


@pytest.mark.parametrize("resource,entity,field,value", BAD)
def test_rest_patch_out_of_range_is_422_and_keeps_the_record(client, users, customer, resource, entity, field, value):
    rid = client.post(f"/api/{resource}", json=body_for(resource, customer), headers=users.manager_h).json["id"]
    before = client.get(f"/api/{resource}/{rid}", headers=users.manager_h).json
    assert_error(client.patch(f"/api/{resource}/{rid}", json={field: value}, headers=users.manager_h), 422, field)
    assert client.get(f"/api/{resource}/{rid}", headers=users.manager_h).json == before


@pytest.mark.parametrize("resource,entity,field,value", GOOD)
def test_rest_edges_of_the_range_are_kept(client, users, customer, resource, entity, field, value):
    response = client.post(f"/api/{resource}", json=_body(resource, customer, field, value), headers=users.manager_h)
    assert response.status_code == 201, response.json
    assert response.json[field][:4] in ("1900", "2200")


@pytest.mark.parametrize("resource,entity,field,value", BAD)
def test_sync_create_out_of_range_is_rejected_naming_the_field(client, users, customer, resource, entity, field, value):
    fields = {k: v for k, v in _body(resource, customer, field, value).items()}
    result = push_one(client, users.manager_h, op(entity, new_id(), fields))
    assert result["status"] == "rejected", result
    assert field in result["errors"], result
    assert client.get(f"/api/{resource}", headers=users.manager_h).json["total"] == 0


@pytest.mark.parametrize("resource,entity,field,value", BAD)
def test_sync_edit_out_of_range_is_rejected_naming_the_field(client, users, customer, resource, entity, field, value):
    created = client.post(f"/api/{resource}", json=body_for(resource, customer), headers=users.manager_h).json
    result = push_one(client, users.manager_h, op(entity, created["id"], {field: value}, base=created["version"]))
    assert result["status"] == "rejected", result
    assert field in result["errors"], result
    assert client.get(f"/api/{resource}/{created['id']}", headers=users.manager_h).json["version"] == created["version"]
