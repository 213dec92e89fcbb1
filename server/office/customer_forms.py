"""The customer and contact forms: which fields, how typed text becomes wire values, what changed.

Plain HTML forms rather than WTForms: the schema (server/schemas/entities.py) is the one validator,
so a form only turns text into wire values and the write's `Outcome.fields` says what is wrong.
"""
from datetime import datetime

from flask_babel import lazy_gettext as _l

from ..sync.codec.meta import unpack

KINDS = ("customer", "prospect", "reseller", "chain", "outlet")
STAGES = ("lead", "new", "active", "occasional", "passive", "former")
SEGMENTS = ("A", "B", "C", "D")

# (field, label, widget); widget: text | email | select | check | area | customer | owner
CUSTOMER_FIELDS = (
    ("name", _l("Name"), "text"),
    ("business_id", _l("Business ID"), "text"),
    ("kind", _l("Kind"), "select"),
    ("parent_id", _l("Chain (for an outlet)"), "customer"),
    ("segment", _l("Segment"), "select"),
    ("stage", _l("Stage"), "select"),
    ("owner_id", _l("Owner"), "owner"),
    ("phone", _l("Phone"), "text"),
    ("email", _l("E-mail"), "email"),
    ("website", _l("Website"), "text"),
    ("street", _l("Street address"), "text"),
    ("postal_code", _l("Postal code"), "text"),
    ("city", _l("City"), "text"),
    ("country", _l("Country (ISO code, e.g. FI)"), "text"),
    ("preferred_contact", _l("Preferred contact"), "text"),
    ("do_not_contact", _l("Do not contact"), "check"),
    ("marketing_ban", _l("No marketing"), "check"),
    ("archived", _l("Archived"), "check"),
    ("notes", _l("Notes"), "area"),
)
CONTACT_FIELDS = (
    ("name", _l("Name"), "text"),
    ("role", _l("Role"), "text"),
    ("phone", _l("Phone"), "text"),
    ("email", _l("E-mail"), "email"),
    ("marketing_ban", _l("No marketing"), "check"),
    ("notes", _l("Notes"), "area"),
)
CHOICES = {"kind": KINDS, "stage": STAGES, "segment": SEGMENTS}
OPTIONAL_CHOICE = {"segment", "owner_id", "parent_id"}  # "" means none


def submitted(form, fields=CUSTOMER_FIELDS) -> dict:
    """The wire values a form posted: text trimmed, empty text as null, a checkbox as a flag; a text
    field the form did not send at all is left out (unchanged), never cleared."""
    out = {}
    for name, _label, widget in fields:
        if widget == "check":
            out[name] = name in form
            continue
        if name not in form:
            continue
        value = form.get(name, "").strip()
        if name == "country":
            value = value.upper()
        # a required name stays "" so the schema names the field instead of a null error
        out[name] = value if value or name == "name" else None
    return out


def changes(new: dict, current: dict) -> dict:
    """The fields whose submitted value differs from the stored one (only these are written, so
    a phone's offline edit of another field never meets this save)."""
    def same(a, b):
        return (a or None) == (b or None) if not isinstance(a, bool) else a == bool(b)
    return {name: value for name, value in new.items() if not same(value, current.get(name))}


def for_create(new: dict) -> dict:
    """A new record's fields without the empty ones (the schema's defaults apply)."""
    return {name: value for name, value in new.items() if value not in (None, False)}


def changed_since(row, entity: str, version: int, names: dict) -> dict:
    """{field: {"by", "at"}} of the fields someone changed after `version` (for a stale form)."""
    out = {}
    for name, stamp in unpack(row.get("field_meta"), entity).items():
        if stamp and stamp[0] > version:
            at = stamp[1]
            out[name] = {"by": names.get(stamp[4]) or "",
                         "at": datetime.fromisoformat(at.replace("Z", "+00:00")) if isinstance(at, str) else None}
    return out


def errors_by_field(fields: dict) -> dict:
    """Outcome.fields flattened to {field: "message; message"} for showing beside the inputs."""
    out = {}
    for name, messages in (fields or {}).items():
        if isinstance(messages, dict):  # a nested schema's errors, e.g. {0: [...]}
            messages = [str(m) for ms in messages.values() for m in (ms if isinstance(ms, list) else [ms])]
        out[name] = "; ".join(str(m) for m in (messages if isinstance(messages, list) else [messages]))
    return out


def version_of(form):
    """The record version the form was loaded at (its If-Match), or None when missing or mangled."""
    raw = form.get("version", "").strip()
    return int(raw) if raw.isdigit() else None


# The words the pages show for stored codes (the codes stay on the wire and in URLs).
LABELS = {
    "kind": {"customer": _l("Customer"), "prospect": _l("Prospect"), "reseller": _l("Reseller"),
             "chain": _l("Chain"), "outlet": _l("Outlet")},
    "stage": {"lead": _l("Lead"), "new": _l("New"), "active": _l("Active"), "occasional": _l("Occasional"),
              "passive": _l("Passive"), "former": _l("Former")},
    "light": {"red": _l("Overdue"), "yellow": _l("Due soon"), "green": _l("In time"), "none": _l("No segment")},
    "activity": {"visit": _l("Visit"), "call": _l("Call"), "email": _l("E-mail"), "training": _l("Training"),
                 "meeting": _l("Meeting"), "other": _l("Other")},
    "task": {"follow_up": _l("Follow-up"), "complaint": _l("Complaint"), "sample_order": _l("Sample order"),
             "spare_part": _l("Spare part"), "info": _l("Info"), "other": _l("Other")},
    "status": {"planned": _l("planned"), "done": _l("done"), "cancelled": _l("cancelled"), "open": _l("open"),
               "ordered": _l("ordered"), "delivered": _l("delivered"), "resolved": _l("resolved")},
    "timeline": {"activity": _l("Activity"), "task": _l("Task"), "order": _l("Order"), "delivery": _l("Delivery"),
                 "conflict": _l("Conflict")},
}


def label(group: str, value) -> str:
    """The shown word for a stored code; the code itself when there is none (or an en dash for null)."""
    if value in (None, ""):
        return "–"
    return str(LABELS.get(group, {}).get(value, value))
