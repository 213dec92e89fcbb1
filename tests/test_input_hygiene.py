"""Data hygiene: control characters, postal codes, web addresses and push endpoints (issue 12 item 11)."""
import pytest

from api_helpers import assert_error, body_for
from server.reminders.hosts import endpoint_problem
from sync_helpers import new_id, op, push_one

ONE_LINE = [("customers", f) for f in ("name", "phone", "street", "city", "preferred_contact", "website")] + \
           [("contacts", f) for f in ("name", "role", "phone")] + \
           [("activities", f) for f in ("title", "location")] + [("tasks", "title")] + [("deliveries", "order_no")]
MULTI_LINE = [("customers", "notes"), ("contacts", "notes"), ("activities", "notes"), ("activities", "outcome"),
              ("activities", "next_step"), ("tasks", "notes")]
NOT_IN_ONE_LINE = ["Aalto\x00Oy", "Aalto\nOy", "Aalto\rOy", "Aalto\r\nOy", "Aalto\tOy", "Aalto\x1bOy", "Aalto\x7fOy",
                   "Aalto\x85Oy", "Aalto\u2028Oy"]
NOT_IN_NOTES = ["first\x00second", "bell\x07", "esc\x1b[31mred", "form\x0cfeed", "del\x7f", "c1\x9bx"]
ENTITY = {"customers": "customer", "contacts": "contact", "activities": "activity", "tasks": "task",
          "deliveries": "delivery"}


@pytest.fixture
def customer(client, users):
    return client.post("/api/customers", json={"name": "Kahvila Aalto"}, headers=users.manager_h).json["id"]


def create(client, users, resource, customer, **change):
    return client.post(f"/api/{resource}", json={**body_for(resource, customer), **change}, headers=users.manager_h)


@pytest.mark.parametrize("value", NOT_IN_ONE_LINE)
@pytest.mark.parametrize("resource,field", ONE_LINE)
def test_one_line_fields_refuse_line_breaks_and_control_characters(client, users, customer, resource, field, value):
    before = client.get(f"/api/{resource}", headers=users.manager_h).json["total"]
    assert_error(create(client, users, resource, customer, **{field: value}), 422, field)
    assert client.get(f"/api/{resource}", headers=users.manager_h).json["total"] == before


@pytest.mark.parametrize("resource,field", ONE_LINE)
def test_one_line_fields_refuse_control_characters_over_sync(client, users, customer, resource, field):
    for value in ("Aalto\x00Oy", "Aalto\nOy"):
        result = push_one(client, users.manager_h, op(ENTITY[resource], new_id(), {**body_for(resource, customer),
                                                                                   field: value}))
        assert result["status"] == "rejected" and field in result["errors"], result


@pytest.mark.parametrize("value", NOT_IN_NOTES)
@pytest.mark.parametrize("resource,field", MULTI_LINE)
def test_notes_refuse_control_characters(client, users, customer, resource, field, value):
    assert_error(create(client, users, resource, customer, **{field: value}), 422, field)
    result = push_one(client, users.manager_h, op(ENTITY[resource], new_id(), {**body_for(resource, customer),
                                                                               field: value}))
    assert result["status"] == "rejected" and field in result["errors"], result


@pytest.mark.parametrize("resource,field", MULTI_LINE)
def test_notes_keep_line_breaks_and_tabs_and_windows_line_ends_become_newlines(client, users, customer, resource, field):
    response = create(client, users, resource, customer, **{field: "Kävi:\n\t- kahvi\r\n\t- pulla\rloppu"})
    assert response.status_code == 201, response.json
    assert response.json[field] == "Kävi:\n\t- kahvi\n\t- pulla\nloppu"
    rid = new_id()
    result = push_one(client, users.manager_h, op(ENTITY[resource], rid, {**body_for(resource, customer),
                                                                          field: "a\r\nb\tc"}))
    assert result["status"] == "applied", result
    assert client.get(f"/api/{resource}/{rid}", headers=users.manager_h).json[field] == "a\nb\tc"


