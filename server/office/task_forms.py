"""The task form: what the desk typed -> wire fields for writes.save, with errors by form field.

Plain POST forms (the CSRF token comes from the app-wide CSRFProtect), read by hand because the
values must stay exactly as typed when the page comes back with errors. The day, time and customer
readers are shared with the order form (order_forms.py).
"""
import re
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..config import org_timezone_name
from ..extensions import db
from ..models import Customer, User

KINDS = (("complaint", _l("Complaint")), ("sample_order", _l("Sample order")), ("spare_part", _l("Spare part")),
         ("info", _l("Information")), ("follow_up", _l("Follow-up")), ("other", _l("Other")))
ASSIGNABLE_ROLES = ("rep", "service", "manager")
DEFAULT_REMIND_TIME = time(8, 0)  # as the delivery follow-ups: a reminder with a day but no hour rings at 8
FIELDS = ("customer_id", "customer_q", "assignee_id", "kind", "title", "due_on", "remind_day", "remind_time", "notes")
# The wire field an error of writes.save names -> the form field it is shown beside.
WIRE_TO_FORM = {"remind_at": "remind_day", "created_by": "assignee_id", "status": "title", "id": "title"}
_FI_DAY = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})\Z")


def today_local() -> date:
    """Today in the organisation's time zone (what "overdue" and "default today" mean at the desk)."""
    return datetime.now(ZoneInfo(org_timezone_name())).date()


def parse_day(text: str) -> date | None:
    """A typed day: 2026-12-07 (what a date input sends) or 7.12.2026 (how a Finn types it); None if neither."""
    text = (text or "").strip()
    found = _FI_DAY.match(text)
    try:
        if found:
            return date(int(found.group(3)), int(found.group(2)), int(found.group(1)))
        return date.fromisoformat(text)
    except ValueError:
        return None


def parse_time(text: str) -> time | None:
    """A typed clock time, 8:00, 08.00 or 08:00:00; None if it is not one."""
    found = re.match(r"(\d{1,2})[:.](\d{2})(?::\d{2})?\Z", (text or "").strip())
    if not found or int(found.group(1)) > 23 or int(found.group(2)) > 59:
        return None
    return time(int(found.group(1)), int(found.group(2)))


def local_to_utc_iso(day: date, clock: time) -> str:
    """A local day and time in the organisation's zone as the wire's UTC instant."""
    moment = datetime.combine(day, clock, tzinfo=ZoneInfo(org_timezone_name())).astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def assignees() -> list:
    """Active users a task can be given to, by name: [(id, name)]."""
    rows = db.session.execute(select(User.id, User.name).where(User.active.is_(True), User.role.in_(ASSIGNABLE_ROLES))
                              .order_by(User.name))
    return [tuple(row) for row in rows]


def resolve_customer(form: dict, errors: dict) -> tuple:
    """(customer id or None, [(id, name)] candidates) from the hidden id or, without script, the typed name.

    The picker fills `customer_id`; when it is empty the typed text is searched, and one match is
    taken; several are offered back as a choice, none is an error on the field.
    """
    chosen = (form.get("customer_id") or "").strip()
    if chosen:
        if db.session.scalar(select(Customer.id).where(Customer.id == chosen, Customer.deleted.is_(False))) is None:
            errors["customer_id"] = [_("This customer does not exist or was deleted; choose another.")]
            return None, []
        return chosen, []
    typed = (form.get("customer_q") or "").strip()
    if not typed:
        errors["customer_id"] = [_("Choose a customer.")]
        return None, []
    pattern = "%" + typed.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    found = [tuple(row) for row in db.session.execute(
        select(Customer.id, Customer.name).where(Customer.deleted.is_(False), Customer.archived.is_(False),
                                                 Customer.search_text.like(pattern, escape="\\"))
        .order_by(Customer.name).limit(11))]
    if len(found) == 1:
        return found[0][0], []
    if not found:
        errors["customer_id"] = [_("No customer matches “%(text)s”.", text=typed)]
        return None, []
    errors["customer_id"] = [_("Several customers match; choose one.")]
    return None, found[:10]


def customer_name(customer_id: str | None) -> str:
    if not customer_id:
        return ""
    return db.session.scalar(select(Customer.name).where(Customer.id == customer_id)) or ""


def read_task(form: dict) -> tuple:
    """(wire fields, {form field: [message]}, customer candidates) of a submitted new-task form."""
    errors: dict = {}
    customer_id, candidates = resolve_customer(form, errors)
    fields = {"customer_id": customer_id, "title": (form.get("title") or "").strip(), "status": "open",
              "kind": form.get("kind") or "other", "notes": form.get("notes") or None}
    if form.get("assignee_id"):
        fields["assignee_id"] = form["assignee_id"]
    else:
        errors["assignee_id"] = [_("Choose who does this.")]
    if not fields["title"]:
        errors["title"] = [_("Give the task a title.")]
    due_text = (form.get("due_on") or "").strip()
    due = parse_day(due_text)
    if due_text and due is None:
        errors["due_on"] = [_("Not a date; use e.g. 2026-12-07 or 7.12.2026.")]
    fields["due_on"] = due.isoformat() if due else None
    fields["remind_at"] = _reminder(form, errors)
    return fields, errors, candidates


def _reminder(form: dict, errors: dict) -> str | None:
    day_text, time_text = (form.get("remind_day") or "").strip(), (form.get("remind_time") or "").strip()
    if not day_text and not time_text:
        return None
    day, clock = parse_day(day_text), parse_time(time_text) if time_text else DEFAULT_REMIND_TIME
    if day is None:
        errors["remind_day"] = [_("Give the reminder's day, e.g. 2026-12-07.") if not day_text else
                                _("Not a date; use e.g. 2026-12-07 or 7.12.2026.")]
    if clock is None:
        errors["remind_time"] = [_("Not a time; use e.g. 08:00.")]
    return local_to_utc_iso(day, clock) if day and clock else None


def form_errors(wire_errors: dict) -> dict:
    """Errors of writes.save by wire field, placed under the form fields that show them."""
    out: dict = {}
    for name, messages in (wire_errors or {}).items():
        out.setdefault(WIRE_TO_FORM.get(name, name), []).extend(messages)
    return out
