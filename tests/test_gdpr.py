"""GDPR for contact persons (server/gdpr.py): everything held about a person, and its erasure
everywhere (the record, conflict records, rejected ops, the op ledger) while the history stays."""
import json

import pytest
import sqlalchemy as sa

from server import gdpr
from server.extensions import db
from server.models import AuditEntry
from sync_helpers import make_customer, op, push_one, state

NAME, EMAIL, PHONE = "Anna Virtanen", "anna@virtanen.fi", "040 765 4321"
OLD_EMAIL, LOST_EMAIL = "anna.virtanen@example.com", "a.virtanen@example.com"


@pytest.fixture
def person(client, users):
    """A contact of Kahvila Aalto found in every kind of place, made the way phones make them."""
    cid, _v = make_customer(client, users.rep_h, notes=f"Orders: call {PHONE}")
    ids = {"customer": cid}
    contact = "c0a0e6f1-0000-4000-8000-000000000001"
    created = push_one(client, users.rep_h, op("contact", contact, {
        "customer_id": cid, "name": NAME, "email": OLD_EMAIL, "phone": PHONE, "role": "Purchasing",
        "notes": "Prefers mornings"}))
    v = created["version"]
    # rep's newer edit (minute 10) beats rep2's older one (minute 5) made without seeing it: a conflict
    push_one(client, users.rep_h, op("contact", contact, {"email": EMAIL}, base=v, minute=10))
    lost = push_one(client, users.rep2_h, op("contact", contact, {"email": LOST_EMAIL}, base=v, minute=5), "phone-b")
    assert lost["status"] == "conflict", lost
    rejected = push_one(client, users.rep2_h, op("contact", contact, {"name": "", "email": OLD_EMAIL}, base=v),
                        "phone-b")
    assert rejected["status"] == "rejected", rejected
    activity = push_one(client, users.rep_h, op("activity", "c0a0e6f1-0000-4000-8000-0000000000a1", {
        "customer_id": cid, "contact_id": contact, "type": "visit", "status": "done", "title": "Tasting",
        "starts_at": "2026-11-20T09:00:00Z", "notes": f"{NAME} wants samples"}))
    assert activity["status"] == "applied", activity
    ids.update(contact=contact, activity="c0a0e6f1-0000-4000-8000-0000000000a1")
    return ids


def test_gather_finds_every_kind_of_place(app, person):
    held = gdpr.gather(db.session, person["contact"])
    assert held["contact"]["email"] == EMAIL and held["contact"]["role"] == "Purchasing"
    assert held["customer"] == {"id": person["customer"], "name": "Kahvila Aalto"}
    assert [a["id"] for a in held["activities"]] == [person["activity"]]
    [conflict] = held["conflicts"]
    assert (conflict["field"], conflict["kept_value"], conflict["lost_value"]) == ("email", EMAIL, LOST_EMAIL)
    [rejected] = held["rejected_ops"]
    assert rejected["op"]["fields"]["email"] == OLD_EMAIL
    # create, rep's edit, rep2's lost edit, the rejected op; only the last two carry a result
    assert [e["status"] for e in held["ledger"]] == ["applied", "applied", "conflict", "rejected"]
    assert held["ledger"][2]["result"]["conflicts"][0]["lost_value"] == LOST_EMAIL
    mentions = {(m["entity"], m["field"]): m["found"] for m in held["mentions"]}
    assert mentions == {("customer", "notes"): ["phone"], ("activity", "notes"): ["name"]}
    assert held["erased"] is None
    json.dumps(held)  # all of it is JSON as it stands


def _dump_hits(terms) -> set:
    """(table, id) of every row of every table whose text contains one of the terms."""
    hits = set()
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(sa.select(table)).all():
            text = " ".join(str(value) for value in row).casefold()
            if any(term.casefold() in text for term in terms):
                hits.add((table.name, row._mapping.get("id")))
    return hits


