"""The push request's envelope (SPEC §5): client_id and the ops around their fields.

One schema says what is valid (PushEnvelope); `fast_envelope` takes the common, canonical case
without marshmallow (a push holds up to 500 ops, and marshmallow visited every field of every
one) and declines everything else, which `load` then hands to the schema to find and name.
tests/test_sync_envelope.py checks that the two agree on what they accept and what it becomes.
"""
import re
from datetime import datetime

from marshmallow import EXCLUDE, RAISE, Schema, validate
from marshmallow import fields as mf

from ..schemas.entities import SCHEMAS
from ..schemas.fast import UUID_RE

CLIENT_ID_RE = re.compile(r"[^\x00-\x1f\x7f]{1,64}\Z")  # stored in the ledger: no control characters
MAX_SEQ = 2**53 - 1  # the largest integer a JavaScript client counts exactly (bounds seq and base_version)


class OpEnvelope(Schema):
    class Meta:
        unknown = EXCLUDE  # newer clients may send more; the op fields themselves are strict

    op_id = mf.UUID(required=True)
    entity = mf.String(required=True, validate=validate.OneOf(sorted(SCHEMAS), error="Unknown entity; use one of: {choices}."))
    id = mf.UUID(required=True)
    type = mf.String(required=True, validate=validate.OneOf(["put", "delete"]))
    base_version = mf.Integer(required=True, strict=True, validate=validate.Range(min=0, max=MAX_SEQ))
    fields_ = mf.Dict(keys=mf.String(), load_default=dict, data_key="fields")  # Schema.fields is taken
    edited_at = mf.AwareDateTime(required=True)  # its range is checked per op: see Push.apply
    seq = mf.Integer(strict=True, load_default=None, allow_none=False,  # absent: no seq; null: refused
                     validate=validate.Range(min=0, max=MAX_SEQ))


class PushEnvelope(Schema):
    class Meta:
        unknown = RAISE

    client_id = mf.String(required=True, validate=[validate.Length(min=1, max=64), validate.Regexp(
        CLIENT_ID_RE, error="Use printable characters only (an installation's UUID).")])
    ops = mf.List(mf.Nested(OpEnvelope), required=True)


OP_KEYS = frozenset(("op_id", "entity", "id", "type", "base_version", "fields", "edited_at", "seq"))
ENTITY_NAMES = frozenset(SCHEMAS)


def fast_envelope(body: dict):
    """Parse a well-formed push without marshmallow (500 ops per request); None if anything is off.

    Accepts exactly what PushEnvelope accepts for canonical input (lower-case UUIDs, known entity,
    integer base_version >= 0, ISO instant with zone); everything else takes the slow, explaining path.
    The ops are checked first and only then completed in place ("fields" defaulted, "edited_at"
    parsed), so the slow path always sees the body as it came.
    """
    client_id, ops = body.get("client_id"), body.get("ops")
    if set(body) != {"client_id", "ops"} or not isinstance(client_id, str) or not CLIENT_ID_RE.match(client_id):
        return None
    if not isinstance(ops, list):
        return None
    instants: dict = {}  # a phone sends runs of ops with one timestamp: parse each text once
    parsed = []
    uuid_match = UUID_RE.match
    for op in ops:
        if type(op) is not dict or len(op) < 6 or not OP_KEYS.issuperset(op):
            return None
        fields, base, op_id, rid = op.get("fields", {}), op.get("base_version"), op.get("op_id"), op.get("id")
        entity, seq = op.get("entity"), op.get("seq", 0)
        if (type(entity) is not str or entity not in ENTITY_NAMES or op.get("type") not in ("put", "delete")
                or type(base) is not int or not 0 <= base <= MAX_SEQ or not isinstance(fields, dict)
                or type(seq) is not int or not 0 <= seq <= MAX_SEQ
                or type(op_id) is not str or uuid_match(op_id) is None
                or type(rid) is not str or uuid_match(rid) is None):
            return None
        edited = op.get("edited_at")
        edited_at = instants.get(edited) if type(edited) is str else None
        if edited_at is None:
            try:
                edited_at = datetime.fromisoformat(edited) if isinstance(edited, str) else None
            except ValueError:
                return None
            if edited_at is None or edited_at.tzinfo is None:
                return None
            instants[edited] = edited_at
        parsed.append(edited_at)
    for op, edited_at in zip(ops, parsed):
        if "fields" not in op:
            op["fields"] = {}
        if "seq" not in op:
            op["seq"] = None
        op["edited_at"] = edited_at
    return {"client_id": client_id, "ops": ops}


def slow_envelope(body: dict) -> dict:
    """The envelope through the schema, in the shape fast_envelope gives; raises ValidationError."""
    data = PushEnvelope().load(body)
    for op in data["ops"]:
        op["fields"] = op.pop("fields_")  # "fields" is a Schema attribute: the schema loads it under another name
        op["op_id"], op["id"] = str(op["op_id"]), str(op["id"])
    return data


def load(body: dict) -> dict:
    """{"client_id", "ops"} of a push body, ops with edited_at parsed; raises ValidationError."""
    data = fast_envelope(body)
    return slow_envelope(body) if data is None else data
