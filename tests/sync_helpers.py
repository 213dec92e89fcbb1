"""Helpers for talking the sync protocol in tests."""
import uuid
from datetime import datetime, timedelta, timezone

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)


def at(minutes: int = 0) -> str:
    """An edited_at `minutes` after T0 (in the past of the server clock)."""
    return (T0 + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_id() -> str:
    return str(uuid.uuid4())


def op(entity, record_id, fields=None, base=0, type_="put", minute=0, op_id=None, seq=None):
    one = {"op_id": op_id or new_id(), "entity": entity, "id": record_id, "type": type_,
           "base_version": base, "fields": fields or {}, "edited_at": at(minute)}
    if seq is not None:
        one["seq"] = seq
    return one


def push(client, headers, ops, client_id="phone-a", status=200):
    response = client.post("/api/sync/push", json={"client_id": client_id, "ops": ops}, headers=headers)
    assert response.status_code == status, response.json
    return response.json


def push_one(client, headers, one, client_id="phone-a"):
    return push(client, headers, [one], client_id)["results"][0]


def pull_all(client, headers, cursor=0, limit=500):
    """Pull until `more` is false; return (changes, cursor)."""
    changes = []
    while True:
        response = client.get(f"/api/sync/pull?cursor={cursor}&limit={limit}", headers=headers)
        assert response.status_code == 200, response.json
        body = response.json
        changes += body["changes"]
        cursor = body["cursor"]
        if not body["more"]:
            return changes, cursor


def state(client, headers):
    """The latest state of every record visible to this user: {(entity, id): change}."""
    changes, _ = pull_all(client, headers)
    out = {}
    for change in changes:
        out[(change["entity"], change["id"])] = change
    return out


def make_customer(client, headers, name="Kahvila Aalto", client_id="phone-a", **fields):
    cid = new_id()
    result = push_one(client, headers, op("customer", cid, {"name": name, **fields}), client_id)
    assert result["status"] == "applied", result
    return cid, result["version"]


def run_pushers_then_pullers(pushers, pullers, done, timeout=120) -> None:
    """Start every thread, let the pushers finish, tell the pullers (`done`), and fail on a hung thread."""
    for t in pullers + pushers:
        t.start()
    for t in pushers:
        t.join(timeout=timeout)
    done.set()
    for t in pullers:
        t.join(timeout=timeout)
    assert not any(t.is_alive() for t in pullers + pushers), "a thread hung"
