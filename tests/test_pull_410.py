"""Tombstones are pruned after their age, children first, and a pull from a cursor older than the
newest pruned one is told to resync: 410 `resync_required` (issue 16 item 6)."""
from datetime import timedelta

import sqlalchemy as sa

from server.extensions import db
from server.maintenance.prune import prune
from server.models import Contact, Customer, utcnow
from server.sync import pull as pull_module
from server.sync.pull import pruned_horizon
from sync_helpers import make_customer, new_id, op, pull_all, push, push_one

NOW = {"LEDGER_RETENTION_DAYS": 90, "REJECTED_RETENTION_DAYS": 180, "TOMBSTONE_RETENTION_DAYS": 180}


def age(table: str, days: int, where: str = "deleted = true") -> None:
    then = utcnow() - timedelta(days=days)
    db.session.execute(sa.text(f"UPDATE {table} SET updated_at = :then WHERE {where}"), {"then": then})
    db.session.commit()


def family(client, h):
    """A chain with an outlet, a contact and a visit, all deleted with it; returns (ids, last tombstone's version)."""
    chain, _ = make_customer(client, h, "Herkkumarket Oy", client_id="desk", kind="chain")
    outlet, contact, visit = new_id(), new_id(), new_id()
    results = push(client, h, [
        op("customer", outlet, {"name": "Herkkumarket Tampere", "kind": "outlet", "parent_id": chain}),
        op("contact", contact, {"customer_id": chain, "name": "Liisa"}),
        op("activity", visit, {"customer_id": chain, "contact_id": contact, "type": "visit", "title": "Maistatus"}),
    ], client_id="desk")["results"]
    gone = push(client, h, [op("customer", chain, base=results[-1]["version"], type_="delete")], "desk")
    assert gone["results"][0]["status"] == "applied"
    # the cascade's tombstones take versions after the op's own: the push's cursor is the last of them
    return {"chain": chain, "outlet": outlet, "contact": contact, "visit": visit}, gone["cursor"]


def error_of(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.headers["Content-Type"].startswith("application/json")
    return response.json["error"]


def test_old_tombstones_go_and_an_older_cursor_must_resync(app, client, users):
    h = users.manager_h
    _, before = pull_all(client, h)  # a phone synced before anything existed
    keep, _ = make_customer(client, h, "Elossa Oy")
    ids, deleted_at = family(client, h)
    _, phone = pull_all(client, h)  # a second phone saw the deletes
    age("customers", 181, "deleted = true OR id = :keep".replace(":keep", f"'{keep}'"))  # live rows never go
    age("contacts", 181)
    age("activities", 181)
    counts = prune(db.session, NOW)
    assert counts["tombstones"] == {"conflict": 0, "task": 0, "activity": 1, "delivery": 0, "contact": 1,
                                    "customer": 2}
    assert counts["horizon"] == deleted_at == pruned_horizon(db.session)
    assert db.session.query(Customer).all()[0].id == keep and db.session.query(Contact).count() == 0

    err = error_of(client.get(f"/api/sync/pull?cursor={before or 1}", headers=h), 410)
    assert err["code"] == "resync_required" and "cursor 0" in err["message"]
    assert set(err) == {"code", "message"}
    fresh, _ = pull_all(client, h, 0)  # cursor 0 always works, and no trace of the pruned records
    assert {c["id"] for c in fresh} == {keep}
    assert pull_all(client, h, phone)[0] == []  # a phone past the horizon goes on as before
    assert client.get(f"/api/sync/pull?cursor={deleted_at}", headers=h).status_code == 200
    error_of(client.get(f"/api/sync/pull?cursor={deleted_at - 1}", headers=h), 410)
    error_of(client.get("/api/sync/pull?cursor=-1", headers=h), 400)  # bad cursors are still 400


def test_a_young_child_tombstone_keeps_its_old_parent_and_the_horizon(app, client, users):
    h = users.manager_h
    ids, deleted_at = family(client, h)
    age("customers", 181)  # only the customers are old: the contact and visit tombstones point at the chain
    counts = prune(db.session, NOW)
    assert counts["tombstones"]["customer"] == 1  # the outlet; the chain waits for its children
    assert db.session.get(Customer, ids["chain"]) is not None and db.session.get(Customer, ids["outlet"]) is None
    assert 0 < counts["horizon"] < deleted_at  # the outlet's tombstone version, not its children's
    age("contacts", 181)
    age("activities", 181)
    counts = prune(db.session, NOW)
    assert counts["tombstones"]["customer"] == 1 and db.session.get(Customer, ids["chain"]) is None


def test_a_put_onto_a_pruned_record_is_a_create(app, client, users):
    """A phone that edited offline a record whose tombstone is gone recreates it (rule 4 restores a
    deleted record; without the tombstone it is a create, so it needs its required fields)."""
    h = users.manager_h
    cid, v = make_customer(client, h, "Poistuva Oy")
    assert push_one(client, h, op("customer", cid, base=v, type_="delete"), "desk")["status"] == "applied"
    age("customers", 181)
    prune(db.session, NOW)
    partial = push_one(client, users.rep_h, op("customer", cid, {"city": "Oulu"}, base=v))
    assert partial["status"] == "rejected" and "name" in partial["errors"]
    whole = push_one(client, users.rep_h, op("customer", cid, {"name": "Poistuva Oy", "city": "Oulu"}, base=v))
    assert whole["status"] == "applied"


def test_a_prune_between_the_page_queries_never_lets_a_cursor_pass_a_lost_delete(app, client, users, monkeypatch):
    """The horizon is read after the page: the page either still holds the tombstone or the pull is 410."""
    h = users.manager_h
    _, start = pull_all(client, h)
    cid, v = make_customer(client, h, "Poistuva Oy")
    push_one(client, h, op("customer", cid, base=v, type_="delete"), "desk")
    age("customers", 181)
    real, pruned = pull_module._rows_query, []

    def rows_query_after_a_prune(entity):
        if not pruned:
            pruned.append(True)
            with app.app_context():  # another session and connection, as another worker's
                prune(db.session, NOW)
                db.session.remove()
        return real(entity)

    monkeypatch.setattr(pull_module, "_rows_query", rows_query_after_a_prune)
    response = client.get(f"/api/sync/pull?cursor={start or 1}", headers=h)
    assert pruned
    if response.status_code == 200:  # a pull inside one snapshot would still hold the tombstone
        assert [(c["id"], c["deleted"]) for c in response.json["changes"]] == [(cid, True)]
    else:  # each statement reads afresh (PostgreSQL; pysqlite opens no read transaction): resync
        assert error_of(response, 410)["code"] == "resync_required"
