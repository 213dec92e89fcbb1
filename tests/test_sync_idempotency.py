"""Retries are safe: op ids are remembered, and a failed request leaves nothing behind."""
import os
import uuid

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.models import OpLedger, QuarantinedOp, new_op_id
from server.sync import batch as batch_module
from sync_helpers import make_customer, new_id, op, push, state


def test_server_made_op_ids_are_uuid7_in_time_order():
    # Time-ordered op ids append to the ledger's index instead of landing on a random page of it.
    ids = [new_op_id(ms) for ms in (0, 1_700_000_000_000, 1_700_000_000_001, 2**48 - 1)]
    assert ids == sorted(ids)
    for text in ids + [new_op_id()]:
        parsed = uuid.UUID(text)
        assert (str(parsed), parsed.version, parsed.variant) == (text, 7, uuid.RFC_4122)
    assert ids[1].replace("-", "")[:12] == f"{1_700_000_000_000:012x}"
    assert len({new_op_id(5) for _ in range(1000)}) == 1000


def test_a_forked_worker_makes_other_op_ids_than_its_parent():
    # The random bits come from a buffer of OS randomness; a forked worker must not reuse it.
    new_op_id()  # the buffer now holds bytes both processes would otherwise share
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.write(write, "".join(new_op_id(7) for _ in range(3)).encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    child = os.read(read, 200).decode()
    os.close(read)
    mine = "".join(new_op_id(7) for _ in range(3))
    assert len(child) == len(mine) == 108 and child != mine


def test_a_uuid4_op_id_is_still_accepted_and_remembered(client, users):
    cid = new_id()
    edit = {**op("customer", cid, {"name": "Kahvila Nelonen"}), "op_id": str(uuid.uuid4())}
    first = push(client, users.rep_h, [edit])["results"][0]
    assert first["status"] == "applied"
    assert push(client, users.rep_h, [edit])["results"][0] == first


def _counter():
    return db.session.execute(sa.text("SELECT value FROM sync_counter")).scalar_one()


def test_a_repeated_op_returns_the_stored_result_and_changes_nothing(client, users):
    cid, v = make_customer(client, users.rep_h)
    edit = op("customer", cid, {"city": "Oulu"}, base=v)
    first = push(client, users.rep_h, [edit])["results"][0]
    before = _counter()
    later = op("customer", cid, {"city": "Pori"}, base=first["version"])
    again = push(client, users.rep_h, [edit, later, edit])["results"]
    assert again[0] == first and again[2] == first
    assert state(client, users.rep_h)[("customer", cid)]["data"]["city"] == "Pori"
    replay = push(client, users.rep_h, [edit])["results"][0]
    assert replay == first and _counter() > before


def test_a_request_that_fails_half_way_commits_nothing_and_can_be_resent(app, client, users, monkeypatch):
    ops = [op("customer", new_id(), {"name": f"Kahvila {i}"}) for i in range(5)]
    real_put, calls = batch_module.Batch.put, []

    def flaky(self, raw, fields, answer):
        calls.append(raw["op_id"])
        if len(calls) == 3:  # two ops are applied in memory already
            raise RuntimeError("disk full")
        return real_put(self, raw, fields, answer)

    before = _counter()
    monkeypatch.setattr(batch_module.Batch, "put", flaky)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.post("/api/sync/push", json={"client_id": "phone-a", "ops": ops}, headers=users.rep_h)
    assert response.status_code == 500 and response.json["error"]["code"] == "internal_error"
    db.session.remove()
    assert _counter() == before
    assert db.session.query(OpLedger).count() == 0
    assert len(calls) == 3
    monkeypatch.setattr(batch_module.Batch, "put", real_put)
    results = push(client, users.rep_h, ops)["results"]
    assert [r["status"] for r in results] == ["applied"] * 5
    names = sorted(c["data"]["name"] for c in state(client, users.rep_h).values() if c["entity"] == "customer")
    assert names == [f"Kahvila {i}" for i in range(5)]


def test_rejected_ops_are_kept_for_review(client, users):
    bad = op("customer", new_id(), {"name": "", "business_id": "123"})
    result = push(client, users.rep_h, [bad])["results"][0]
    assert result["status"] == "rejected"
    [kept] = db.session.query(QuarantinedOp).all()
    assert kept.op_id == bad["op_id"] and kept.user_id == users.rep.id
    assert kept.op["fields"] == bad["fields"] and set(kept.errors) == {"name", "business_id"}
    again = push(client, users.rep_h, [bad])["results"][0]
    assert again == result and db.session.query(QuarantinedOp).count() == 1


@pytest.mark.parametrize("entity", ["customer", "contact"])
def test_same_op_twice_in_one_request_applies_once(client, users, entity):
    cid, v = make_customer(client, users.rep_h)
    fields = {"name": "Kaksoset"} if entity == "customer" else {"customer_id": cid, "name": "Kaksoset"}
    one = op(entity, new_id(), fields)
    results = push(client, users.rep_h, [one, one])["results"]
    assert results[0] == results[1] and results[0]["status"] == "applied"