def test_a_delivery_line_product_is_one_line(client, users, customer):
    lines = [{"product": "Juustokakku\nLarge", "quantity": 1, "unit_price": "24.90"}]
    assert_error(create(client, users, "deliveries", customer, lines=lines), 422, "lines.0.product")


@pytest.mark.parametrize("field,value", [("email", "myynti@aalto.fi\n"), ("email", "myy\x00nti@aalto.fi"),
                                         ("country", "FI\n"), ("business_id", "0112038-9\n1")])
def test_checked_strings_refuse_line_breaks_and_nul(client, users, field, value):
    assert_error(client.post("/api/customers", json={"name": "Aalto", field: value}, headers=users.manager_h), 422, field)


@pytest.mark.parametrize("body", [{"postal_code": "ABCDE"}, {"postal_code": "1234"}, {"postal_code": "123456"},
                                  {"postal_code": "00 100"}, {"postal_code": "FI-00100"},
                                  {"postal_code": "ABCDE", "country": "FI"}, {"postal_code": "ABCDE", "country": "SE"},
                                  {"postal_code": "--", "country": "DE"}, {"postal_code": "1", "country": "DE"},
                                  {"postal_code": "12345678901", "country": "US"}, {"postal_code": "1 2\x00", "country": "US"}])
def test_bad_postal_codes_are_422(client, users, body):
    before = client.get("/api/customers", headers=users.manager_h).json["total"]
    assert_error(client.post("/api/customers", json={"name": "Aalto", **body}, headers=users.manager_h), 422, "postal_code")
    result = push_one(client, users.manager_h, op("customer", new_id(), {"name": "Aalto", **body}))
    assert result["status"] == "rejected" and "postal_code" in result["errors"], result
    assert client.get("/api/customers", headers=users.manager_h).json["total"] == before


@pytest.mark.parametrize("body", [{"postal_code": "00100"}, {"postal_code": " 33100 "}, {"postal_code": "00100", "country": "FI"},
                                  {"postal_code": "422 46", "country": "SE"}, {"postal_code": "5683 CG", "country": "NL"},
                                  {"postal_code": "SW1A 1AA", "country": "GB"}, {"postal_code": "7037", "country": "NO"},
                                  {"postal_code": "100-0001", "country": "JP"}, {"postal_code": None}, {"postal_code": ""}])
def test_good_postal_codes_are_kept(client, users, body):
    response = client.post("/api/customers", json={"name": "Aalto", **body}, headers=users.manager_h)
    assert response.status_code == 201, response.json


def test_a_patched_postal_code_is_checked(client, users, customer):
    for change in ({"postal_code": "ABCDE"}, {"country": "FI", "postal_code": "1234"}):
        assert_error(client.patch(f"/api/customers/{customer}", json=change, headers=users.manager_h), 422, "postal_code")
    response = client.patch(f"/api/customers/{customer}", json={"postal_code": "00100"}, headers=users.manager_h)
    assert response.status_code == 200, response.json


@pytest.mark.parametrize("website", ["notaurl", "javascript:alert(1)", "ftp://example.fi", "https://", "http://localhost",
                                     "https://user:pw@example.fi", "https://www.pankki.fi@evil.example/", "mailto:a@b.fi",
                                     "https://example.fi/a b", "//example.fi"])
def test_websites_that_are_not_web_addresses_are_422(client, users, website):
    assert_error(client.post("/api/customers", json={"name": "Aalto", "website": website}, headers=users.manager_h),
                 422, "website")
    result = push_one(client, users.manager_h, op("customer", new_id(), {"name": "Aalto", "website": website}))
    assert result["status"] == "rejected" and "website" in result["errors"], result


@pytest.mark.parametrize("website,stored", [("https://www.aalto.fi", "https://www.aalto.fi"),
                                            ("http://aalto.fi/kahvila?x=1", "http://aalto.fi/kahvila?x=1"),
                                            ("HTTPS://Aalto.fi", "HTTPS://Aalto.fi"),
                                            ("https://äänekoski.fi/", "https://äänekoski.fi/"),
                                            ("www.aalto.fi", "https://www.aalto.fi"),  # as typed in the app's form
                                            ("aalto.fi/kahvila", "https://aalto.fi/kahvila")])
