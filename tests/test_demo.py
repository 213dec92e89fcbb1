"""Demo data: realistic, valid, assigned to the demo users, loaded through the merge."""
import random
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from server.demo import load_demo
from server.demo.shapes import Demo
from server.extensions import db
from server.models import Activity, Contact, Customer, Delivery, OpLedger, Task, User
from server.schemas.fields import business_id_valid

DEMO_EMAILS = ("manager", "rep1", "rep2", "service", "admin")


def quiet(_msg):
    pass


def test_default_demo_is_realistic_and_valid(app, client):
    messages = []
    summary = load_demo(progress=messages.append)
    assert 130 <= summary["customers"] <= 170 and summary["users"] == 5
    assert any(m.startswith("customers ") for m in messages) and any(m.startswith("activities ") for m in messages)
    for name in DEMO_EMAILS:
        r = client.post("/api/auth/token", json={"email": f"{name}@example.com", "password": "demo1234"})
        assert r.status_code == 201, name
    customers = db.session.query(Customer).all()
    assert len(customers) == summary["customers"]
    by_id = {c.id: c for c in customers}
    bids = [c.business_id for c in customers if c.business_id]
    assert len(bids) > 100 and len(bids) == len(set(bids)) and all(business_id_valid(b) for b in bids)
    outlets = [c for c in customers if c.kind == "outlet"]
    assert len(outlets) >= 6 and all(by_id[c.parent_id].kind == "chain" for c in outlets)
    assert {c.segment for c in customers} >= {"A", "B", "C", "D"}
    assert len({c.city for c in customers}) >= 10 and any("ä" in c.name or "ä" in c.city for c in customers)
    assert {c.kind for c in customers} >= {"customer", "prospect", "reseller", "chain", "outlet"}
    reps = {u.id for u in db.session.query(User).filter(User.role == "rep")}
    assert len(reps) == 2 and reps <= {c.owner_id for c in customers}
    for model in (Contact, Activity, Task, Delivery):
        rows = db.session.query(model).all()
        assert rows and all(row.customer_id in by_id for row in rows), model
    assert summary["contacts"] >= summary["customers"]
    # written through the merge: a ledger entry and per-field metadata for every record
    written = {r for (r,) in db.session.query(OpLedger.record_id).filter_by(client_id="demo-loader", status="applied")}
    for model in (Customer, Contact, Activity, Delivery):
        rows = db.session.query(model.id, model.field_meta).all()
        assert all(row.id in written and row.field_meta for row in rows), model


def test_default_demo_has_history_plans_and_follow_ups(app):
    load_demo(progress=quiet)
    now, today = datetime.now(timezone.utc).replace(tzinfo=None), date.today()
    activities = db.session.query(Activity).all()
    done = [a for a in activities if a.status == "done"]
    assert len(done) > 200 and all(a.notes and a.outcome for a in done)
    assert all(len(a.title.split(" – ")) == 3 and a.ends_at >= a.starts_at for a in activities)
    assert min(a.starts_at for a in done).date() < date.fromordinal(today.toordinal() - 120)
    assert any(a.status == "cancelled" for a in activities)
    assert any(a.status == "planned" and a.starts_at < now for a in activities)  # the weekly nudge
    assert any(a.status == "planned" and a.starts_at > now for a in activities)
    deliveries = {d.id: d for d in db.session.query(Delivery)}
    assert {d.status for d in deliveries.values()} >= {"delivered", "ordered"}
    for d in deliveries.values():
        assert d.lines and Decimal(d.total) == sum(Decimal(str(line["quantity"])) * Decimal(line["unit_price"])
                                                   for line in d.lines)
        assert (d.delivered_on is not None) == (d.status == "delivered")
    tasks = db.session.query(Task).all()
    follow_ups = [t for t in tasks if t.kind == "follow_up"]
    assert follow_ups and all(deliveries[t.delivery_id].status == "delivered" for t in follow_ups)
    assert any(t.status == "open" and t.due_on < today for t in tasks)
    assert {t.kind for t in tasks} >= {"follow_up", "complaint", "sample_order"}
    owners = {u.email: u.id for u in db.session.query(User)}
    for rep in ("rep1@example.com", "rep2@example.com"):
        assert any(t.assignee_id == owners[rep] and t.status == "open" for t in tasks), rep


def test_second_load_is_refused(app):
    load_demo(size=5, progress=quiet)
    with pytest.raises(RuntimeError, match="already loaded"):
        load_demo(progress=quiet)
    assert db.session.query(Customer).count() == 5


def test_same_seed_gives_same_data(app):
    users = {"manager": "m", "rep1": "r1", "rep2": "r2", "service": "s"}
    now = datetime.now(timezone.utc)

    def content(seed):
        ops = Demo(random.Random(seed), users, now).build()
        return [(op["entity"], {k: v for k, v in op["fields"].items() if not k.endswith("_id")}) for op in ops]

    assert content(7) == content(7)
    assert content(7) != content(8)


def test_benchmark_size(app):
    summary = load_demo(size=300, progress=quiet)
    assert (summary["customers"], summary["contacts"], summary["activities"]) == (300, 300, 750)
    assert (db.session.query(Customer).count(), db.session.query(Contact).count(),
            db.session.query(Activity).count()) == (300, 300, 750)
    assert 0 < summary["deliveries"] <= 60 and 0 < summary["tasks"] <= 90
    bids = [b for (b,) in db.session.query(Customer.business_id)]
    assert len(set(bids)) == 300 and all(business_id_valid(b) for b in bids)


def test_cli_loads_demo_and_prints_summary(app, runner):
    result = runner.invoke(args=["load-demo", "--size", "50"])
    assert result.exit_code == 0, result.output
    assert "customers 50/50" in result.output
    assert "50 customers" in result.output and "125 activities" in result.output and "5 users" in result.output
    again = runner.invoke(args=["load-demo", "--size", "50"])
    assert again.exit_code != 0 and "already loaded" in again.output and "Traceback" not in again.output
