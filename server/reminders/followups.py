"""Post-delivery follow-ups (SPEC §7): a delivery that becomes delivered gets one follow_up task.

Sync, REST, the back office and imports all write through `Push`, which calls its record-changed
hooks once its ops are applied; `after_ops` is one, so the task is made in the same transaction as
the delivery change and through the same merge (it reaches phones by pull like any other record).

Exactly one, however often the delivery is edited or synced: the task's id is derived from the
delivery's id, and nothing is done when a record with that id exists — even a tombstone, since
a rep who deleted the follow-up does not want it back. Concurrent pushes are serialised by the
version counter's lock, so the second one sees the first one's task.

No task when the customer has no owner (nobody to remind; the follow-up is made as soon as a
later write sets status or delivered_on again with an owner in place) or when delivered_on is
empty (the due date would be a guess; the task follows when the date is filled in).
"""
import logging
import uuid
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ..config import org_timezone_name
from ..models import DEFAULT_FOLLOWUP_DELAY_DAYS, ServiceLevel, User, new_op_id
from ..sync.hooks import on_records_changed
from .messages import language

log = logging.getLogger(__name__)

NAMESPACE = uuid.UUID("6f1c3a52-5d0e-4f2b-9a51-0c7e1f5b8d21")
CLIENT_ID = "server:follow-ups"
REMIND_AT = time(8, 0)  # local time on the due day
TRIGGERS = {"status", "delivered_on"}
TITLES = {"fi": "Soita toimituksen jälkeen: {customer}", "en": "Follow-up call after delivery: {customer}"}
NOTES = {"fi": "Toimitus {order} toimitettu {day}. Kysy, miten tuotteet ovat toimineet, ja tarjoa lisää.",
         "en": "Delivery {order} was delivered on {day}. Ask how the products work out and offer more."}


def followup_task_id(delivery_id: str) -> str:
    """The id of a delivery's follow-up task (the same on every server, every time)."""
    return str(uuid.uuid5(NAMESPACE, f"follow-up:{delivery_id}"))


def plan(delivery_id: str, delivery: dict, customer: dict, delay_days: int, tz: ZoneInfo, locale) -> dict | None:
    """The follow-up task's fields for a delivery's wire state, or None when none is due."""
    if delivery.get("status") != "delivered" or not delivery.get("delivered_on") or not customer.get("owner_id"):
        return None
    delivered = date.fromisoformat(delivery["delivered_on"])
    due = delivered + timedelta(days=delay_days)
    remind = datetime.combine(due, REMIND_AT, tzinfo=tz).astimezone(timezone.utc)
    lang = language(locale)
    day = f"{delivered.day}.{delivered.month}.{delivered.year}" if lang == "fi" else delivered.isoformat()
    title = TITLES[lang].format(customer=customer.get("name") or "")
    return {"customer_id": delivery["customer_id"], "assignee_id": customer["owner_id"], "kind": "follow_up",
            "title": title if len(title) <= 200 else title[:199] + "…", "due_on": due.isoformat(),
            "remind_at": remind.strftime("%Y-%m-%dT%H:%M:%SZ"), "status": "open", "delivery_id": delivery_id,
            "notes": NOTES[lang].format(order=delivery.get("order_no") or "", day=day).replace("  ", " ")}


def after_ops(writes, changes: list) -> None:
    """Make the follow-up of every delivery these changes made delivered, inside the same push
    (a record-changed hook: see server/sync/hooks.py)."""
    touched = list(dict.fromkeys(c.id for c in changes if c.entity == "delivery" and c.type == "put"
                                 and TRIGGERS & c.fields))
    if not touched:
        return
    deliveries = writes.records("delivery", touched)
    tasks = writes.records("task", [followup_task_id(d) for d in touched])
    wanted = {rid: state.values for rid, state in deliveries.items()
              if not state.deleted and state.values.get("status") == "delivered"
              and followup_task_id(rid) not in tasks}
    if not wanted:
        return
    customers = writes.records("customer", [values["customer_id"] for values in wanted.values()])
    owners = {c.values.get("owner_id") for c in customers.values()} - {None}
    session = writes.session
    locales = dict(session.execute(select(User.id, User.locale).where(User.id.in_(owners))).all()) if owners else {}
    delays = dict(session.execute(select(ServiceLevel.segment, ServiceLevel.followup_delay_days)).all())
    tz = ZoneInfo(org_timezone_name())
    ops = []
    for delivery_id, delivery in wanted.items():
        customer = customers.get(delivery["customer_id"])
        values = customer.values if customer else {}
        delay = delays.get(values.get("segment"), DEFAULT_FOLLOWUP_DELAY_DAYS)
        fields = plan(delivery_id, delivery, values, delay, tz, locales.get(values.get("owner_id")))
        if fields is not None:
            ops.append({"op_id": new_op_id(), "entity": "task", "id": followup_task_id(delivery_id), "type": "put",
                        "base_version": 0, "fields": fields, "edited_at": writes.now})
    for op, result in zip(ops, writes.apply_as_server(CLIENT_ID, ops)):
        if result["status"] == "rejected":  # kept in quarantined_ops; say so where operators look
            log.warning("follow-up task for delivery %s was rejected: %s", op["fields"]["delivery_id"], result["errors"])


def install() -> None:
    """Hang the follow-up rule on the sync core's record-changed hook."""
    on_records_changed(after_ops)