def test_websites_are_kept_and_a_bare_host_gets_https(client, users, website, stored):
    response = client.post("/api/customers", json={"name": "Aalto", "website": website}, headers=users.manager_h)
    assert response.status_code == 201, response.json
    assert response.json["website"] == stored
    rid = new_id()
    assert push_one(client, users.manager_h, op("customer", rid, {"name": "Aalto", "website": website}))["status"] == "applied"
    assert client.get(f"/api/customers/{rid}", headers=users.manager_h).json["website"] == stored


@pytest.mark.parametrize("endpoint,allowed", [
    ("https://fcm.googleapis.com:8443/fcm/send/x", None),      # a known push service, another port
    ("https://fcm.googleapis.com:22/fcm/send/x", None),
    ("https://web.push.apple.com:80/x", None),
    ("https://push.example.org:8443/a", "push.example.org"),   # configured without a port: only the default one
    ("http://push.example.org:6379/a", "push.example.org"),
    ("https://a.push.example.org:9200/a", "*.push.example.org"),
    ("https://push.example.org/a", "push.example.org:8443"),   # configured with a port: only that one
    ("http://[::1]:9/a", "[::1]:8"),
])
def test_push_endpoints_on_other_ports_are_refused(endpoint, allowed):
    assert endpoint_problem(endpoint, allowed) is not None


@pytest.mark.parametrize("endpoint,allowed", [
    ("https://fcm.googleapis.com/fcm/send/x", None), ("https://fcm.googleapis.com:443/fcm/send/x", None),
    ("https://push.example.org/a", "push.example.org"), ("https://push.example.org:443/a", "push.example.org"),
    ("https://push.example.org:8443/a", "push.example.org:8443"), ("https://push.example.org/a", "push.example.org:443"),
    ("http://127.0.0.1:8123/push/a", "127.0.0.1"),  # a loopback test receiver on any port
    ("http://localhost:8123/push/a", "localhost"), ("http://[::1]:8123/push/a", "::1"), ("http://[::1]:8/a", "[::1]:8"),
])
def test_push_endpoints_on_allowed_ports_are_kept(endpoint, allowed):
    assert endpoint_problem(endpoint, allowed) is None, endpoint_problem(endpoint, allowed)


def test_subscribing_on_another_port_of_a_push_service_is_400(client, users):
    from test_webpush_api import sub_json
    response = client.post("/api/push/subscriptions", json=sub_json("https://fcm.googleapis.com:8443/fcm/send/x"),
                           headers=users.rep_h)
    assert_error(response, 400, "endpoint")


def test_a_push_endpoint_port_belongs_to_its_scheme():
    assert endpoint_problem("https://push.example.org:80/a", "push.example.org") is not None
    assert endpoint_problem("http://push.example.org:443/a", "push.example.org") is not None
    assert endpoint_problem("http://push.example.org/a", "push.example.org") is None


@pytest.mark.parametrize("query,field", [("q=a%00b", "q"), ("city=a%00b", "city"), ("page=1%00", "page"),
                                         ("q%00=x", "q\x00")])
def test_nul_in_a_query_parameter_is_400_naming_it(client, users, query, field):
    """PostgreSQL text cannot hold NUL: a search for one was a 500."""
    assert_error(client.get(f"/api/customers?{query}", headers=users.manager_h), 400, field)


def test_nul_in_a_form_field_is_400_naming_it(client):
    response = client.post("/office/login", data={"email": "a\x00@example.com", "password": "x"})
    assert_error(response, 400, "email")


@pytest.mark.parametrize("endpoint", ["https://fcm.googleapis.com/fcm/send/a\x00b", "https://fcm.googleapis.com/a b",
                                      "https://fcm.googleapis.com/a\nb"])
def test_push_endpoints_with_control_characters_are_400(client, users, endpoint):
    from test_webpush_api import sub_json
    assert_error(client.post("/api/push/subscriptions", json=sub_json(endpoint), headers=users.rep_h), 400, "endpoint")
    assert_error(client.delete("/api/push/subscriptions", json={"endpoint": endpoint}, headers=users.rep_h),
                 400, "endpoint")
