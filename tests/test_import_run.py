"""Running a plan: through the merge as the actor, in one transaction with an audit entry; a dry
run writes nothing; an import stopped half-way (the progress callback raises) commits nothing; a
row the merge refuses is reported and the rest go in; a rep's phone pulls what was imported."""
import importlib
from pathlib import Path

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.imports import guess_mapping, plan, read_table, run
from server.models import AuditEntry, Contact, Customer
from server.operations import write_one
from server.permissions import Actor
from sync_helpers import state

run_module = importlib.import_module("server.imports.run")  # the package's `run` is the function
FIXTURES = Path(__file__).parent / "fixtures" / "import"


def planned(name, duplicates="skip"):
    table = read_table(name, (FIXTURES / name).read_bytes())
    return plan(table, guess_mapping(table.headers), duplicates)


def count(model):
    return db.session.scalar(select(func.count()).select_from(model).where(model.deleted.is_(False)))


def manager(users):
    return Actor(users.manager.id, "manager")


def test_import_writes_customers_contacts_and_an_audit_entry(app, client, users):
    p = planned("asiakkaat_cp1252.csv")
    seen = []
    counts = run(p, manager(users), progress=lambda done, total: seen.append((done, total)),
                 filename="asiakkaat_cp1252.csv")
    assert counts == {"created": 3, "updated": 0, "skipped": 0, "invalid": 2}
    assert seen == [(5, 5)]  # 5 ops: one batch
    db.session.expire_all()
    lehto = db.session.scalar(select(Customer).where(Customer.business_id == "1572860-0"))
    assert (lehto.name, lehto.city, lehto.segment, lehto.marketing_ban, lehto.owner_id) == \
        ("Kahvila Lehto Oy", "Oulu", "A", True, users.manager.id)
    names = sorted(db.session.scalars(select(Contact.name).where(Contact.customer_id == lehto.id)))
    assert names == ["Liisa Lehto", "Pekka Lehto"]
    assert (count(Customer), count(Contact)) == (2, 3)
    [entry] = db.session.scalars(select(AuditEntry)).all()
    assert (entry.action, entry.actor_id, entry.details["counts"]["created"]) == ("import", users.manager.id, 3)
    assert "asiakkaat_cp1252.csv" in entry.summary
    # a rep's phone pulls them like any other change
    pulled = state(client, users.rep_h)
    assert pulled[("customer", lehto.id)]["data"]["name"] == "Kahvila Lehto Oy"
    assert sum(1 for (entity, _id) in pulled if entity == "contact") == 3


def test_dry_run_writes_nothing(app, users):
    counts = run(planned("customers_utf8_bom.csv"), manager(users), dry_run=True)
    assert counts == {"created": 3, "updated": 0, "skipped": 0, "invalid": 1}
    assert (count(Customer), count(Contact)) == (0, 0)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_an_import_stopped_after_its_first_batch_commits_nothing(app, users, monkeypatch):
    monkeypatch.setattr(run_module, "BATCH", 2)  # a row (customer + contact) per batch
    existing = write_one(Actor(None, "admin"), "customer", None, "put", {"name": "Vanha Oy"})["id"]
    p = planned("asiakkaat_cp1252.csv")

    def stop(done, total):
        assert count(Customer) == 2  # the first batch is in, inside the open transaction
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(p, manager(users), progress=stop)
    db.session.expire_all()
    assert db.session.scalars(select(Customer.id)).all() == [existing]
    assert (count(Contact), db.session.scalar(select(func.count()).select_from(AuditEntry))) == (0, 0)


def test_update_mode_changes_the_stored_customer_and_contact(app, users):
    actor = Actor(None, "admin")
    cid = write_one(actor, "customer", None, "put", {"name": "Kahvila Lehto", "city": "Oulu", "phone": "040 1"})["id"]
    write_one(actor, "contact", None, "put", {"customer_id": cid, "name": "liisa lehto", "role": "Omistaja"})
    counts = run(planned("customers_utf8_bom.csv", "update"), manager(users))
    assert counts == {"created": 1, "updated": 2, "skipped": 0, "invalid": 1}
    db.session.expire_all()
    lehto = db.session.get(Customer, cid)
    assert (lehto.business_id, lehto.street, lehto.phone, lehto.segment) == ("1572860-0", "Kauppakatu 3", "040 1", "A")
    [liisa] = db.session.scalars(select(Contact).where(Contact.customer_id == cid)).all()
    assert (liisa.name, liisa.role, liisa.email) == ("Liisa Lehto", "CEO", "liisa@lehto.fi")
    assert count(Customer) == 2


def test_a_row_the_merge_refuses_is_reported_and_the_rest_go_in(app, users):
    p = planned("customers_utf8_bom.csv")
    # someone takes Nordic Tools' Y-tunnus between the plan and the run
    write_one(Actor(None, "admin"), "customer", None, "put", {"name": "Toinen Oy", "business_id": "0737546-2"})
    counts = run(p, manager(users))
    assert counts == {"created": 1, "updated": 0, "skipped": 0, "invalid": 3}
    refused = {row.line: row.reason for row in p.invalid()}
    assert "customer.business_id: Another customer already has this Y-tunnus." in refused[3]
    assert "contact.customer_id" in refused[4]  # its contact person was for line 3's customer
    db.session.expire_all()
    assert sorted(db.session.scalars(select(Customer.name))) == ["Kahvila Lehto Oy", "Toinen Oy"]
