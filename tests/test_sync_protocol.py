"""The wire contract of push and pull: shapes, limits, malformed requests, paging."""
import json

import pytest

from server.extensions import db
from server.models import QuarantinedOp
from sync_helpers import make_customer, new_id, op, pull_all, push

ERROR_KEYS = {"code", "message"}


def _error(response, status):
    assert response.status_code == status, response.data
    body = response.json
    assert set(body) == {"error"} and ERROR_KEYS <= set(body["error"]) <= ERROR_KEYS | {"fields"}
    return body["error"]


def _nothing_applied(client, users):
    changes, _ = pull_all(client, users.manager_h)
    assert changes == []


@pytest.mark.parametrize("body", [
    {"ops": []},
    {"client_id": "p", "ops": {"not": "a list"}},
    {"client_id": "p", "ops": [{"op_id": new_id(), "entity": "spaceship", "id": new_id(), "type": "put",
                                "base_version": 0, "fields": {}, "edited_at": "2026-11-20T08:00:00Z"}]},
    {"client_id": "p", "ops": [{"entity": "customer", "id": new_id(), "type": "put", "base_version": 0,
                                "fields": {"name": "x"}, "edited_at": "2026-11-20T08:00:00Z"}]},
    {"client_id": "p", "ops": [{"op_id": new_id(), "entity": "customer", "id": new_id(), "type": "put",
                                "base_version": "0", "fields": {"name": "x"}, "edited_at": "2026-11-20T08:00:00Z"}]},
    {"client_id": "p", "ops": [{"op_id": new_id(), "entity": "customer", "id": new_id(), "type": "put",
                                "base_version": 0, "fields": {"name": "x"}, "edited_at": "yesterday"}]},
    {"client_id": "p", "ops": [{**op("customer", new_id(), {"name": "x"}), "seq": -1}]},
    {"client_id": "p", "ops": [{**op("customer", new_id(), {"name": "x"}), "seq": None}]},
    {"client_id": "p", "ops": [op("customer", new_id(), {"name": "x"}, base=2**53)]},
    {"client_id": "p", "ops": [op("customer", new_id(), {"name": "x"}, base=2**70)]},
    {"client_id": "p", "ops": [{**op("customer", new_id(), {"name": "x"}), "entity": {}}]},
    {"client_id": "p", "ops": [{**op("customer", new_id(), {"name": "x"}), "entity": ["customer"]}]},
    {"client_id": "p", "ops": [{**op("customer", new_id(), {"name": "x"}), "type": {}}]},
    {"client_id": "p", "ops": [{**op("customer", new_id(), {"name": "x"}), "seq": "7"}]},
    {"client_id": "p", "ops": [{**op("customer", new_id(), {"name": "x"}), "seq": 1.5}]},
    {"client_id": "p", "ops": [{**op("customer", new_id(), {"name": "x"}), "seq": 2**53}]},
    {"client_id": "p", "ops": [{"op_id": new_id(), "entity": "customer", "id": new_id(), "type": "upsert",
                                "base_version": 0, "fields": {"name": "x"}, "edited_at": "2026-11-20T08:00:00Z"}]},
])
def test_malformed_push_is_400_and_applies_nothing(client, users, body):
    ok = op("customer", new_id(), {"name": "Should not land"})
    if isinstance(body.get("ops"), list):
        body = {**body, "ops": [ok] + body["ops"]}
    _error(client.post("/api/sync/push", json=body, headers=users.manager_h), 400)
    _nothing_applied(client, users)


def test_push_that_is_not_json_is_400(client, users):
    _error(client.post("/api/sync/push", data="{nope", headers={**users.rep_h, "Content-Type": "application/json"}), 400)
    _error(client.post("/api/sync/push", data="x", headers={**users.rep_h, "Content-Type": "text/plain"}), 415)


def test_too_many_ops_or_bytes_is_413_and_applies_nothing(client, users):
    ops = [op("customer", new_id(), {"name": f"K{i}"}) for i in range(501)]
    _error(client.post("/api/sync/push", json={"client_id": "p", "ops": ops}, headers=users.manager_h), 413)
    huge = [op("customer", new_id(), {"name": "K", "notes": "x" * 4900}) for _ in range(450)]
    body = json.dumps({"client_id": "p", "ops": huge})
    assert len(body) > 2 * 1024 * 1024
    _error(client.post("/api/sync/push", data=body, headers={**users.manager_h, "Content-Type": "application/json"}), 413)
    _nothing_applied(client, users)


