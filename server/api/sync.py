"""The /api/sync blueprint (SPEC §5): parse and bound the request, call the sync core's push or
pull, respond. The HTTP side of sync lives here with the other API views; server/sync/ knows no HTTP."""
from flask import Blueprint, current_app, g, request
from marshmallow import ValidationError

from ..extensions import csrf, db
from ..observe.metrics import count_push_results
from ..sync import envelope, gcpause
from ..sync.pull import CursorError, ResyncRequired, pull
from ..sync.push import Push
from ..sync.slim import slim
from .auth import auth_required
from .errors import ApiError, validation_error
from .json_body import json_body, json_response

bp = Blueprint("sync", __name__, url_prefix="/api/sync")
csrf.exempt(bp)


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
    try:
        data = envelope.load(body)
    except ValidationError as err:
        return validation_error(err.messages, 400)
    ops = data["ops"]
    db.session.commit()  # end the auth read transaction before taking the write lock
    try:
        push = Push(db.session, g.actor, data["client_id"])
        results = push.run(ops)
        db.session.commit()
        count_push_results(results)  # /metrics: kentta_sync_push_ops_total by status
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
    omit_empty = request.args.get("omit_empty", "0")
    if omit_empty not in ("0", "1"):
        raise ApiError(400, "omit_empty must be 0 or 1.", "bad_request", {"omit_empty": ["Must be 0 or 1."]})
    try:
        # A page is thousands of short-lived dicts: encoded while the cycle collector is paused,
        # they die by reference counting instead of being walked by a full collection.
        with gcpause.paused():
            page = pull(db.session, g.actor, cursor, limit)
            if omit_empty == "1":  # the app's opt-in: empty fields left out (sync/slim.py)
                page = slim(page)
            return current_app.json.response(page)
    except CursorError as err:
        raise ApiError(400, str(err), "bad_cursor")
    except ResyncRequired as err:  # the cursor predates pruned tombstones (server/maintenance/prune.py)
        raise ApiError(410, str(err), "resync_required")
