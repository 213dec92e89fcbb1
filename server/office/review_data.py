"""The review page's data: open conflicts and rejected ops, with the records they name, in a few queries.

Rows are plain dicts for the templates. A record is looked up once per entity (an IN list), so a
page of fifty conflicts costs the same handful of queries as a page of one.
"""
import difflib
import json
import re
from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import Boolean, Date, DateTime, Numeric, false, func, select

from ..entities import ENTITIES, USER
from ..extensions import db
from ..models import Conflict, QuarantinedOp, User
from ..sync.codec import CODECS
from .review_labels import CHOICES, ENTITY_LABELS, label

PER_PAGE = 50
STATES = ("open", "resolved", "all")
REVIEWED = ("customer", "contact", "activity", "task", "delivery")

@dataclass
class Filters:
    user: str | None = None
    entity: str | None = None
    state: str = "open"

    @classmethod
    def from_args(cls, args, manager: bool) -> "Filters":
        """Read the query string; unknown values fall back to the defaults instead of failing."""
        entity = args.get("entity") or None
        state = args.get("state", "open")
        return cls(user=(args.get("user") or None) if manager else None,
                   entity=entity if entity in ENTITIES else None,
                   state=state if state in STATES else "open")


def conflict_page(me: User, filters: Filters, page: int):
    """(rows, total) of the conflicts this user may review, newest first."""
    where = [Conflict.deleted == false()]
    owner = _owner(me, filters)
    if owner:
        where.append(Conflict.lost_by == owner)
    if filters.entity:
        where.append(Conflict.entity == filters.entity)
    if filters.state != "all":
        where.append(Conflict.resolved == (filters.state == "resolved"))
    total = db.session.scalar(select(func.count()).select_from(Conflict).where(*where))
    items = db.session.scalars(select(Conflict).where(*where).order_by(Conflict.version.desc())
                               .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    return items, total


def rejected_page(me: User, filters: Filters, page: int):
    """(rows, total) of the rejected ops this user may review, newest first."""
    where = []
    owner = _owner(me, filters)
    if owner:
        where.append(QuarantinedOp.user_id == owner)
    if filters.entity:
        where.append(QuarantinedOp.entity == filters.entity)
    if filters.state != "all":
        where.append(QuarantinedOp.resolved == (filters.state == "resolved"))
    total = db.session.scalar(select(func.count()).select_from(QuarantinedOp).where(*where))
    items = db.session.scalars(select(QuarantinedOp).where(*where)
                               .order_by(QuarantinedOp.created_at.desc(), QuarantinedOp.id.desc())
                               .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    return items, total


def _owner(me: User, filters: Filters) -> str | None:
    """Whose items to show: a manager's choice (None: everybody's), anyone else's own only."""
    return filters.user if me.at_least("manager") else me.id


def user_names() -> dict:
    """{user id: name} of every user (a small table: one query serves the names and the filter)."""
    return dict(db.session.execute(select(User.id, User.name).order_by(User.name)).all())


def load_records(wanted: dict) -> dict:
    """{(entity, id): wire record} for {entity: ids}, deleted ones included: one query per entity."""
    found = {}
    for entity, ids in wanted.items():
        ids = sorted(i for i in ids if isinstance(i, str))
        if entity not in ENTITIES or not ids:
            continue
        table = ENTITIES[entity].table
        for row in db.session.execute(select(table).where(table.c.id.in_(ids))).mappings():
            found[(entity, row["id"])] = CODECS[entity].record(row)
    return found


def references(entity: str, fields: dict, wanted: dict) -> None:
    """Add the records that `fields` point at (a customer_id, a contact_id) to `wanted`."""
    for name, value in fields.items():
        ref = ENTITIES[entity].refs.get(name) if entity in ENTITIES else None
        if ref is not None and ref.target != USER and isinstance(value, str):
            wanted.setdefault(ref.target, set()).add(value)


def record_name(entity: str, rec: dict | None, fallback: dict | None = None) -> str:
    """A record as people know it: a customer's name, a visit's title, an order's number."""
    data = rec or fallback or {}
    text = data.get("name") or data.get("title") or data.get("order_no")
    if not text and entity == "delivery" and data.get("ordered_on"):
        return f"{ENTITY_LABELS['delivery']} {data['ordered_on']}"
    return str(text) if text else ""


def record_link(entity: str, record_id: str, rec: dict | None) -> str | None:
    """Where the record is seen in the back office (None when it is gone or has no page)."""
    if rec is None or rec.get("deleted"):
        return None
    customer = rec.get("customer_id")
    return {"customer": f"/office/customers/{record_id}",
            "contact": customer and f"/office/customers/{customer}",
            "activity": customer and f"/office/customers/{customer}",
            "task": customer and f"/office/tasks?customer_id={customer}",
            "delivery": f"/office/orders/{record_id}"}.get(entity)


def show(entity: str, name: str, value, users: dict, records: dict) -> dict:
    """A value ready for the template: {"kind": text|day|moment|money|bool|lines|deleted|empty, "value"}."""
    if name == "deleted":
        return {"kind": "deleted", "value": bool(value)}
    if value is None or value == "" or value == []:
        return {"kind": "empty", "value": None}
    ref = ENTITIES[entity].refs.get(name) if entity in ENTITIES else None
    if ref is not None and isinstance(value, str):
        if ref.target == USER:
            return _text(users.get(value, value))
        return _text(record_name(ref.target, records.get((ref.target, value))) or value)
    if isinstance(value, str) and value in CHOICES.get(name, {}):
        return _text(CHOICES[name][value])
    column = ENTITIES[entity].table.c.get(name) if entity in ENTITIES else None
    kind = {DateTime: "moment", Date: "day", Numeric: "money", Boolean: "bool"}.get(type(column.type)) if column is not None else None
    if name == "lines" and isinstance(value, list) and all(isinstance(line, dict) for line in value):
        return {"kind": "lines", "value": value}
    if kind and _fits(kind, value):
        return {"kind": kind, "value": value}
    return _text(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))


def _text(value) -> dict:
    return {"kind": "text", "value": str(value), "segments": [(str(value), False)]}


def _fits(kind: str, value) -> bool:
    """Whether a stored or typed value can go through its filter (a rejected op may hold anything)."""
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "money":
        return isinstance(value, (int, float, str)) and re.fullmatch(r"\d+(\.\d+)?", str(value)) is not None
    if kind == "day":
        return isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", value) is not None
    return isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?Z", value) is not None


def mark_changes(kept: dict, lost: dict) -> None:
    """Mark the words that differ between two text values, so the eye finds them in long notes."""
    if kept["kind"] == lost["kind"] == "text":
        kept["segments"], lost["segments"] = diff_words(kept["value"], lost["value"])


def diff_words(a: str, b: str):
    """Two lists of (text, changed) pieces: the words of `a` and of `b`, changed ones flagged.

    Whitespace (line breaks too) stays in the pieces, so joining a side's texts gives it back whole.
    """
    left, right = re.findall(r"\s+|\S+", a), re.findall(r"\s+|\S+", b)
    out_a, out_b = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, left, right, autojunk=False).get_opcodes():
        out_a.append(("".join(left[i1:i2]), op != "equal"))
        out_b.append(("".join(right[j1:j2]), op != "equal"))
    return _joined(out_a), _joined(out_b)


