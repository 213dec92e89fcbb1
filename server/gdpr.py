"""A contact person's personal data (GDPR): gather everything held about them; erase it.

`gather` answers a subject access request: the contact record, its customer (name and id), the
person's activities, conflict records, rejected ops and op-ledger entries about the record, and
every free text elsewhere that names the person verbatim ("mentions": full name, e-mail, phone).

`erase` removes the personal data while the customer's business history stays, in ONE
transaction (nothing half-erased):
- the contact record through the merge (Push, as the erasing manager) so phones pull it: name
  becomes a placeholder, role, phone, e-mail and notes null, marketing_ban true. The record stays
  ALIVE: its activities point at it (a NULLIFY reference, entities.py), so a visit still reads "with
  Erased person" instead of losing that someone was met; a tombstone would also be brought back by
  any offline phone's edit of it (SPEC §5 rule 4). An already deleted contact is scrubbed and
  deleted again in the same batch.
- the copies outside the record: conflict records about it (values nulled, marked resolved,
  given new versions from the one counter so phones pull the change: clients may only set
  `resolved`, so these rows cannot go through the merge), quarantined ops (the op's personal
  fields nulled, marked resolved) and op-ledger results (conflict values nulled).
- The per-field metadata (field_meta) keeps no values: a stamp is [version, edited_at,
  client_id, op_id, user_id, seq] (sync/codec/meta.py), so nothing there needs erasing.
- Mentions in free text are listed for a person to edit, never rewritten here: a note names
  others too, and a blind replace of a name or number would garble the business history.
A phone that was offline during the erasure still holds the old values until it pulls; an edit it
made of the contact meanwhile arrives as an ordinary concurrent edit (new data, typed after the
erasure): the page shows it, and erasing again clears it.
"""
from datetime import datetime, timezone

from sqlalchemy import func, or_, select, update

from .audit import record
from .extensions import db
from .models import AuditEntry, Conflict, Contact, Customer, OpLedger, QuarantinedOp, User, new_op_id
from .models.base import utcnow
from .permissions import Actor
from .sync.codec import CODECS, instant
from .sync.push import Push

PLACEHOLDER = {"fi": "Poistettu henkilö", "en": "Erased person"}
PERSONAL = ("name", "role", "phone", "email", "notes")  # a contact's fields that describe the person
# Free text searched for mentions: {entity: (columns)}; a customer's own contact fields too (a
# one-person firm), and other contact records (the same person entered twice).
PLACES = {"customer": ("name", "phone", "email", "preferred_contact", "notes"),
          "contact": ("name", "phone", "email", "notes"),
          "activity": ("title", "location", "notes", "outcome", "next_step"),
          "task": ("title", "notes")}


def placeholder(user: User | None) -> str:
    """The erased contact's name in the erasing user's language (Finnish by default)."""
    lang = ((user.locale if user else None) or "fi")[:2].lower()
    return PLACEHOLDER.get(lang, PLACEHOLDER["fi"])


def erased_entry(session, contact_id: str) -> AuditEntry | None:
    """The audit entry of the contact's erasure, or None when it was never erased."""
    return session.scalars(select(AuditEntry).where(AuditEntry.action == "gdpr.erase",
                                                    AuditEntry.target_id == contact_id)
                           .order_by(AuditEntry.at.desc()).limit(1)).first()


