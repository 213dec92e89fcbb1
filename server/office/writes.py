"""Back-office writes: one record at a time through the operations layer, as REST and sync do.

A page never writes a model itself: `save` and `delete` call `operations.write_one`, so the
permission rule, validation, the merge, the record-changed hook (follow-ups) and the version a
phone pulls next are the same as for every other door.
"""
from dataclasses import dataclass, field

from flask_babel import gettext as _

from ..operations import WriteRefused, write_one
from .access import actor
from .messages import translate_errors


@dataclass
class Outcome:
    """What a write did: `ok` with the record's id and version, or the reason by field."""
    ok: bool
    id: str | None = None
    version: int | None = None
    message: str = ""
    fields: dict = field(default_factory=dict)
    kind: str = ""


def save(entity: str, record_id: str | None, fields: dict, if_match: int | None = None) -> Outcome:
    """Create (record_id None) or patch one record as the logged-in user."""
    return _write(entity, record_id, "put", fields, if_match)


def delete(entity: str, record_id: str, if_match: int | None = None) -> Outcome:
    """Delete one record (and its children, SPEC §5 rule 5) as the logged-in user."""
    return _write(entity, record_id, "delete", {}, if_match)


def _write(entity, record_id, op_type, fields, if_match) -> Outcome:
    try:
        result = write_one(actor(), entity, record_id, op_type, fields, if_match=if_match,
                           client_id=f"office:{actor().id}")
    except WriteRefused as refused:
        return Outcome(False, record_id, message=_message(refused), fields=translate_errors(refused.fields or {}),
                       kind=refused.kind)
    return Outcome(True, result["id"], result.get("version"))


def _message(refused: WriteRefused) -> str:
    """The refusal in the user's language; field-level details stay in `fields`."""
    return {
        "not_found": _("The record no longer exists."),
        "stale": _("Someone changed this record while you were editing it. Your changes were not saved; "
                   "the page now shows the newest version."),
        "parent_deleted": _("Not saved: a record this points at was deleted."),
        "forbidden": _("You may not make this change."),
        "invalid": _("Not saved: check the fields marked below."),
        "duplicate": _("Not saved: another record already has this value."),
    }.get(refused.kind, refused.message)