def _joined(pieces: list) -> list:
    """Merge neighbours alike; a bare space between two changes is part of the change ("050 222")."""
    out = []
    for i, (text, changed) in enumerate(pieces):
        if not text:
            continue
        if not changed and not text.strip() and 0 < i < len(pieces) - 1 and pieces[i - 1][1] and pieces[i + 1][1]:
            changed = True
        if out and out[-1][1] == changed:
            out[-1] = (out[-1][0] + text, changed)
        else:
            out.append((text, changed))
    return out


def conflict_rows(items: list, users: dict) -> list:
    """The conflicts side by side: record, field, kept and lost value, who and when, what restoring means."""
    records = load_records(_ids((c.entity, c.record_id) for c in items))
    refs: dict = {}
    for c in items:
        references(c.entity, {c.field: c.kept_value}, refs)
        references(c.entity, {c.field: c.lost_value}, refs)
    records.update(load_records(refs))
    rows = []
    for c in items:
        rec = records.get((c.entity, c.record_id))
        kept, lost = (show(c.entity, c.field, v, users, records) for v in (c.kept_value, c.lost_value))
        mark_changes(kept, lost)
        changed = rec is not None and not rec["deleted"] and c.field != "deleted" and rec.get(c.field) != c.kept_value
        rows.append(dict(
            id=c.id, version=c.version, entity=c.entity, entity_label=ENTITY_LABELS.get(c.entity, c.entity),
            record_id=c.record_id, name=record_name(c.entity, rec) or c.record_id[:8], link=record_link(c.entity, c.record_id, rec),
            gone=rec is None, deleted=bool(rec and rec["deleted"]), record_version=rec["version"] if rec else None,
            field=c.field, field_label=label(c.field), kept=kept, lost=lost,
            now=show(c.entity, c.field, rec.get(c.field), users, records) if changed else None,
            lost_by=users.get(c.lost_by, "–"), kept_by=users.get(c.kept_by, "–"), lost_by_id=c.lost_by,
            created_at=c.created_at, lost_edited_at=c.lost_edited_at, resolved=c.resolved,
            restores_delete=c.field == "deleted" and c.lost_value is True))
    return rows


