"""Demo data: realistic, valid, assigned to the demo users, loaded through the merge."""
import pytest

from server.demo import load_demo
from server.extensions import db
from server.models import Activity, Contact, Customer, Delivery, OpLedger, Task, User
from server.schemas.fields import business_id_valid


def test_default_demo_is_realistic_and_valid(app, client):
    summary = load_demo(progress=lambda _msg: None)
    assert 130 <= summary["customers"] <= 170
    for email in ("manager", "rep1", "rep2", "service", "admin"):
        r = client.post("/api/auth/token", json={"email": f"{email}@example.com", "password": "demo1234"})
        assert r.status_code == 201
    customers = db.session.query(Customer).all()
    ids = {c.id for c in customers}
    bids = [c.business_id for c in customers if c.business_id]
    assert len(bids) == len(set(bids)) and all(business_id_valid(b) for b in bids)
    outlets = [c for c in customers if c.kind == "outlet"]
    assert outlets and all(db.session.get(Customer, c.parent_id).kind == "chain" for c in outlets)
    for model in (Contact, Activity, Task, Delivery):
        assert all(r.customer_id in ids for r in db.session.query(model))
    reps = {u.id for u in db.session.query(User).filter(User.role == "rep")}
    assert reps <= {c.owner_id for c in customers}
    assert db.session.query(Task).filter(Task.status == "open", Task.due_on < db.func.current_date()).count() > 0
    assert db.session.query(Activity).filter(Activity.status == "planned",
                                             Activity.starts_at < db.func.current_timestamp()).count() > 0
    assert any("ä" in c.name or "ä" in (c.city or "") for c in customers)
    # written through the merge: every record has an op in the ledger
    assert db.session.query(OpLedger).count() == sum(v for k, v in summary.items() if k != "users")
    with pytest.raises(RuntimeError, match="already loaded"):
        load_demo(progress=lambda _msg: None)


def test_benchmark_size_and_cli(app, runner):
    result = runner.invoke(args=["load-demo", "--size", "120"])
    assert result.exit_code == 0, result.output
    assert "120 customers" in result.output and "300 activities" in result.output
    assert db.session.query(Contact).count() == 120