def gather(session, contact_id: str) -> dict | None:
    """Everything held about one contact person as JSON-ready data, or None for an unknown id."""
    table = Contact.__table__
    row = session.execute(select(table).where(table.c.id == contact_id)).mappings().first()
    if row is None:
        return None
    contact = CODECS["contact"].record(row)
    customer = session.execute(select(Customer.id, Customer.name).where(Customer.id == row["customer_id"])).first()
    activities = session.execute(select(CODECS["activity"].table).where(CODECS["activity"].table.c.contact_id
                                                                        == contact_id)).mappings()
    erased = erased_entry(session, contact_id)
    return {
        "generated_at": instant(utcnow()),
        # what the erasure left for manual editing (ids only: the texts are not copied into the log)
        "erased": {"at": instant(erased.at), "by": erased.actor_label,
                   "mentions": (erased.details or {}).get("mentions", [])} if erased else None,
        "contact": contact,
        "customer": {"id": customer.id, "name": customer.name} if customer else None,
        "activities": sorted((CODECS["activity"].record(a) for a in activities),
                             key=lambda a: (a["starts_at"] or a["created_at"] or "")),
        "conflicts": [CODECS["conflict"].record(c) for c in session.execute(
            select(Conflict.__table__).where(Conflict.entity == "contact", Conflict.record_id == contact_id)
            .order_by(Conflict.version)).mappings()],
        "rejected_ops": [{"id": q.id, "op_id": q.op_id, "created_at": instant(q.created_at), "resolved": q.resolved,
                          "op": q.op, "errors": q.errors} for q in session.scalars(
            select(QuarantinedOp).where(QuarantinedOp.entity == "contact", QuarantinedOp.record_id == contact_id)
            .order_by(QuarantinedOp.id))],
        "ledger": [{"op_id": e.op_id, "status": e.status, "version": e.version,
                    "received_at": instant(e.received_at), "result": e.result} for e in session.scalars(
            select(OpLedger).where(OpLedger.entity == "contact", OpLedger.record_id == contact_id)
            .order_by(OpLedger.received_at, OpLedger.version))],
        # an erased record's placeholder name is nobody's: search only what still names the person
        "mentions": find_mentions(session, terms_of(contact, erased is not None), contact_id),
    }


def erase(user: User, contact_id: str) -> dict | None:
    """Erase one contact's personal data everywhere (see the module's docstring), record it in the
    audit log and commit; return the counts, or None for an unknown id."""
    db.session.rollback()  # the write starts from the version counter's lock (see sync/versions.py)
    try:
        push = Push(db.session, Actor(id=user.id, role=user.role), f"office:{user.id}")
        # read under the lock: no push can add a conflict or a ledger row about the person unseen
        held = gather(db.session, contact_id)
        if held is None:
            db.session.rollback()
            return None
        counts = _erase(user, push, held)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return counts


def _erase(user: User, push: Push, held: dict) -> dict:
    contact, contact_id = held["contact"], held["contact"]["id"]
    fields = {"name": placeholder(user), "role": None, "phone": None, "email": None, "notes": None,
              "marketing_ban": True}
    ops = [_op(contact_id, "put", fields, push.versions.start)]
    if contact["deleted"]:  # the put brings the tombstone back; it goes again, scrubbed
        ops.append(_op(contact_id, "delete", {}, push.versions.start))
    results = push.run(ops)
    if any(r["status"] == "rejected" for r in results):
        raise RuntimeError(f"The merge refused the erasure: {results}")
    # The copies outside the record, with versions from the same counter lock (push.versions)
    conn, now = push.versions.conn, utcnow()
    for conflict in held["conflicts"]:
        conn.execute(update(Conflict.__table__).where(Conflict.id == conflict["id"]).values(
            kept_value=None, lost_value=None, resolved=True, version=push.versions.next(), updated_at=now))
    push.versions.finish()
    terms = terms_of(contact, False)
    for rejected in held["rejected_ops"]:
        op = dict(rejected["op"])
        op["fields"] = {k: (None if k in PERSONAL else v) for k, v in (op.get("fields") or {}).items()}
        conn.execute(update(QuarantinedOp.__table__).where(QuarantinedOp.id == rejected["id"]).values(
            op=scrub(op, terms), errors=scrub(rejected["errors"], terms), resolved=True))
    scrubbed_ledger = 0
    for entry in held["ledger"]:
        if entry["result"] is not None:
            scrubbed_ledger += 1
            result = dict(entry["result"])
            result["conflicts"] = [{**c, "kept_value": None, "lost_value": None} for c in result.get("conflicts") or []]
            conn.execute(update(OpLedger.__table__).where(OpLedger.op_id == entry["op_id"]).values(
                result=scrub(result, terms)))
    counts = {"conflicts": len(held["conflicts"]), "rejected_ops": len(held["rejected_ops"]),
              "ledger": scrubbed_ledger, "activities": len(held["activities"]), "mentions": len(held["mentions"])}
    customer = held["customer"]["name"] if held["customer"] else "?"
    # The entry names the customer and counts, never the person's data: the log is no second copy
    record(user, "gdpr.erase", f"Erased the personal data of a contact person of {customer}: "
           f"{counts['conflicts']} conflict records, {counts['rejected_ops']} rejected ops and "
           f"{counts['ledger']} ledger entries scrubbed; {counts['mentions']} mentions in notes left for "
           "manual editing.", target_type="contact", target_id=contact_id,
           details={**counts, "customer_id": contact["customer_id"],
                    "mentions": [{k: m[k] for k in ("entity", "id", "customer_id", "field")}
                                 for m in held["mentions"]]})
    return counts


