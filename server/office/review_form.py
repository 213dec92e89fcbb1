"""The fix-and-retry form of a rejected op: one input per field, read back into wire values.

The inputs follow the entity's schema (yes/no, a list of choices, JSON for delivery lines, text),
so what the desk sends is what a phone would have sent; the schema then judges it as it judged
the phone's op. A field the schema does not know is shown with its error but never sent.
"""
import json

from flask_babel import gettext as _
from marshmallow import fields as mf
from marshmallow import validate

from ..entities import ENTITIES, USER
from ..schemas.entities import SCHEMAS
from ..schemas.fields import Flag, Text
from .review_data import load_records, op_fields, record_name, references, split_errors
from .review_labels import CHOICES, label

PREFIX = "v_"  # input names: a field called csrf_token or omit cannot clash with the form's own


def schema_fields(entity: str) -> dict:
    return SCHEMAS[entity]().fields if entity in SCHEMAS else {}


def input_kind(entity: str, name: str, field, users: dict) -> tuple:
    """(kind, [(value, text)]) of the input for a schema field: flag, choice, json, ref, multiline or text."""
    if field is None:
        return "unknown", []
    if isinstance(field, Flag):
        return "flag", []
    if isinstance(field, mf.List):
        return "json", []
    if isinstance(field, mf.UUID):
        ref = ENTITIES[entity].refs.get(name)
        if ref is not None and ref.target == USER:  # a person: pick from the users, not type an id
            return "choice", list(users.items())
        return "ref", []
    for rule in field.validators:
        if isinstance(rule, validate.OneOf):
            return "choice", [(c, CHOICES.get(name, {}).get(c, c)) for c in rule.choices]
    return ("multiline" if isinstance(field, Text) and field.multiline else "text"), []


def as_text(kind: str, value) -> str:
    """A stored op value as an input shows it."""
    if value is None:
        return ""
    if kind == "flag" and isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, indent=1)
    return str(value)


def form_rows(q, users: dict, submitted=None, errors=None, omitted=()) -> list:
    """The inputs of the fix form: the op's fields, then fields the errors name that it left out."""
    schema = schema_fields(q.entity)
    fields = op_fields(q)
    by_field, _general = split_errors(q.entity, errors if errors is not None else (q.errors or {}), fields)
    typed = [k[len(PREFIX):] for k in (submitted or {}) if k.startswith(PREFIX)]
    names = dict.fromkeys(list(fields) + [n for n in list(by_field) + typed if n in schema])
    rows = []
    for name in names:
        kind, choices = input_kind(q.entity, name, schema.get(name), users)
        if submitted is not None and kind != "unknown":
            value = submitted.get(PREFIX + name, "")
        else:
            value = as_text(kind, fields.get(name))
        if kind == "choice" and value and value not in dict(choices):
            choices = choices + [(value, value)]  # keep the typed value visible (and selected) beside the valid ones
        rows.append(dict(name=name, label=label(name), kind=kind, choices=choices, value=value,
                         allow_none=getattr(schema.get(name), "allow_none", True), errors=by_field.get(name, []),
                         omitted=name in omitted or kind == "unknown"))
    _hint_references(q.entity, rows)
    return rows


def _hint_references(entity: str, rows: list) -> None:
    """Name the record an id input points at ("Kahvila Aalto"), so a wrong one shows at a glance."""
    wanted: dict = {}
    references(entity, {r["name"]: r["value"] for r in rows if r["kind"] == "ref"}, wanted)
    found = load_records(wanted) if wanted else {}
    for row in rows:
        ref = ENTITIES[entity].refs.get(row["name"])
        if row["kind"] == "ref" and ref is not None:
            rec = found.get((ref.target, row["value"]))
            row["hint"] = record_name(ref.target, rec) if rec else None


def read_form(q, form, users: dict) -> tuple:
    """(wire fields, {field: [message]}) from the submitted inputs; JSON that does not parse is an error."""
    schema = schema_fields(q.entity)
    omitted = set(form.getlist("omit"))
    fields, errors = {}, {}
    for row in form_rows(q, users, submitted=form):
        name, kind, raw = row["name"], row["kind"], row["value"]
        if kind == "unknown" or name in omitted:
            continue
        if kind == "flag":
            fields[name] = {"true": True, "false": False}.get(raw)
        elif kind == "json":
            try:
                fields[name] = json.loads(raw) if raw.strip() else None
            except json.JSONDecodeError as bad:
                errors[name] = [_("Not valid JSON (line %(line)s, column %(col)s): %(why)s",
                                  line=bad.lineno, col=bad.colno, why=bad.msg)]
        elif isinstance(schema.get(name), Text):
            fields[name] = raw  # the schema trims it and makes a blank optional text null
        else:
            fields[name] = raw.strip() or None
    return fields, errors
