"""Bad input gets a clear 4xx in the §4 shape naming the field, and nothing stored is lost."""
import pytest

from api_helpers import assert_error, body_for

LONG = "x" * 10_000
MISSING = "7b2f7b5e-0000-4000-8000-000000000000"

CASES = [  # (resource, change to a valid body, field named in the error)
    ("customers", {"name": 5}, "name"), ("customers", {"name": LONG}, "name"), ("customers", {"name": "  "}, "name"),
    ("customers", {"archived": "maybe"}, "archived"), ("customers", {"segment": "E"}, "segment"),
    ("customers", {"business_id": "1234567-8"}, "business_id"), ("customers", {"business_id": "1234567"}, "business_id"),
    ("customers", {"email": "not-mail"}, "email"), ("customers", {"country": "Finland"}, "country"),
    ("customers", {"shoe_size": 44}, "shoe_size"), ("customers", {"notes": LONG}, "notes"),
    ("customers", {"owner_id": MISSING}, "owner_id"), ("customers", {"parent_id": "nope"}, "parent_id"),
    ("contacts", {"customer_id": MISSING}, "customer_id"), ("contacts", {"name": None}, "name"),
    ("contacts", {"phone": LONG}, "phone"), ("contacts", {"customer_id": None}, "customer_id"),
    ("activities", {"starts_at": "tomorrow"}, "starts_at"), ("activities", {"starts_at": "2026-11-20T09:00:00"}, "starts_at"),
    ("activities", {"type": "party"}, "type"), ("activities", {"title": LONG}, "title"),
    ("activities", {"ends_at": "2026-11-20T06:00:00Z"}, "ends_at"), ("activities", {"contact_id": MISSING}, "contact_id"),
    ("tasks", {"due_on": "31.12.2026"}, "due_on"), ("tasks", {"kind": "nag"}, "kind"), ("tasks", {"status": "maybe"}, "status"),
    ("tasks", {"remind_at": 17}, "remind_at"), ("tasks", {"delivery_id": MISSING}, "delivery_id"),
    ("deliveries", {"lines": [{"product": "Kakku", "quantity": "many"}]}, "lines.0.quantity"),
    ("deliveries", {"lines": [{"product": "Kakku", "quantity": 1, "unit_price": "-1"}]}, "lines.0.unit_price"),
    ("deliveries", {"lines": "kakku"}, "lines"), ("deliveries", {"total": "NaN"}, "total"),
    ("deliveries", {"status": "lost"}, "status"),
]


@pytest.fixture
def customer(client, users):
    return client.post("/api/customers", json={"name": "Kahvila Aalto", "business_id": "0112038-9"},
                       headers=users.manager_h).json["id"]


@pytest.mark.parametrize("resource,change,field", CASES)
def test_bad_create_is_422_naming_the_field_and_stores_nothing(client, users, customer, resource, change, field):
    before = client.get(f"/api/{resource}", headers=users.manager_h).json["total"]
    body = {**body_for(resource, customer), **change}
    assert_error(client.post(f"/api/{resource}", json=body, headers=users.manager_h), 422, field)
    assert client.get(f"/api/{resource}", headers=users.manager_h).json["total"] == before


@pytest.mark.parametrize("resource", ["contacts", "activities", "tasks", "deliveries"])
def test_missing_required_fields_are_named(client, users, resource):
    err = assert_error(client.post(f"/api/{resource}", json={}, headers=users.manager_h), 422)
    assert "customer_id" in err["fields"]


@pytest.mark.parametrize("resource,change,field", [c for c in CASES if c[0] == "customers"])
def test_bad_patch_is_422_and_the_record_keeps_its_version(client, users, customer, resource, change, field):
    before = client.get(f"/api/customers/{customer}", headers=users.manager_h).json
    assert_error(client.patch(f"/api/customers/{customer}", json=change, headers=users.manager_h), 422, field)
    assert client.get(f"/api/customers/{customer}", headers=users.manager_h).json == before


def test_duplicate_business_id_is_409_naming_it(client, users, customer):
    """The body is valid in itself: it clashes with a stored customer, which is what 409 says."""
    assert_error(client.post("/api/customers", json={"name": "Toinen", "business_id": "0112038-9"},
                             headers=users.manager_h), 409, "business_id")


@pytest.mark.parametrize("data,ctype,status", [("{not json", "application/json", 400), ("[1, 2]", "application/json", 400),
                                               ("name=x", "text/plain", 415), ("null", "application/json", 400),
                                               ('{"name": NaN}', "application/json", 400),
                                               ('{"name": "\\ud800"}', "application/json", 400),
                                               (b'{"name": "\xff"}', "application/json", 400)])
@pytest.mark.parametrize("method", ["post", "patch"])
def test_malformed_bodies(client, users, customer, data, ctype, status, method):
    path = "/api/customers" if method == "post" else f"/api/customers/{customer}"
    assert_error(getattr(client, method)(path, data=data, headers={**users.manager_h, "Content-Type": ctype}), status)


@pytest.mark.parametrize("path", ["/api/customers/not-a-uuid", f"/api/customers/{MISSING}", f"/api/tasks/{MISSING}",
                                  "/api/nothing-here"])
def test_unknown_records_and_paths_are_json_404(client, users, path):
    assert_error(client.get(path, headers=users.manager_h), 404)


@pytest.mark.parametrize("query,field", [("page=0", "page"), ("per_page=10000", "per_page"), ("page=x", "page"),
                                         ("shoe_size=44", "shoe_size"), ("segment=Z", "segment"),
                                         ("archived=maybe", "archived")])
def test_bad_query_parameters_are_400(client, users, query, field):
    assert_error(client.get(f"/api/customers?{query}", headers=users.manager_h), 400, field)


def test_bad_if_match_and_wrong_method(client, users, customer):
    assert_error(client.patch(f"/api/customers/{customer}", json={"city": "Oulu"},
                              headers={**users.manager_h, "If-Match": "yesterday"}), 400)
    assert_error(client.put(f"/api/customers/{customer}", json={}, headers=users.manager_h), 405)