def _op(contact_id: str, op_type: str, fields: dict, base_version: int) -> dict:
    return {"op_id": new_op_id(), "entity": "contact", "id": contact_id, "type": op_type,
            "base_version": base_version, "fields": fields, "edited_at": datetime.now(timezone.utc)}


def record_export(user: User, held: dict) -> None:
    """Note a download of someone's data in the audit log (the caller commits)."""
    customer = held["customer"]["name"] if held["customer"] else "?"
    record(user, "gdpr.export", f"Exported the personal data held about a contact person of {customer}.",
           target_type="contact", target_id=held["contact"]["id"],
           details={"customer_id": held["contact"]["customer_id"], "conflicts": len(held["conflicts"]),
                    "rejected_ops": len(held["rejected_ops"]), "ledger": len(held["ledger"]),
                    "mentions": len(held["mentions"])})


def terms_of(contact: dict, erased: bool) -> list:
    """[(kind, text)] the person is found by: full name (not a first name alone: too many others
    share it), e-mail and phone, each as written in the record."""
    out = [] if erased or len(contact.get("name") or "") < 3 else [("name", contact["name"])]
    if contact.get("email") and len(contact["email"]) >= 3:
        out.append(("email", contact["email"]))
    if contact.get("phone") and sum(ch.isdigit() for ch in contact["phone"]) >= 5:
        out.append(("phone", contact["phone"]))
    return out


def find_mentions(session, terms: list, contact_id: str) -> list:
    """Every field of PLACES whose text contains a term (case-insensitive), one query per entity."""
    out = []
    if not terms:
        return out
    for entity, names in PLACES.items():
        table = CODECS[entity].table
        columns = [table.c[name] for name in names]
        # SQL narrows (lower() folds only ASCII on SQLite, so the verbatim text is tried too); Python decides
        wanted = or_(*[cond for col in columns for _kind, term in terms
                       for cond in (col.contains(term, autoescape=True),
                                    func.lower(col).contains(term.lower(), autoescape=True))])
        owner = table.c.id if entity == "customer" else table.c.customer_id
        query = select(table.c.id, owner.label("customer_id"), table.c.deleted, *columns).where(wanted)
        if entity == "contact":
            query = query.where(table.c.id != contact_id)
        for row in session.execute(query.order_by(table.c.id)).mappings():
            for name in names:
                text = row[name] or ""
                found = [kind for kind, term in terms if term.casefold() in text.casefold()]
                if found:
                    out.append({"entity": entity, "id": row["id"], "customer_id": row["customer_id"], "field": name,
                                "deleted": row["deleted"], "found": found, "text": text})
    return out


def scrub(value, terms: list):
    """A JSON value with every string that contains a term replaced by null."""
    if isinstance(value, dict):
        return {k: scrub(v, terms) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v, terms) for v in value]
    if isinstance(value, str) and any(term.casefold() in value.casefold() for _kind, term in terms):
        return None
    return value