def test_push_response_shape(client, users):
    body = push(client, users.rep_h, [op("customer", new_id(), {"name": "Kahvila Aalto"})])
    [result] = body["results"]
    assert set(result) == {"op_id", "status", "version", "conflicts", "errors"}
    assert body["cursor"] >= result["version"] > 0


@pytest.mark.parametrize("query", ["cursor=abc", "cursor=-1", "cursor=999999", "cursor=0&limit=0",
                                   "cursor=0&limit=1001", "cursor=1.5"])
def test_bad_cursor_or_limit_is_400(client, users, query):
    make_customer(client, users.rep_h)
    _error(client.get(f"/api/sync/pull?{query}", headers=users.rep_h), 400)


def test_pull_pages_in_version_order_and_sees_every_change_once(client, users):
    ids = [make_customer(client, users.rep_h, f"Kahvila {i}")[0] for i in range(7)]
    push(client, users.rep_h, [op("contact", new_id(), {"customer_id": ids[0], "name": "Liisa"})])
    seen = pull_all(client, users.manager_h)[1]
    push(client, users.manager_h, [op("customer", ids[1], base=seen, type_="delete")], "desk")
    changes, cursor = pull_all(client, users.rep_h, limit=3)
    versions = [c["version"] for c in changes]
    assert versions == sorted(versions) and len(set((c["entity"], c["id"]) for c in changes)) == len(changes)
    assert {c["id"] for c in changes if c["entity"] == "customer"} == set(ids)
    assert [c["deleted"] for c in changes if c["id"] == ids[1]] == [True]
    again, _ = pull_all(client, users.rep_h, cursor=cursor)
    assert again == []
    first = changes[0]
    assert set(first) == {"entity", "id", "version", "deleted", "data"} and first["data"]["name"] == "Kahvila 0"


def test_pull_costs_the_same_queries_per_page_whatever_its_size(client, users, count_queries):
    cid, _ = make_customer(client, users.rep_h)
    for start in range(0, 600, 200):
        push(client, users.manager_h, [
            op(["contact", "activity", "task"][i % 3], new_id(),
               [{"customer_id": cid, "name": f"C{i}"}, {"customer_id": cid, "type": "call", "title": f"A{i}"},
                {"customer_id": cid, "title": f"T{i}"}][i % 3]) for i in range(start, start + 200)], "desk")
    client.get("/api/sync/pull?cursor=0&limit=1", headers=users.rep_h)  # token bookkeeping happens once
    counts = {}
    for limit in (10, 500):
        with count_queries() as seen:
            response = client.get(f"/api/sync/pull?cursor=0&limit={limit}", headers=users.rep_h)
        assert response.status_code == 200 and len(response.json["changes"]) == limit
        counts[limit] = seen[0]
    assert counts[10] == counts[500]


def test_ids_with_a_trailing_newline_are_refused_not_stored(client, users):
    bad = op("customer", new_id() + "\n", {"name": "Kahvila"})
    response = client.post("/api/sync/push", json={"client_id": "phone-a", "ops": [bad]}, headers=users.rep_h)
    assert response.status_code == 400 and response.json["error"]["code"]


@pytest.mark.parametrize("edited_at", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00",
                                       "1899-12-31T23:59:59Z", "2201-01-01T00:00:00Z"])
def test_an_edited_at_outside_1900_2200_is_rejected_naming_it_and_kept(client, users, edited_at):
    """Issue 12 #3: these answered 500 (OverflowError). The op is rejected and kept for review; the
    other ops of the request still apply."""
    bad = {**op("customer", new_id(), {"name": "Kello väärin"}), "edited_at": edited_at, "seq": 3}
    good = op("customer", new_id(), {"name": "Kello oikein"}, seq=4)
    body = push(client, users.rep_h, [bad, good])
    assert [r["status"] for r in body["results"]] == ["rejected", "applied"]
    assert list(body["results"][0]["errors"]) == ["edited_at"]
    with client.application.app_context():
        [kept] = db.session.query(QuarantinedOp).filter_by(op_id=bad["op_id"]).all()
        assert kept.op["edited_at"].startswith(edited_at[:4])
    names = {c["data"]["name"] for c in pull_all(client, users.rep_h)[0] if c["entity"] == "customer"}
    assert names == {"Kello oikein"}
