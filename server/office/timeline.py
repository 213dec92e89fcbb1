"""A customer's whole history, newest first: visits and calls, tasks, orders and deliveries, conflicts.

`entries` is pure (plain rows in, plain dicts out) so the order and the wording can be tested by
hand; `load` fetches the rows with one query per kind.
"""
from datetime import date, datetime, time

from sqlalchemy import select

from ..models import Activity, Conflict, Contact, Delivery, Task
from ..sync.codec.meta import unpack


def _sort_key(moment) -> datetime:
    if isinstance(moment, datetime):
        return moment
    return datetime.combine(moment, time.min) if isinstance(moment, date) else datetime.min


def _stamp(row, entity: str, field: str) -> tuple:
    """(when, user id) of the change that last set `field` of a row, from its merge metadata."""
    stamp = unpack(row.get("field_meta"), entity).get(field)
    if not stamp or not isinstance(stamp[1], str):
        return None, None
    return datetime.fromisoformat(stamp[1].replace("Z", "+00:00")).replace(tzinfo=None), stamp[4]


def entries(activities, tasks, deliveries, conflicts, names: dict) -> list:
    """Timeline entries {at, kind, type, title, status, who, detail, id} sorted newest first."""
    out = []
    for a in activities:
        out.append({"at": a["starts_at"] or a["ends_at"] or a["created_at"], "kind": "activity", "type": a["type"],
                    "title": a["title"], "status": a["status"], "who": names.get(a["owner_id"]),
                    "detail": a["outcome"] or a["notes"], "next_step": a["next_step"], "id": a["id"]})
    for t in tasks:
        done_at, done_by = _stamp(t, "task", "status") if t["status"] == "done" else (None, None)
        out.append({"at": done_at or t["due_on"] or t["created_at"], "kind": "task", "type": t["kind"],
                    "title": t["title"], "status": t["status"], "who": names.get(t["assignee_id"]),
                    "created_by": names.get(t["created_by"]), "due_on": t["due_on"],
                    "done_at": done_at, "done_by": names.get(done_by), "detail": t["notes"], "id": t["id"]})
    for d in deliveries:
        out.append({"at": d["ordered_on"] or d["created_at"], "kind": "order", "type": d["channel"],
                    "title": d["order_no"], "status": d["status"], "total": d["total"], "lines": len(d["lines"] or []),
                    "who": None, "detail": None, "id": d["id"]})
        if d["status"] == "delivered" and d["delivered_on"]:
            out.append({"at": d["delivered_on"], "kind": "delivery", "type": None, "title": d["order_no"],
                        "status": d["status"], "total": d["total"], "who": None, "detail": None, "id": d["id"]})
    for c in conflicts:
        out.append({"at": c["lost_edited_at"] or c["created_at"], "kind": "conflict", "type": c["entity"],
                    "title": c["field"], "status": "resolved" if c["resolved"] else "open",
                    "who": names.get(c["lost_by"]), "kept_value": c["kept_value"], "lost_value": c["lost_value"],
                    "detail": None, "id": c["id"]})
    # newest first; on one day a dated entry (an order) before the timed ones of that day is fine
    out.sort(key=lambda e: (_sort_key(e["at"]), e["kind"], e["id"]), reverse=True)
    return out


def _rows(session, stmt) -> list:
    return [dict(row) for row in session.execute(stmt).mappings()]


def load(session, customer_id: str, names: dict, conflicts_of: str | None = None) -> list:
    """The timeline of one customer; `conflicts_of` a user id limits conflicts to that user's (non-managers)."""
    activities = _rows(session, select(Activity.__table__).where(Activity.customer_id == customer_id,
                                                                 Activity.deleted.is_(False)))
    tasks = _rows(session, select(Task.__table__).where(Task.customer_id == customer_id, Task.deleted.is_(False)))
    deliveries = _rows(session, select(Delivery.__table__).where(Delivery.customer_id == customer_id,
                                                                 Delivery.deleted.is_(False)))
    # conflicts about the customer and anything under it; contacts' ids come from a subquery
    contact_ids = select(Contact.id).where(Contact.customer_id == customer_id)
    child_ids = [customer_id] + [r["id"] for r in activities + tasks + deliveries]
    where = [Conflict.deleted.is_(False), Conflict.record_id.in_(child_ids) | Conflict.record_id.in_(contact_ids)]
    if conflicts_of:
        where.append(Conflict.lost_by == conflicts_of)
    conflicts = _rows(session, select(Conflict.__table__).where(*where))
    return entries(activities, tasks, deliveries, conflicts, names)
