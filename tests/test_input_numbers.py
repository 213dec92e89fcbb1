"""Quantities and money: one wire form, sane bounds, whole delivery lines (schemathesis findings F1, F5, F9).

A line's quantity is a decimal string ("2", "1.5") with at most three decimals, more than 0 and at most
10^9; money is 0 to 999 999 999 999.99 (numeric(14, 2), whose overflow was a 500 on PostgreSQL). Bad
values are 422 naming the field over REST and a rejected op over sync, and nothing stored changes.
"""
import pytest

from api_helpers import assert_error
from sync_helpers import new_id, op, push_one

MONEY_MAX = "999999999999.99"


@pytest.fixture
def customer(client, users):
    return client.post("/api/customers", json={"name": "Kahvila Aalto"}, headers=users.manager_h).json["id"]


def _line(**change):
    return {"product": "Juustokakku", "quantity": 2, "unit_price": "24.90", **change}


def _delivery(customer, **change):
    return {"customer_id": customer, "lines": [_line()], "total": "49.80", **change}


def _count(client, users):
    return client.get("/api/deliveries", headers=users.manager_h).json["total"]


# --- F1: the quantity's wire form ------------------------------------------------------------------

QUANTITIES = [(2, "2"), (2.0, "2"), ("2", "2"), ("2.0", "2"), ("2.50", "2.5"), (1.5, "1.5"), (0.125, "0.125"),
              ("0.001", "0.001"), (0.001, "0.001"), (1_000_000_000, "1000000000"), ("1000000000.000", "1000000000"),
              (2.0004, "2"), (2.0005, "2.001")]  # a JSON number is rounded to three decimals, half up


@pytest.mark.parametrize("sent,stored", QUANTITIES)
def test_quantity_comes_back_as_its_shortest_decimal_string(client, users, customer, sent, stored):
    created = client.post("/api/deliveries", json=_delivery(customer, lines=[_line(quantity=sent)]),
                          headers=users.manager_h)
    assert created.status_code == 201, created.json
    assert created.json["lines"] == [{"product": "Juustokakku", "quantity": stored, "unit_price": "24.90"}]
    again = client.get(f"/api/deliveries/{created.json['id']}", headers=users.manager_h).json
    assert again["lines"] == created.json["lines"]


BAD_QUANTITIES = [0, "0", 0.0, -1, "-1", 5e-324, 1e-05, 0.0009, "0.0001", "2.0001", 9.49e306, 1_000_000_001,
                  1000000000.001, "1000000000.001", "1e3", " 2", "2,5", "02", "", True, False, None, [2], {"n": 2}]


@pytest.mark.parametrize("quantity", BAD_QUANTITIES)
def test_bad_quantity_is_422_naming_it(client, users, customer, quantity):
    before = _count(client, users)
    assert_error(client.post("/api/deliveries", json=_delivery(customer, lines=[_line(quantity=quantity)]),
                             headers=users.manager_h), 422, "lines.0.quantity")
    assert _count(client, users) == before


@pytest.mark.parametrize("quantity", [5e-324, 9.49e306, True, "2.0001"])
def test_sync_bad_quantity_is_rejected_naming_it(client, users, customer, quantity):
    result = push_one(client, users.manager_h, op("delivery", new_id(), _delivery(customer, lines=[_line(quantity=quantity)])))
    assert result["status"] == "rejected" and "lines.0.quantity" in result["errors"], result
    assert _count(client, users) == 0


def test_sync_quantity_is_stored_and_pulled_as_a_decimal_string(client, users, customer):
    rid = new_id()
    result = push_one(client, users.manager_h, op("delivery", rid, _delivery(customer, lines=[_line(quantity=2.0)])))
    assert result["status"] == "applied", result
    pulled = client.get("/api/sync/pull?cursor=0", headers=users.manager_h).json["changes"]
    lines = next(c["data"]["lines"] for c in pulled if c["id"] == rid)
    assert lines == [{"product": "Juustokakku", "quantity": "2", "unit_price": "24.90"}]


# --- F5: money bounds --------------------------------------------------------------------------------

BAD_MONEY = [1000000000000.99, "1000000000000.99", 1e26, "1e26", -0.01, "-0.01", "-1", "1.999", "1e3", " 24.90",
             "24,90", True, "", [1]]


@pytest.mark.parametrize("total", BAD_MONEY)
def test_bad_total_is_422_naming_it(client, users, customer, total):
    before = _count(client, users)
    assert_error(client.post("/api/deliveries", json=_delivery(customer, total=total), headers=users.manager_h),
                 422, "total")
    assert _count(client, users) == before


