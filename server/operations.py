"""Write one record through the merge, for REST views, the CLI and the back office."""
from datetime import datetime, timezone

from .api.errors import ApiError
from .extensions import db
from .models import new_id, new_op_id
from .sync.push import Push
from .sync.rules import Actor


def write_one(actor: Actor, entity: str, record_id: str | None, op_type: str, fields: dict,
              if_match: int | None = None, client_id: str | None = None) -> dict:
    """Apply one put/delete now, with If-Match semantics; commit; return the sync result.

    A REST caller acts on the current state, so its base_version is the newest committed version:
    the merge then counts every stored change (children included) as seen and never refuses or
    conflicts. Staleness is the client's to handle through If-Match (412).
    """
    db.session.commit()  # end any read transaction: the write must start from the counter lock
    push = Push(db.session, actor, client_id or f"rest:{actor.id or 'server'}")
    record_id = record_id or new_id()
    rec = push.store.get(entity, record_id)
    if op_type == "delete" and (rec is None or rec.state.deleted):
        db.session.rollback()
        raise ApiError(404, f"No {entity} with id {record_id}.")
    if if_match is not None and (rec is None or rec.state.version != if_match):
        db.session.rollback()
        current = rec.state.version if rec else None
        raise ApiError(412, f"The record has changed since version {if_match} (now {current}); "
                            "load it again and retry.")
    op = {"op_id": new_op_id(), "entity": entity, "id": record_id, "type": op_type,
          "base_version": push.versions.start, "fields": fields,
          "edited_at": datetime.now(timezone.utc)}
    [result] = push.run([op])
    if result["status"] == "rejected":
        db.session.rollback()  # the caller sees the error now; nothing to keep for later review
        status = 403 if result.get("reason") == "forbidden" else 422
        names = ", ".join(sorted(result["errors"]))
        raise ApiError(status, f"Not saved: check {names}.",
                       "forbidden" if status == 403 else "validation_error", result["errors"])
    db.session.commit()
    result["id"] = record_id
    return result