def test_erase_removes_the_person_everywhere_but_the_listed_notes(app, client, users, person):
    counts = gdpr.erase(users.manager, person["contact"])
    assert counts == {"conflicts": 1, "rejected_ops": 1, "ledger": 2, "activities": 1, "mentions": 2}
    contact = client.get(f"/api/contacts/{person['contact']}", headers=users.manager_h).json
    assert contact["name"] in gdpr.PLACEHOLDER.values()
    assert (contact["email"], contact["phone"], contact["role"], contact["notes"]) == (None, None, None, None)
    assert contact["marketing_ban"] is True and contact["deleted"] is False
    # The e-mails are nowhere; the name and phone only in the two notes the erasure listed
    assert _dump_hits([EMAIL, OLD_EMAIL, LOST_EMAIL, "Purchasing", "Prefers mornings"]) == set()
    assert _dump_hits([NAME, PHONE]) == {("customers", person["customer"]), ("activities", person["activity"])}
    # The business history stays: the customer, and the activity still pointing at the contact
    assert client.get(f"/api/customers/{person['customer']}", headers=users.rep_h).json["name"] == "Kahvila Aalto"
    activity = client.get(f"/api/activities/{person['activity']}", headers=users.rep_h).json
    assert activity["contact_id"] == person["contact"] and activity["title"] == "Tasting"
    held = gdpr.gather(db.session, person["contact"])
    assert held["erased"]["by"] == users.manager.email
    assert [(c["kept_value"], c["lost_value"], c["resolved"]) for c in held["conflicts"]] == [(None, None, True)]


def test_phones_pull_the_erased_contact_and_conflict(app, client, users, person):
    before = state(client, users.rep2_h)
    gdpr.erase(users.manager, person["contact"])
    after = state(client, users.rep2_h)
    key = ("contact", person["contact"])
    assert after[key]["version"] > before[key]["version"]
    assert after[key]["data"]["email"] is None and after[key]["data"]["name"] in gdpr.PLACEHOLDER.values()
    [conflict] = [c for k, c in after.items() if k[0] == "conflict"]
    assert conflict["data"]["lost_value"] is None and conflict["data"]["resolved"] is True
    assert conflict["version"] > before[("conflict", conflict["id"])]["version"]


def test_the_audit_log_says_who_erased_without_the_data(app, users, person):
    gdpr.erase(users.manager, person["contact"])
    [entry] = db.session.scalars(sa.select(AuditEntry)).all()
    assert (entry.action, entry.target_type, entry.target_id, entry.actor_id) == (
        "gdpr.erase", "contact", person["contact"], users.manager.id)
    text = (entry.summary + json.dumps(entry.details)).casefold()
    assert "kahvila aalto" in text
    for term in (NAME, "Anna", "Virtanen", EMAIL, PHONE, "765"):
        assert term.casefold() not in text


def test_a_deleted_contact_is_scrubbed_and_stays_deleted(app, client, users, person):
    client.delete(f"/api/contacts/{person['contact']}", headers=users.manager_h)
    assert gdpr.gather(db.session, person["contact"])["contact"]["deleted"] is True
    gdpr.erase(users.manager, person["contact"])
    held = gdpr.gather(db.session, person["contact"])
    assert held["contact"]["deleted"] is True and held["contact"]["email"] is None
    assert held["contact"]["name"] in gdpr.PLACEHOLDER.values()
    assert client.get(f"/api/contacts/{person['contact']}", headers=users.manager_h).status_code == 404


def test_unknown_contact_and_search_terms(app, users):
    assert gdpr.gather(db.session, "c0a0e6f1-0000-4000-8000-00000000dead") is None
    assert gdpr.erase(users.manager, "c0a0e6f1-0000-4000-8000-00000000dead") is None
    # a short phone number or name would find unrelated text; an erased record's name is nobody's
    assert gdpr.terms_of({"name": "Al", "email": None, "phone": "112"}, False) == []
    assert gdpr.terms_of({"name": "Erased person", "email": None, "phone": None}, True) == []
    scrubbed = gdpr.scrub({"a": ["x ANNA@virtanen.fi", 3], "b": "kept"}, [("email", EMAIL)])
    assert scrubbed == {"a": [None, 3], "b": "kept"}
