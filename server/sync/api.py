"""The /api/sync blueprint: parse and bound the request, call push or pull, respond."""
from flask import Blueprint, current_app, g, request
from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, validate
from marshmallow import fields as mf

from ..api.auth import auth_required
from ..api.errors import ApiError, validation_error
from ..api.json_body import json_body
from ..extensions import csrf, db
from ..schemas.entities import SCHEMAS
from .pull import CursorError, pull
from .push import apply_ops
from .versions import latest

bp = Blueprint("sync", __name__, url_prefix="/api/sync")
csrf.exempt(bp)


class OpEnvelope(Schema):
    class Meta:
        unknown = EXCLUDE  # newer clients may send more; the op fields themselves are strict

    op_id = mf.UUID(required=True)
    entity = mf.String(required=True, validate=validate.OneOf(sorted(SCHEMAS), error="Unknown entity; use one of: {choices}."))
    id = mf.UUID(required=True)
    type = mf.String(required=True, validate=validate.OneOf(["put", "delete"]))
    base_version = mf.Integer(required=True, strict=True, validate=validate.Range(min=0))
    fields_ = mf.Dict(keys=mf.String(), load_default=dict, data_key="fields")  # Schema.fields is taken
    edited_at = mf.AwareDateTime(required=True)


class PushEnvelope(Schema):
    class Meta:
        unknown = RAISE

    client_id = mf.String(required=True, validate=validate.Length(min=1, max=64))
    ops = mf.List(mf.Nested(OpEnvelope), required=True)


@bp.post("/push")
@auth_required()
def push():
    if (request.content_length or 0) > current_app.config["SYNC_MAX_BYTES"]:
        raise ApiError(413, "A push may be at most 2 MiB; send the outbox in smaller batches. Nothing was applied.")
    body = json_body()
    ops = body.get("ops")
    if isinstance(ops, list) and len(ops) > current_app.config["SYNC_MAX_OPS"]:
        raise ApiError(413, f"A push may hold at most {current_app.config['SYNC_MAX_OPS']} ops; "
                            "send the outbox in smaller batches. Nothing was applied.")
    try:
        data = PushEnvelope().load(body)
    except ValidationError as err:
        return validation_error(err.messages, 400)
    ops = [{**op, "op_id": str(op["op_id"]), "id": str(op["id"]), "fields": op.pop("fields_")} for op in data["ops"]]
    db.session.commit()  # end the auth read transaction before taking the write lock
    try:
        results = apply_ops(db.session, g.actor, data["client_id"], ops)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    # The server's newest version after this push. Not a pull cursor: pulling from it could skip
    # other users' changes, so phones keep their own cursor.
    return {"results": results, "cursor": latest(db.session)}


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
        return pull(db.session, g.actor, cursor, limit)
    except CursorError as err:
        raise ApiError(400, str(err), "bad_cursor")