@pytest.mark.parametrize("price", BAD_MONEY)
def test_bad_unit_price_is_422_naming_it(client, users, customer, price):
    before = _count(client, users)
    assert_error(client.post("/api/deliveries", json=_delivery(customer, lines=[_line(unit_price=price)]),
                             headers=users.manager_h), 422, "lines.0.unit_price")
    assert _count(client, users) == before


@pytest.mark.parametrize("sent,stored", [(MONEY_MAX, MONEY_MAX), (999999999999.99, MONEY_MAX), ("0", "0.00"),
                                         (0, "0.00"), (-0.0, "0.00"), ("24.9", "24.90"), (0.125, "0.13"),
                                         (19.99, "19.99"), (0.1 + 0.2, "0.30")])
def test_money_up_to_the_column_limit_is_kept(client, users, customer, sent, stored):
    created = client.post("/api/deliveries", json=_delivery(customer, total=sent, lines=[_line(unit_price=sent)]),
                          headers=users.manager_h)
    assert created.status_code == 201, created.json
    assert created.json["total"] == stored and created.json["lines"][0]["unit_price"] == stored
    again = client.get(f"/api/deliveries/{created.json['id']}", headers=users.manager_h).json
    assert again["total"] == stored and again["lines"] == created.json["lines"]


def test_patch_with_a_total_over_the_limit_is_422_and_keeps_the_record(client, users, customer):
    created = client.post("/api/deliveries", json=_delivery(customer), headers=users.manager_h).json
    assert_error(client.patch(f"/api/deliveries/{created['id']}", json={"total": 1000000000000.99},
                              headers=users.manager_h), 422, "total")
    assert client.get(f"/api/deliveries/{created['id']}", headers=users.manager_h).json == created


@pytest.mark.parametrize("change,field", [({"total": 1000000000000.99}, "total"),
                                          ({"total": "-0.01"}, "total"),
                                          ({"lines": [_line(unit_price="1000000000000.99")]}, "lines.0.unit_price")])
def test_sync_money_over_the_limit_is_rejected_naming_it(client, users, customer, change, field):
    result = push_one(client, users.manager_h, op("delivery", new_id(), _delivery(customer, **change)))
    assert result["status"] == "rejected" and field in result["errors"], result
    created = client.post("/api/deliveries", json=_delivery(customer), headers=users.manager_h).json
    result = push_one(client, users.manager_h, op("delivery", created["id"], change, base=created["version"]))
    assert result["status"] == "rejected" and field in result["errors"], result
    assert client.get(f"/api/deliveries/{created['id']}", headers=users.manager_h).json == created


# --- F9: a patch's lines are whole lines -------------------------------------------------------------

@pytest.mark.parametrize("line,field", [({"product": "0", "unit_price": "0"}, "lines.0.quantity"),
                                        ({"quantity": 1}, "lines.0.product"),
                                        ({}, "lines.0.product")])
def test_patch_lines_must_be_whole(client, users, customer, line, field):
    created = client.post("/api/deliveries", json=_delivery(customer), headers=users.manager_h).json
    assert_error(client.patch(f"/api/deliveries/{created['id']}", json={"lines": [_line(), line]},
                              headers=users.manager_h), 422, field.replace("0", "1"))
    assert_error(client.patch(f"/api/deliveries/{created['id']}", json={"lines": [line]}, headers=users.manager_h),
                 422, field)
    assert client.get(f"/api/deliveries/{created['id']}", headers=users.manager_h).json == created
    result = push_one(client, users.manager_h, op("delivery", created["id"], {"lines": [line]}, base=created["version"]))
    assert result["status"] == "rejected" and field in result["errors"], result
    assert client.get(f"/api/deliveries/{created['id']}", headers=users.manager_h).json == created


def test_patch_with_whole_lines_replaces_them(client, users, customer):
    created = client.post("/api/deliveries", json=_delivery(customer), headers=users.manager_h).json
    lines = [_line(quantity="1.5"), {"product": "Kahvi", "quantity": 3}]  # unit_price stays optional
    patched = client.patch(f"/api/deliveries/{created['id']}", json={"lines": lines}, headers=users.manager_h)
    assert patched.status_code == 200, patched.json
    assert patched.json["lines"] == [{"product": "Juustokakku", "quantity": "1.5", "unit_price": "24.90"},
                                     {"product": "Kahvi", "quantity": "3"}]
