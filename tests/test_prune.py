"""Bounded growth (issue 16 item 6): what prune removes, what it keeps, and why a resent old op is harmless."""
from datetime import timedelta

import sqlalchemy as sa

from server.extensions import db
from server.maintenance.prune import due, prune, prune_if_due
from server.models import ImportJob, OpLedger, OrgSetting, QuarantinedOp, utcnow
from server.sync.pull import HORIZON_KEY, pruned_horizon
from sync_helpers import make_customer, new_id, op, push, push_one, state


def age(table: str, column: str, days: int, where: str = "1 = 1") -> None:
    """Move rows `days` into the past (the clock cannot be turned, so the rows are)."""
    then = utcnow() - timedelta(days=days)
    db.session.execute(sa.text(f"UPDATE {table} SET {column} = :then WHERE {where}"), {"then": then})
    db.session.commit()


def count(model) -> int:
    return db.session.query(model).count()


def test_the_ledger_goes_after_its_age_and_newer_rows_stay(app, client, users):
    make_customer(client, users.rep_h, "Vanha")
    age("op_ledger", "received_at", 91)
    make_customer(client, users.rep_h, "Uusi")
    assert prune(db.session, app.config, dry_run=True)["ledger"] == 1
    assert count(OpLedger) == 2  # a dry run changes nothing
    counts = prune(db.session, app.config, batch=1)  # batch 1: the keyset paging is walked
    assert counts["ledger"] == 1 and count(OpLedger) == 1
    assert prune(db.session, app.config)["ledger"] == 0


def test_only_resolved_rejected_ops_go_and_only_after_their_age(app, client, users):
    bad = [op("activity", new_id(), {"customer_id": new_id(), "type": "visit", "title": f"V{i}"}) for i in range(3)]
    assert {r["status"] for r in push(client, users.rep_h, bad)["results"]} == {"rejected"}
    age("quarantined_ops", "created_at", 181)
    first, second, _third = db.session.query(QuarantinedOp).order_by(QuarantinedOp.id).all()
    first.resolved = second.resolved = True
    db.session.commit()
    age("quarantined_ops", "created_at", 10, f"id = {second.id}")  # resolved, but young
    assert prune(db.session, app.config)["rejected"] == 1
    left = db.session.query(QuarantinedOp).order_by(QuarantinedOp.id).all()
    assert [(q.id, q.resolved) for q in left] == [(second.id, True), (_third.id, False)]  # unsaved input stays


def test_finished_and_abandoned_import_jobs_go_after_the_ledger_age(app, users):
    now = utcnow()
    old = now - timedelta(days=100)
    db.session.add_all([
        ImportJob(id="done-old", filename="a.csv", data=b"", status="done", created_at=old, finished_at=old),
        ImportJob(id="done-new", filename="b.csv", data=b"", status="done", created_at=old, finished_at=now),
        ImportJob(id="upload-old", filename="c.csv", data=b"x", status="uploaded", created_at=old),
        ImportJob(id="upload-new", filename="d.csv", data=b"x", status="uploaded", created_at=now)])
    db.session.commit()
    assert prune(db.session, app.config)["import_jobs"] == 2
    assert sorted(j.id for j in db.session.query(ImportJob)) == ["done-new", "upload-new"]


def test_the_audit_log_is_kept(app, client, users):
    from server.audit import record
    record(None, "export", "Exported 3 customer rows")
    db.session.commit()
    age("audit_log", "at", 3650)
    prune(db.session, {"LEDGER_RETENTION_DAYS": 0, "REJECTED_RETENTION_DAYS": 0, "TOMBSTONE_RETENTION_DAYS": 0})
    assert db.session.execute(sa.text("SELECT count(*) FROM audit_log")).scalar() == 1