def rejected_rows(items: list, users: dict) -> list:
    """The rejected ops: who, when, the record, each field with its value and its errors."""
    wanted = _ids((q.entity, q.record_id) for q in items)
    for q in items:
        references(q.entity, op_fields(q), wanted)
    records = load_records(wanted)
    rows = []
    for q in items:
        rec, fields = records.get((q.entity, q.record_id)), op_fields(q)
        by_field, general = split_errors(q.entity, q.errors or {}, fields)
        rows.append(dict(
            id=q.id, entity=q.entity, entity_label=ENTITY_LABELS.get(q.entity, q.entity), record_id=q.record_id,
            name=record_name(q.entity, rec, fields) or q.record_id[:8], link=record_link(q.entity, q.record_id, rec),
            exists=rec is not None and not rec["deleted"], delete=(q.op or {}).get("type") == "delete",
            fields=[dict(name=n, label=label(n), value=show(q.entity, n, v, users, records), errors=by_field.get(n, []))
                    for n, v in fields.items()],
            errors=general, user=users.get(q.user_id, "–"), user_id=q.user_id, created_at=q.created_at,
            resolved=q.resolved))
    return rows


def op_fields(q: QuarantinedOp) -> dict:
    fields = (q.op or {}).get("fields")
    return fields if isinstance(fields, dict) else {}


def split_errors(entity: str, errors: dict, fields: dict):
    """({field: [message]}, [(label, [message])]): errors of the op's or the entity's fields, and the rest.

    A delivery line's error ("lines.0.quantity") belongs to the lines field, said as "Line 1, Quantity: ...".
    """
    own = set(fields) | set(ENTITIES[entity].fields if entity in ENTITIES else ())
    by_field, general = {}, []
    for key, messages in errors.items():
        messages = messages if isinstance(messages, list) else [messages]
        top, *rest = str(key).split(".")
        if rest:
            where = [str(int(rest[0]) + 1) if rest[0].isdigit() else rest[0]] + [str(label(r)) for r in rest[1:]]
            messages = [gettext("Line %(where)s: %(message)s", where=", ".join(where), message=m) for m in messages]
        if top in own:
            by_field.setdefault(top, []).extend(str(m) for m in messages)
        else:
            general.append((label(top), [str(m) for m in messages]))
    return by_field, general


def _ids(pairs) -> dict:
    wanted: dict = {}
    for entity, record_id in pairs:
        wanted.setdefault(entity, set()).add(record_id)
    return wanted
