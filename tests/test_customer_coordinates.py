"""A customer's coordinates (latitude, longitude): optional decimal degrees in range, named when
refused, carried by sync as JSON numbers, and read from an import's Leveysaste/Pituusaste columns."""
import pytest

from api_helpers import assert_error
from server.imports import guess_mapping, plan, read_table
from sync_helpers import make_customer, new_id, op, push_one, state

BAD = [("latitude", 90.0001), ("latitude", -91), ("longitude", 180.5), ("longitude", -181),
       ("latitude", "north"), ("longitude", True), ("latitude", "NaN"), ("longitude", "Infinity")]


@pytest.mark.parametrize("field,value", BAD)
def test_rest_refuses_a_coordinate_out_of_range_naming_it(client, users, field, value):
    assert_error(client.post("/api/customers", json={"name": "Kahvila", field: value}, headers=users.manager_h),
                 422, field)
    cid = client.post("/api/customers", json={"name": "Kahvila"}, headers=users.manager_h).json["id"]
    assert_error(client.patch(f"/api/customers/{cid}", json={field: value}, headers=users.manager_h), 422, field)
    assert client.get(f"/api/customers/{cid}", headers=users.manager_h).json[field] is None


def test_rest_keeps_the_edges_and_null(client, users):
    body = {"name": "Napa", "latitude": 90, "longitude": -180}
    made = client.post("/api/customers", json=body, headers=users.manager_h)
    assert made.status_code == 201, made.json
    assert (made.json["latitude"], made.json["longitude"]) == (90, -180)
    patched = client.patch(f"/api/customers/{made.json['id']}", json={"latitude": None, "longitude": 24.9384},
                           headers=users.manager_h).json
    assert patched["latitude"] is None and patched["longitude"] == 24.9384


def test_a_sync_round_trip_keeps_the_numbers(client, users):
    cid, version = make_customer(client, users.rep_h)
    result = push_one(client, users.rep_h, op("customer", cid, {"latitude": 60.16985, "longitude": 24.93837},
                                              base=version, minute=1))
    assert result["status"] == "applied", result
    data = state(client, users.rep_h)[("customer", cid)]["data"]
    assert (data["latitude"], data["longitude"]) == (60.16985, 24.93837)  # numbers, not money strings
    rest = client.get(f"/api/customers/{cid}", headers=users.rep_h).json
    assert (rest["latitude"], rest["longitude"]) == (60.16985, 24.93837)


def test_sync_refuses_an_out_of_range_coordinate_naming_it(client, users):
    result = push_one(client, users.rep_h, op("customer", new_id(), {"name": "Kahvila", "latitude": 123}))
    assert result["status"] == "rejected" and "latitude" in result["errors"], result


def test_an_import_reads_finnish_and_english_coordinate_columns(app):
    text = "Nimi;Leveysaste;Pituusaste\nA Oy;60,16985;24,93837\nB Oy;;\nC Oy;95;24\n"
    table = read_table("x.csv", text.encode())
    assert set(guess_mapping(table.headers).values()) == {"customer.name", "customer.latitude", "customer.longitude"}
    rows = plan(table, guess_mapping(table.headers)).rows
    assert (rows[0].customer_fields["latitude"], rows[0].customer_fields["longitude"]) == (60.16985, 24.93837)
    assert "latitude" not in rows[1].customer_fields
    assert rows[2].action == "invalid" and "latitude" in rows[2].reason
    english = read_table("y.csv", b"Name,Latitude,Longitude\nA Oy,60.1,24.9\n")
    assert set(guess_mapping(english.headers).values()) == {"customer.name", "customer.latitude",
                                                            "customer.longitude"}
