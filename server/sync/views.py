"""The /api/sync blueprint: parse and bound the request, call push or pull, respond."""
import re
from datetime import datetime

from flask import Blueprint, current_app, g, request
from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, validate
from marshmallow import fields as mf

from ..api.auth import auth_required
from ..api.errors import ApiError, validation_error
from ..api.json_body import json_body, json_response
from ..extensions import csrf, db
from ..schemas.entities import SCHEMAS
from ..schemas.fast import UUID_RE
from . import gcpause
from .pull import CursorError, pull
from .push import Push

bp = Blueprint("sync", __name__, url_prefix="/api/sync")
csrf.exempt(bp)


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


@bp.post("/push")
@auth_required()
def push():
    with gcpause.paused():  # parsing 500 ops is part of the push's garbage, too (see gcpause.py)
        return _push()


def _push():
    body = json_body()  # a body over 2 MiB, announced or chunked, never gets here (api/json_body.py)
    ops = body.get("ops")
    if isinstance(ops, list) and len(ops) > current_app.config["SYNC_MAX_OPS"]:
        raise ApiError(413, f"A push may hold at most {current_app.config['SYNC_MAX_OPS']} ops; "
                            "send the outbox in smaller batches. Nothing was applied.")
    data = fast_envelope(body)
    if data is None:  # something is off: let marshmallow find it and name it
        try:
            data = PushEnvelope().load(body)
        except ValidationError as err:
            return validation_error(err.messages, 400)
        data["ops"] = [{**op, "op_id": str(op["op_id"]), "id": str(op["id"]), "fields": op.pop("fields_")}
                       for op in data["ops"]]
    ops = data["ops"]
    db.session.commit()  # end the auth read transaction before taking the write lock
    try:
        push = Push(db.session, g.actor, data["client_id"])
        results = push.run(ops)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    # The server's newest version after this push (the push held the counter's lock until its
    # commit, so nothing newer existed then). Not a pull cursor: pulling from it could skip other
    # users' changes, so phones keep their own cursor.
    # Encoded here, while the collector is still paused: the push's objects then die by reference
    # counting before it resumes, instead of being walked by it.
    return json_response({"results": results, "cursor": push.versions.value})


@bp.get("/pull")
@auth_required()
def pull_view():
    try:
        cursor = int(request.args.get("cursor", "0"))
        limit = int(request.args.get("limit", current_app.config["PULL_DEFAULT_LIMIT"]))
    except ValueError:
        raise ApiError(400, "cursor and limit must be whole numbers.", "bad_cursor")
    if cursor < 0:
        raise ApiError(400, "The cursor must not be negative.", "bad_cursor")
    if not 1 <= limit <= current_app.config["PULL_MAX_LIMIT"]:
        raise ApiError(400, f"limit must be between 1 and {current_app.config['PULL_MAX_LIMIT']}.", "bad_request")
    try:
        # A page is thousands of short-lived dicts: encoded while the cycle collector is paused,
        # they die by reference counting instead of being walked by a full collection.
        with gcpause.paused():
            return current_app.json.response(pull(db.session, g.actor, cursor, limit))
    except CursorError as err:
        raise ApiError(400, str(err), "bad_cursor")