def test_a_resent_op_older_than_the_ledger_leaves_the_later_edit_standing(app, client, users):
    """SPEC §5: one client's ops are ordered by seq, so op A (seq 5) resent after op B (seq 6) set the
    same field, and after the ledger forgot A's op_id, is applied again and loses to B."""
    cid, v0 = make_customer(client, users.rep_h, "Kahvila Aalto", client_id="phone-a")
    a = op("customer", cid, {"city": "Tampere", "notes": "A"}, base=v0, seq=5)
    b = op("customer", cid, {"city": "Turku"}, base=v0, seq=6, minute=1)
    assert push_one(client, users.rep_h, a)["status"] == "applied"
    assert push_one(client, users.rep_h, b)["status"] == "applied"
    before = state(client, users.rep_h)
    age("op_ledger", "received_at", 91)
    assert prune(db.session, app.config)["ledger"] == 3
    resent = push_one(client, users.rep_h, a)
    assert resent["status"] == "applied" and resent["conflicts"] == []
    after = state(client, users.rep_h)
    record = after[("customer", cid)]
    assert record["data"]["city"] == "Turku" and record["data"]["notes"] == "A"
    # Nothing changed, so nothing new to pull: the record keeps its version and no conflict appears.
    assert after == before
    assert count(OpLedger) == 1  # the resent op is known again (a second resend is answered from here)


def test_a_resent_create_is_a_put_onto_the_record_it_made(app, client, users):
    """A create the ledger forgot, resent after the phone edited the record further, changes nothing."""
    cid = new_id()
    create = op("customer", cid, {"name": "Leipomo Oy", "city": "Oulu"}, seq=5)
    assert push_one(client, users.rep_h, create)["status"] == "applied"
    [stored] = [c for c in state(client, users.rep_h).values() if c["id"] == cid]
    rename = op("customer", cid, {"name": "Leipomo Kakku Oy"}, base=stored["version"], seq=6, minute=1)
    assert push_one(client, users.rep_h, rename)["status"] == "applied"
    before = state(client, users.rep_h)
    age("op_ledger", "received_at", 91)
    prune(db.session, app.config)
    assert push_one(client, users.rep_h, create)["status"] == "applied"
    assert state(client, users.rep_h) == before
    assert before[("customer", cid)]["data"]["name"] == "Leipomo Kakku Oy"


def test_prune_runs_about_once_a_day(app):
    now = utcnow()
    assert due(db.session, now)
    assert prune_if_due(db.session, app.config, now=now) is not None
    assert not due(db.session, now + timedelta(hours=23))
    assert prune_if_due(db.session, app.config, now=now + timedelta(hours=23)) is None
    assert due(db.session, now + timedelta(hours=24))


def test_the_command_prints_counts_and_a_dry_run_changes_nothing(app, client, users, runner):
    make_customer(client, users.rep_h, "Vanha")
    age("op_ledger", "received_at", 91)
    dry = runner.invoke(args=["prune", "--dry-run"])
    assert dry.exit_code == 0 and dry.output.startswith("Would remove: ledger 1,"), dry.output
    assert count(OpLedger) == 1 and db.session.get(OrgSetting, "pruned_at") is None
    done = runner.invoke(args=["prune", "--ledger-days", "100"])
    assert done.exit_code == 0 and done.output.startswith("Removed: ledger 0,"), done.output
    done = runner.invoke(args=["prune"])
    assert "Removed: ledger 1," in done.output and "pull horizon 0" in done.output
    assert count(OpLedger) == 0
    assert runner.invoke(args=["prune", "--tombstone-days", "-1"]).exit_code == 2  # a usage error, no traceback


def test_pruned_horizon_starts_at_zero(app):
    assert pruned_horizon(db.session) == 0 and db.session.get(OrgSetting, HORIZON_KEY) is None


def test_a_resent_old_op_loses_to_a_colleague_s_later_edit_and_says_so(app, client, users):
    """Against another client's later edit a forgotten op is an old concurrent edit (SPEC §5 rule 2):
    it loses on edited_at, the field keeps the colleague's value, and the resender gets a conflict
    record with the old value, as for any edit that lost; nothing is overwritten."""
    cid, v0 = make_customer(client, users.rep_h, "Kahvila Aalto", client_id="phone-a")
    a = op("customer", cid, {"city": "Tampere"}, base=v0, seq=5)
    applied = push_one(client, users.rep_h, a)
    later = push_one(client, users.manager_h, op("customer", cid, {"city": "Turku"}, base=applied["version"],
                                                 minute=30), "desk")
    assert later["status"] == "applied"
    age("op_ledger", "received_at", 91)
    prune(db.session, app.config)
    resent = push_one(client, users.rep_h, a)
    assert resent["status"] == "conflict"
    assert resent["conflicts"] == [{"field": "city", "kept_value": "Turku", "lost_value": "Tampere"}]
    after = state(client, users.rep_h)
    assert after[("customer", cid)]["data"]["city"] == "Turku"
    assert after[("customer", cid)]["version"] == later["version"]  # the record itself is untouched
