"""Write one record through the merge, for REST views, the CLI and the back office."""
from datetime import datetime, timezone

from marshmallow import ValidationError

from .entities import CASCADE, ENTITIES
from .extensions import db
from .models import new_id, new_op_id
from .permissions import Actor, check, create_defaults
from .sync import validation
from .sync.push import Push


class WriteRefused(Exception):
    """A write that was not made, and why, in the operations layer's own terms; the API answers it
    with an HTTP status (api/errors.py), the back office and the CLI with their own words.

    kind: not_found | stale (If-Match) | parent_deleted | forbidden | invalid | duplicate
    """

    def __init__(self, kind: str, message: str, fields: dict | None = None):
        super().__init__(message)
        self.kind, self.message, self.fields = kind, message, fields


def write_one(actor: Actor, entity: str, record_id: str | None, op_type: str, fields: dict,
              if_match: int | None = None, client_id: str | None = None) -> dict:
    """Apply one put/delete now, with If-Match semantics; commit; return the sync result.

    A REST caller acts on the current state, so its base_version is the newest committed version:
    the merge then counts every stored change (children included) as seen and never refuses or
    conflicts. Staleness is the client's to handle through If-Match (412). For the same reason a
    write pointing at a deleted record is refused (409) instead of bringing it back: only an
    offline phone's sync op restores a record (SPEC §5 rule 4), and tells the deleter.
    """
    db.session.commit()  # end any read transaction: the write must start from the counter lock
    push = Push(db.session, actor, client_id or f"rest:{actor.id or 'server'}")
    record_id = record_id or new_id()
    rec = push.store.get(entity, record_id)
    if op_type == "delete" and (rec is None or rec.state.deleted):
        db.session.rollback()
        raise WriteRefused("not_found", f"No {entity} with id {record_id}.")
    if if_match is not None and (rec is None or rec.state.version != if_match):
        db.session.rollback()
        current = rec.state.version if rec else None
        raise WriteRefused("stale", f"The record has changed since version {if_match} (now {current}); "
                            "load it again and retry.")
    if op_type == "put":
        gone = _deleted_references(push, actor, entity, rec, fields)
        if gone:
            db.session.rollback()
            raise WriteRefused("parent_deleted", "Not saved: " + " ".join(m for ms in gone.values() for m in ms),
                               gone)
    op = {"op_id": new_op_id(), "entity": entity, "id": record_id, "type": op_type,
          "base_version": push.versions.start, "fields": fields,
          "edited_at": datetime.now(timezone.utc)}
    [result] = push.run([op])
    if result["status"] == "rejected":
        db.session.rollback()  # the caller sees the error now; nothing to keep for later review
        errors = result["errors"]
        if result.get("reason") == "forbidden":  # the permission rule's own words
            raise WriteRefused("forbidden", " ".join(dict.fromkeys(m for ms in errors.values() for m in ms)), errors)
        if result.get("reason") == "duplicate":  # the body is valid; it clashes with a stored record
            raise WriteRefused("duplicate", " ".join(m for ms in errors.values() for m in ms), errors)
        raise WriteRefused("invalid", f"Not saved: check {', '.join(sorted(errors))}.", errors)
    db.session.commit()
    result["id"] = record_id
    return result


def _deleted_references(push: Push, actor: Actor, entity: str, rec, fields: dict) -> dict:
    """{field: [message]} of the records this put would point at that are deleted.

    Only for a put the merge would otherwise apply: invalid input and a refusal keep their own
    answers (422, 403). The references the put sets are checked, and the stored parents of an
    edited record, which the merge would bring back with it.
    """
    creating = rec is None
    fields = create_defaults(actor, entity, fields) if creating else fields
    try:
        loaded, wire = validation.load(entity, fields, creating)
    except ValidationError:
        return {}
    if check(actor, entity, "put", None if creating else rec.state.values, wire):
        return {}
    gone = {}
    for name, ref in ENTITIES[entity].refs.items():
        if ref.target == "user":
            continue
        if name in loaded:
            target_id = loaded[name]
        elif not creating and ref.mode == CASCADE:
            target_id = rec.state.values.get(name)
        else:
            continue
        if target_id and push.store.deleted(ref.target, target_id):
            gone[name] = [f"The {ref.target} this points at was deleted; choose another."]
    return gone
