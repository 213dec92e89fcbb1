"""The merge rules of SPEC §5, as pure functions over plain data.

No session, no Flask: the push shell loads the current state, calls these, and stores what they
return. Keeping the rules here is what lets REST, sync, import and server rules share one
behaviour, and what makes the property tests cheap.

Field metadata is a list [version, edited_at, client_id, op_id, user_id, seq]: the change that last
set the field (stored packed, see codec/meta.py). edited_at is a fixed-width UTC string, so string order
is time order. seq is the op's place in its client's outbox (None when the client sent none).

Two orders, never mixed: one client's own edits are ordered by their seq, because a device clock
jumps and gets corrected; edits of different clients are ordered by edited_at (clamped to server
time), because nothing else relates them.
"""
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Optional

DELETED = "deleted"  # meta key and conflict field for delete/restore decisions
V, AT, CLIENT, OP, USER, SEQ = range(6)


class Op(NamedTuple):
    """An op as the merge sees it; immutable (a named tuple: made once per op, cheaper than a
    frozen dataclass)."""
    op_id: str
    entity: str
    id: str
    type: str               # "put" | "delete"
    base_version: int
    fields: dict            # wire values, already validated
    edited_at: str          # normalised, already clamped to server time
    client_id: str
    user_id: Optional[str]
    seq: Optional[int] = None  # the op's place in its client's outbox: orders one client's own ops


@dataclass(slots=True)
class State:
    """A record as stored: wire values, per-field meta, tombstone flag, version."""
    values: dict
    meta: dict
    deleted: bool
    version: int


@dataclass(frozen=True)
class Lost:
    """One field of one record where a value lost; becomes a conflict record."""
    field: str
    kept_value: Any
    lost_value: Any
    lost_by: Optional[str]
    lost_edited_at: Optional[str]
    kept_by: Optional[str]


@dataclass(slots=True)
class Outcome:
    status: str                                  # applied | conflict
    changes: dict = field(default_factory=dict)  # field -> new wire value
    meta: dict = field(default_factory=dict)     # field -> new meta entry
    lost: list = field(default_factory=list)     # [Lost]
    restore: bool = False                        # a tombstone comes back to life
    delete: bool = False                         # the record becomes a tombstone
    touch: bool = False                          # new version without field changes (refused delete)


def stamp(op: Op, version: int) -> list:
    return [version, op.edited_at, op.client_id, op.op_id, op.user_id, op.seq]


def unseen(meta_entry: Optional[list], op: Op) -> bool:
    """True when the change behind meta_entry happened after the op's base and by another client."""
    return bool(meta_entry) and meta_entry[V] > op.base_version and meta_entry[CLIENT] != op.client_id


def stale_own(meta_entry: Optional[list], op: Op) -> bool:
    """True when this client itself set the field with an op it made after this one (a late request).

    Only seq says so: a client's clock may have been years ahead for its earlier op. Without a seq
    on either side (an integration that sends none) the client's ops stand in order of arrival.
    """
    return (bool(meta_entry) and meta_entry[CLIENT] == op.client_id and op.seq is not None
            and len(meta_entry) > SEQ and meta_entry[SEQ] is not None and meta_entry[SEQ] > op.seq)


def incoming_wins(meta_entry: list, op: Op) -> bool:
    """Later edited_at wins; a tie goes to the larger op_id."""
    return (op.edited_at, op.op_id) > (meta_entry[AT], meta_entry[OP])


def create_meta(op: Op, version: int) -> dict:
    """The metadata of a new record: every field it was created with, stamped by its one change."""
    return dict.fromkeys(op.fields, stamp(op, version))


def merge_put(current: Optional[State], op: Op, version: int) -> Outcome:
    """Apply a put (create or field patch) to the current state of a record."""
    if current is None:  # a create: every field is new
        return Outcome("applied", dict(op.fields), create_meta(op, version), [])
    mine = stamp(op, version)  # one list shared by every field this op sets: stored once (see codec/meta.py)
    out = Outcome(status="applied")

    if current.deleted and stale_own(current.meta.get(DELETED), op):
        return out  # the phone deleted the record after making this edit
    if current.deleted:
        out.restore = True
        out.meta[DELETED] = mine
        gone = current.meta.get(DELETED)
        if unseen(gone, op):  # someone deleted what this user was editing: the edit wins, say so
            out.lost.append(Lost(DELETED, False, True, gone[USER], gone[AT], op.user_id))

    for name, value in op.fields.items():
        old = current.values.get(name)
        entry = current.meta.get(name)
        if stale_own(entry, op):
            continue  # the phone's own later edit of this field stands
        if not unseen(entry, op):
            if value != old or current.deleted:
                out.changes[name] = value
                out.meta[name] = mine
        elif value != old:  # a real concurrent edit of the same field
            if incoming_wins(entry, op):
                out.changes[name] = value
                out.meta[name] = mine
                out.lost.append(Lost(name, value, old, entry[USER], entry[AT], op.user_id))
            else:
                out.lost.append(Lost(name, old, value, op.user_id, op.edited_at, entry[USER]))
    if out.lost:
        out.status = "conflict"
    return out


def merge_delete(current: State, op: Op, version: int, children_changed: bool) -> Outcome:
    """Delete a record unless someone changed it (or a child it would take along) unseen."""
    if current.deleted:
        return Outcome(status="applied")
    changed = children_changed or any(
        unseen(entry, op) or stale_own(entry, op) for name, entry in current.meta.items() if name != DELETED
    )
    if changed:  # a concurrent edit beats a delete: keep the record, tell the deleter
        return Outcome(status="conflict", touch=True,
                       lost=[Lost(DELETED, False, True, op.user_id, op.edited_at, None)])
    return Outcome(status="applied", delete=True, meta={DELETED: stamp(op, version)})


def changed_since(meta: dict, op: Op) -> bool:
    """Whether any change recorded in `meta` is unseen by the op (used for a delete's children)."""
    return any(unseen(entry, op) or stale_own(entry, op) for entry in meta.values())
