"""A batch of ops through the merge rules of SPEC §5, in memory: the whole decision, no I/O.

Given the records a batch touches (a `WorkingSet` over some `Source`) and its ops, `Batch.run`
decides everything: validation and permission refusals, creates, field merges, deletes and the
children they take along (rule 5), restores of deleted parents (rule 4), conflict records for
every value that lost, each client's own ops ordered by `seq`, and each op's result. What it
decided is left in the working set (records to write), `ledger` and `quarantine` (rows to write)
and `version` (the newest version handed out). The push shell (push.py) loads, runs, writes.

Pure: no Flask, SQLAlchemy or feature imports. Validation is passed in (`validate`), so the same
rules as REST apply; the property test runs this module directly on dicts.
"""
from datetime import datetime, timezone

from ..permissions import Actor, check, create_defaults
from .graph import CASCADE, NULLIFY
from .graph import USER as USER_REF  # merge.USER is the user's place in a stamp
from .merge import AT, DELETED, USER, Lost, Op, changed_since, create_meta, merge_delete, merge_put, stamp, unseen

EDITED_AT_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
# Instants outside these years are typing or clock errors (SPEC §5); near year 1 or 9999, turning
# them into UTC would overflow.
EARLIEST = datetime(1900, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(2200, 12, 31, 23, 59, 59, 999999, tzinfo=timezone.utc)
OUT_OF_RANGE = "Must be between the years 1900 and 2200; check the device's date."
SERVER = Actor(id=None, role="admin")


def normalise_instant(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime(EDITED_AT_FORMAT)


class Invalid(Exception):
    """What `validate` raises: {field: [message]}."""

    def __init__(self, errors: dict):
        super().__init__(errors)
        self.errors = errors


class _Answer:
    """One op's answer as it is being made: its status, errors, why it was refused, what lost."""
    __slots__ = ("entity", "id", "lost", "reason", "points_at_tombstone")

    def __init__(self, entity: str, record_id: str):
        self.entity, self.id, self.lost, self.reason, self.points_at_tombstone = entity, record_id, [], "invalid", False


class Batch:
    def __init__(self, working, graph, *, actor: Actor, client_id: str, now: datetime, start_version: int,
                 validate, new_id, seen: dict | None = None):
        self.working, self.graph = working, graph
        self.actor, self.client_id, self.now = actor, client_id, now
        self.at = now.astimezone(timezone.utc).replace(tzinfo=None)  # as stored: naive UTC
        self.start = self.version = start_version  # the newest version committed before this batch
        self.validate = validate    # (entity, fields, creating, current values) -> (stored, wire); raises Invalid
        self.new_id = new_id        # () -> a new record id (conflict records)
        self.results = dict(seen or {})  # op_id -> result: ops answered before are not applied again
        self.ledger: list = []      # rows for the op ledger, in ledger.COLUMNS order
        self.quarantine: list = []  # rejected ops, kept for review
        self._instants: dict = {}

    def next_version(self) -> int:
        self.version += 1
        return self.version

    def run(self, ops: list) -> list:
        """Apply ops (SPEC §5 shape, edited_at an aware datetime) in order; return their results."""
        return [self.apply(op) for op in ops]

    def run_as_server(self, client_id: str, ops: list) -> list:
        """Apply ops as the server itself (server-made records), under its own client id."""
        actor, own_client = self.actor, self.client_id
        self.actor, self.client_id = SERVER, client_id
        try:
            return self.run(ops)
        finally:
            self.actor, self.client_id = actor, own_client

    # ---- one op ------------------------------------------------------------------------------
    def apply(self, raw: dict) -> dict:
        op_id = raw["op_id"]
        if op_id in self.results:
            return self.results[op_id]
        answer = _Answer(raw["entity"], raw["id"])
        if not EARLIEST <= raw["edited_at"] <= LATEST:  # a wildly wrong clock: the user must see it
            status, errors = "rejected", {"edited_at": [OUT_OF_RANGE]}
        elif raw.get("base_version", 0) > self.start:
            # No client can have seen a version the server has not made; trusting it would count
            # every stored change as seen and let an older edit overwrite a newer one unseen.
            status, errors = "rejected", {"base_version": [
                f"The server's newest version is {self.start}; a record cannot have been seen at a later one."]}
        elif raw["type"] == "delete":
            status, errors = self.delete(self.op(raw, {}), answer)
        else:
            status, errors = self.put(raw, raw.get("fields") or {}, answer)
        if status != "rejected" and answer.lost:
            status = "conflict"
        rec = self.working.cache.get((answer.entity, answer.id))
        result = {"op_id": op_id, "status": status, "version": rec.state.version if rec else 0,
                  "conflicts": answer.lost, "errors": errors}
        if status == "rejected":
            result["reason"] = answer.reason  # "invalid", "forbidden" or "duplicate": REST answers 422, 403, 409
            self.quarantine.append(dict(op_id=op_id, client_id=self.client_id, user_id=self.actor.id,
                                        entity=answer.entity, record_id=answer.id, op=_jsonable(raw),
                                        errors=errors, created_at=self.at, resolved=False))
        self.results[op_id] = result
        self.ledger.append((op_id, self.client_id, self.actor.id, answer.entity, answer.id, status,  # ledger.COLUMNS
                            result["version"], None if status == "applied" else result, self.at))
        return result

    def op(self, raw: dict, fields: dict) -> Op:
        """The merge's view of an op: edited_at clamped and normalised, validated wire fields."""
        device = raw["edited_at"]
        edited_at = self._instants.get(device)
        if edited_at is None:  # phones send runs of ops with one timestamp
            edited_at = self._instants[device] = normalise_instant(min(device, self.now))  # a clock ahead is clamped
        return Op(raw["op_id"], raw["entity"], raw["id"], raw["type"], raw.get("base_version", 0), fields,
                  edited_at, self.client_id, self.actor.id, raw.get("seq"))

    def put(self, raw: dict, fields: dict, answer: _Answer):
        entity = raw["entity"]
        rec = self.working.get(entity, raw["id"])
        creating = rec is None
        current = None if creating else rec.state.values
        if creating:
            fields = create_defaults(self.actor, entity, fields)
        try:
            stored, wire = self.validate(entity, fields, creating, current)
        except Invalid as invalid:
            return "rejected", invalid.errors
        errors = check(self.actor, entity, "put", current, wire)
        if errors:
            answer.reason = "forbidden"
            return "rejected", errors
        op = self.op(raw, wire)
        errors = self.check_references(op, stored, answer)
        if errors:
            return "rejected", errors
        version = self.next_version()
        if creating:  # nothing to merge with (merge.create_meta is merge_put's create case)
            rec = self.working.create(entity, op.id, stored, wire, version, create_meta(op, version))
            if answer.points_at_tombstone:  # what a live record points at must be alive
                self.revive_parents(op, rec, answer, self.graph.loose[entity])
            return "applied", {}
        outcome = merge_put(rec.state, op, version)
        if outcome.changes or outcome.restore:
            self.working.update(rec, {name: stored[name] for name in outcome.changes}, outcome.changes,
                                outcome.meta, version, False if outcome.restore else None)
        self.record_lost(op, entity, op.id, outcome.lost, answer)
        if self.graph.parents[entity] or answer.points_at_tombstone:
            # a stored loose reference is live (a delete clears it): only the op's own can be dead
            loose = {f: t for f, t in self.graph.loose[entity].items() if f in op.fields}
            self.revive_parents(op, rec, answer, loose)
        return "applied", {}

    def delete(self, op: Op, answer: _Answer):
        rec = self.working.get(op.entity, op.id)
        if rec is None:
            return "rejected", {"id": [f"No {op.entity} with this id exists."]}
        errors = check(self.actor, op.entity, "delete", rec.state.values, {})
        if errors:
            answer.reason = "forbidden"
            return "rejected", errors
        family = self.descendants(rec)
        children_changed = any(changed_since(child.state.meta, op) for child in family)
        version = self.next_version()
        outcome = merge_delete(rec.state, op, version, children_changed)
        if outcome.touch:
            self.working.update(rec, {}, {}, {}, version)
        if outcome.delete:
            self.working.update(rec, {}, {}, outcome.meta, version, deleted=True)
            for child in family:
                if not child.state.deleted:
                    v = self.next_version()
                    self.working.update(child, {}, {}, {DELETED: stamp(op, v)}, v, deleted=True)
            for gone in [rec, *family]:
                self.clear_loose_references(op, gone)
        self.record_lost(op, op.entity, op.id, outcome.lost, answer)
        return "applied", {}

    # ---- references, cascades, restores, conflicts --------------------------------------------
    def check_references(self, op: Op, stored: dict, answer: _Answer) -> dict:
        """Errors of the op's references; notes whether one points at a tombstone."""
        errors = {}
        for name, ref in self.graph.refs[op.entity]:
            target_id = stored.get(name)
            if target_id is None:
                continue
            if ref.mode == USER_REF:
                exists = self.working.user_exists(target_id)
            else:
                deleted = self.working.deleted(ref.target, target_id)
                exists = deleted is not None
                answer.points_at_tombstone = answer.points_at_tombstone or bool(deleted)
            if not exists:
                errors[name] = [f"No {ref.target} with this id exists."]
            elif target_id == op.id:
                errors[name] = ["A record cannot refer to itself."]
            elif ref.target == op.entity and self.makes_loop(op, name, target_id):
                errors[name] = [f"This {op.entity} is already above the chosen one; the chain would go round in a loop."]
        business_id = stored.get("business_id")
        if op.entity == "customer" and business_id and self.working.business_id_taken(business_id, op.id):
            errors["business_id"] = ["Another customer already has this Y-tunnus."]
            if len(errors) == 1:  # valid in itself, it clashes with what is stored: REST answers 409
                answer.reason = "duplicate"
        return errors

    def makes_loop(self, op: Op, name: str, target_id: str) -> bool:
        """Whether pointing `name` at target_id would close a loop (A -> B -> A) through that field."""
        seen = set()
        while target_id and target_id not in seen:
            if target_id == op.id:
                return True
            seen.add(target_id)
            rec = self.working.get(op.entity, target_id)
            target_id = rec.state.values.get(name) if rec is not None else None
        return bool(target_id)  # a loop already stored above (never made here): refuse to join it

    def descendants(self, rec) -> list:
        """Records a delete of `rec` takes with it (SPEC §5 rule 5), depth first."""
        out, stack, seen = [], [rec], {(rec.entity, rec.id)}
        while stack:
            node = stack.pop()
            for _field, mode, child in self.working.children(node.entity, node.id):
                if mode == CASCADE and (child.entity, child.id) not in seen:
                    seen.add((child.entity, child.id))
                    out.append(child)
                    stack.append(child)
        return out

    def clear_loose_references(self, op: Op, gone) -> None:
        """Live records that loosely point at a deleted one lose the pointer, not their life."""
        for name, mode, child in self.working.children(gone.entity, gone.id):
            if mode == NULLIFY and not child.state.deleted:
                v = self.next_version()
                self.working.update(child, {name: None}, {name: None}, {name: stamp(op, v)}, v)

    def revive_parents(self, op: Op, rec, answer: _Answer, loose: dict | None = None) -> None:
        """A live record's parents, and the records its `loose` references name, must be alive
        (SPEC §5 rule 5): restore them, telling whoever deleted them."""
        for name, target in (self.graph.parents[rec.entity] | (loose or {})).items():
            parent_id = rec.state.values.get(name)
            if not parent_id or not self.working.deleted(target, parent_id):
                continue
            parent = self.working.get(target, parent_id)  # a tombstone: loaded whole to restore it
            gone = parent.state.meta.get(DELETED)
            v = self.next_version()
            self.working.update(parent, {}, {}, {DELETED: stamp(op, v)}, v, deleted=False)
            if unseen(gone, op):
                self.record_lost(op, target, parent.id, [Lost(DELETED, False, True, gone[USER], gone[AT], op.user_id)],
                                 answer)
            self.revive_parents(op, parent, answer)

    def record_lost(self, op: Op, entity: str, record_id: str, lost: list, answer: _Answer) -> None:
        """A conflict record for every value that lost (SPEC §5 rule 2), reported in the op's answer."""
        for item in lost:
            v = self.next_version()
            wire = dict(entity=entity, record_id=record_id, field=item.field, kept_value=item.kept_value,
                        lost_value=item.lost_value, lost_by=item.lost_by, kept_by=item.kept_by,
                        lost_edited_at=_wire_instant(item.lost_edited_at), resolved=False)
            stored = {**wire, "lost_edited_at": _parse(item.lost_edited_at)}  # the values are wire values already
            self.working.create("conflict", self.new_id(), stored, wire, v, {})
            entry = {"field": item.field, "kept_value": item.kept_value, "lost_value": item.lost_value}
            if (entity, record_id) != (answer.entity, answer.id):
                entry.update(entity=entity, record_id=record_id)
            answer.lost.append(entry)


def _parse(text):
    """The inverse of normalise_instant, as a naive UTC datetime (how instants are stored)."""
    return None if not text else datetime.fromisoformat(text[:-1])


def _wire_instant(text):
    """A normalised edited_at ("...:00.123456Z") in the wire's form ("...:00Z")."""
    return None if not text else text[:19] + "Z"


def _jsonable(raw: dict) -> dict:
    out = dict(raw)
    edited = out.get("edited_at")
    if isinstance(edited, datetime):  # as sent when out of range (it may not fit in UTC)
        out["edited_at"] = normalise_instant(edited) if EARLIEST <= edited <= LATEST else edited.isoformat()
    return out
