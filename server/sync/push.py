"""Apply a batch of ops in one transaction: ledger, validation, rules, merge, cascades, conflicts.

This is the operations layer: sync pushes, REST writes, imports and server-made records all come
through `apply_ops`, so the merge rules of SPEC §5 hold for every write. It never commits: the
caller owns the transaction, so a failure anywhere leaves nothing behind.
"""
from datetime import datetime, timezone

from marshmallow import ValidationError

from ..entities import ENTITIES, CASCADE, NULLIFY
from ..models import QuarantinedOp, new_op_id
from ..schemas.fast import UUID_RE
from ..schemas.fields import BUSINESS_ID_RE, postal_code_problem
from . import gcpause, hooks, ledger, rules, validation
from .codec import instant
from .hooks import Changed
from .merge import (AT, DELETED, USER, Lost, Op, changed_since, create_meta, merge_delete, merge_put, stamp,
                    unseen)
from .store import Store
from .validation import flatten_errors
from .versions import VersionAllocator

EDITED_AT_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
# Instants outside these years are typing or clock errors (SPEC §5); near year 1 or 9999, turning
# them into UTC would overflow.
EARLIEST = datetime(1900, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(2200, 12, 31, 23, 59, 59, 999999, tzinfo=timezone.utc)
OUT_OF_RANGE = "Must be between the years 1900 and 2200; check the device's date."


def normalise_instant(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime(EDITED_AT_FORMAT)


def apply_ops(session, actor: rules.Actor, client_id: str, ops: list, now: datetime | None = None) -> list:
    """Apply envelope-valid ops (dicts as in SPEC §5, edited_at as aware datetime); return results."""
    return Push(session, actor, client_id, now).run(ops)


class Push:
    def __init__(self, session, actor, client_id, now=None):
        self.session = session
        self.actor = actor
        self.client_id = client_id
        self.versions = VersionAllocator(session)  # first: takes the write lock (see versions.py)
        self.now = now or datetime.now(timezone.utc)
        self.store = Store(session, self.now.replace(tzinfo=None))
        self._instants: dict = {}
        self.ledger: dict = {}
        self.new_ledger: list = []
        self.quarantine: list = []

    def run(self, ops: list) -> list:
        with gcpause.paused():
            return self._run(ops)

    def _run(self, ops: list) -> list:
        self.ledger.update(ledger.seen(self.store.conn, [op["op_id"] for op in ops]))
        targets: dict = {}
        pointed: dict = {}  # records the ops point at: only whether they exist and are alive
        for op in ops:  # one query per entity for the records, one for what they point at
            targets.setdefault(op["entity"], []).append(op["id"])
            fields = op.get("fields") or {}
            for name, target in _POINTERS[op["entity"]]:
                if isinstance(fields.get(name), str) and UUID_RE.match(fields[name]):  # else validation names it
                    pointed.setdefault(target, []).append(fields[name])
        for entity, rids in targets.items():
            self.store.prefetch(entity, rids)
        for op in ops:  # an edit of a stored child checks its parent is alive
            rec = self.store.cache.get((op["entity"], op["id"]))
            if rec is not None:
                for name, target in _PARENTS[op["entity"]].items():
                    if rec.state.values.get(name):
                        pointed.setdefault(target, []).append(rec.state.values[name])
        for entity, rids in pointed.items():
            self.store.prefetch_light(entity, rids)
        self.store.prefetch_business_ids(
            [op["fields"]["business_id"] for op in ops if op["entity"] == "customer"
             and isinstance((op.get("fields") or {}).get("business_id"), str)
             and BUSINESS_ID_RE.match(op["fields"]["business_id"])])

        results = [self.apply(op) for op in ops]
        if hooks.registered():
            hooks.records_changed(self, [Changed(op["entity"], op["id"], op["type"], frozenset(op.get("fields") or ()))
                                         for op, result in zip(ops, results) if result["status"] != "rejected"])
        self.store.flush()
        ledger.write(self.store.conn, self.new_ledger)
        if self.quarantine:
            self.session.execute(QuarantinedOp.__table__.insert(), self.quarantine)
        self.versions.finish()
        return results

    # ---- what a record-changed hook may do (hooks.ServerWrites) --------------------------------
    def records(self, entity: str, ids: list) -> dict:
        self.store.prefetch(entity, ids)
        found = {rid: self.store.get(entity, rid) for rid in ids}
        return {rid: rec.state for rid, rec in found.items() if rec is not None}

    def apply_as_server(self, client_id: str, ops: list) -> list:
        actor, own_client = self.actor, self.client_id
        self.actor, self.client_id = rules.Actor(id=None, role="admin"), client_id
        try:
            return [self.apply(op) for op in ops]
        finally:
            self.actor, self.client_id = actor, own_client

    # ---- one op ------------------------------------------------------------------------------
    def apply(self, raw: dict) -> dict:
        if raw["op_id"] in self.ledger:
            return self.ledger[raw["op_id"]]
        entity, record_id, op_id = raw["entity"], raw["id"], raw["op_id"]
        self.lost: list = []
        self.reason = "invalid"
        self.current_entity, self.current_id = entity, record_id
        if not EARLIEST <= raw["edited_at"] <= LATEST:  # a wildly wrong clock: the user must see it
            status, errors = "rejected", {"edited_at": [OUT_OF_RANGE]}
        elif raw.get("base_version", 0) > self.versions.start:
            # No client can have seen a version the server has not made; trusting it would count
            # every stored change as seen and let an older edit overwrite a newer one unseen.
            status, errors = "rejected", {"base_version": [
                f"The server's newest version is {self.versions.start}; a record cannot have been seen at a later one."]}
        elif raw["type"] == "delete":
            status, errors = self.delete(self.op(raw, {}))
        else:
            status, errors = self.put(raw, raw.get("fields") or {})
        rec = self.store.cache.get((entity, record_id))
        result = {"op_id": op_id, "status": status, "version": rec.state.version if rec else 0,
                  "conflicts": self.lost, "errors": errors}
        if status == "rejected":
            result["reason"] = self.reason  # "invalid", "forbidden" or "duplicate": REST answers 422, 403, 409
        self.ledger[op_id] = result
        plain = status == "applied" and not self.lost
        self.new_ledger.append((op_id, self.client_id, self.actor.id, entity, record_id, status,  # ledger.COLUMNS
                                result["version"], None if plain else result, self.store.now))
        if status == "rejected":
            self.quarantine.append(dict(op_id=op_id, client_id=self.client_id, user_id=self.actor.id,
                                        entity=entity, record_id=record_id, op=_jsonable(raw), errors=errors,
                                        created_at=self.now.replace(tzinfo=None), resolved=False))
        return result

    def op(self, raw: dict, fields: dict) -> Op:
        """The merge's view of an op: instants clamped and normalised, validated wire fields."""
        device = raw["edited_at"]
        edited_at = self._instants.get(device)
        if edited_at is None:  # phones send runs of ops with one timestamp
            edited_at = self._instants[device] = normalise_instant(min(device, self.now))  # a clock ahead is clamped
        # positional: a named tuple built by keywords cost twice as much, once per op
        return Op(raw["op_id"], raw["entity"], raw["id"], raw["type"], raw.get("base_version", 0), fields,
                  edited_at, self.client_id, self.actor.id, raw.get("seq"))

    def put(self, raw: dict, fields: dict):
        entity_name = raw["entity"]
        rec = self.store.get(entity_name, raw["id"])
        creating = rec is None
        if creating:
            fields = rules.create_defaults(self.actor, entity_name, fields)
        try:
            loaded, wire = validation.load(entity_name, fields, creating)
        except ValidationError as err:
            return "rejected", flatten_errors(err.messages)
        if not creating and wire.get("postal_code") and "country" not in wire:
            problem = postal_code_problem(wire["postal_code"], rec.state.values.get("country"))
            if problem:  # the schema saw the code alone; the record says which country it is in
                return "rejected", {"postal_code": [problem]}
        errors = rules.check(self.actor, entity_name, "put", None if creating else rec.state.values, wire)
        if errors:
            self.reason = "forbidden"
            return "rejected", errors
        op = self.op(raw, wire)
        errors = self.check_references(op, loaded)
        if errors:
            return "rejected", errors
        version = self.versions.next()
        if creating:  # nothing to merge with (merge.create_meta is merge_put's create case)
            rec = self.store.create(op.entity, op.id, loaded, version, create_meta(op, version), wire)
            if self.tombstone_ref:  # what a live record points at must be alive (else all of it is)
                self.revive_parents(op, rec, _LOOSE[op.entity])
            return ("conflict" if self.lost else "applied"), {}
        outcome = merge_put(rec.state, op, version)
        if outcome.changes or outcome.restore:
            native = {name: loaded[name] for name in outcome.changes}
            self.store.update(rec, native, outcome.meta, version, False if outcome.restore else None, outcome.changes)
        if outcome.lost:
            self.record_lost(op.entity, op.id, outcome.lost)
        if _PARENTS[rec.entity] or self.tombstone_ref:
            # a stored loose reference is live (a delete clears it): only the op's own can be dead
            self.revive_parents(op, rec, {f: t for f, t in _LOOSE[rec.entity].items() if f in op.fields})
        return ("conflict" if self.lost else "applied"), {}

    def delete(self, op: Op):
        rec = self.store.get(op.entity, op.id)
        if rec is None:
            return "rejected", {"id": [f"No {op.entity} with this id exists."]}
        errors = rules.check(self.actor, op.entity, "delete", rec.state.values, {})
        if errors:
            self.reason = "forbidden"
            return "rejected", errors
        family = self.descendants(rec)
        children_changed = any(changed_since(child.state.meta, op) for child in family)
        version = self.versions.next()
        outcome = merge_delete(rec.state, op, version, children_changed)
        if outcome.touch:
            self.store.update(rec, {}, {}, version)
        if outcome.delete:
            self.store.update(rec, {}, outcome.meta, version, deleted=True)
            for child in family:
                if not child.state.deleted:
                    v = self.versions.next()
                    self.store.update(child, {}, {DELETED: stamp(op, v)}, v, deleted=True)
            for gone in [rec, *family]:
                self.clear_loose_references(op, gone)
        self.record_lost(op.entity, op.id, outcome.lost)
        return ("conflict" if self.lost else "applied"), {}

    # ---- helpers ---------------------------------------------------------------------------
    def check_references(self, op: Op, loaded: dict) -> dict:
        """Errors of the op's references; notes in self.tombstone_ref whether one points at a tombstone."""
        errors = {}
        self.tombstone_ref = False
        for name, ref in _REFS[op.entity]:
            target_id = loaded.get(name)
            if target_id is None:
                continue
            if ref.target == "user":
                exists = self.store.user_exists(target_id)
            else:
                deleted = self.store.deleted(ref.target, target_id)
                exists = deleted is not None
                self.tombstone_ref = self.tombstone_ref or bool(deleted)
            if not exists:
                errors[name] = [f"No {ref.target} with this id exists."]
            elif target_id == op.id:
                errors[name] = ["A record cannot refer to itself."]
            elif ref.target == op.entity and self.makes_loop(op, name, target_id):
                errors[name] = [f"This {op.entity} is already above the chosen one; the chain would go round in a loop."]
        business_id = loaded.get("business_id")
        if op.entity == "customer" and business_id and self.store.business_id_taken(business_id, op.id):
            errors["business_id"] = ["Another customer already has this Y-tunnus."]
            if len(errors) == 1:  # valid in itself, it clashes with what is stored: REST answers 409
                self.reason = "duplicate"
        return errors

    def makes_loop(self, op: Op, name: str, target_id: str) -> bool:
        """Whether pointing `name` at target_id would close a loop (A -> B -> A) through that field."""
        seen = set()
        while target_id and target_id not in seen:
            if target_id == op.id:
                return True
            seen.add(target_id)
            rec = self.store.get(op.entity, target_id)
            target_id = rec.state.values.get(name) if rec is not None else None
        return bool(target_id)  # a loop already stored above (never made here): refuse to join it

    def descendants(self, rec) -> list:
        """Records a delete of `rec` takes with it (SPEC §5 rule 5), depth first."""
        out, stack, seen = [], [rec], {(rec.entity, rec.id)}
        while stack:
            node = stack.pop()
            for _field, mode, child in self.store.children(node.entity, node.id):
                if mode == CASCADE and (child.entity, child.id) not in seen:
                    seen.add((child.entity, child.id))
                    out.append(child)
                    stack.append(child)
        return out

    def clear_loose_references(self, op: Op, gone) -> None:
        """Live records that loosely point at a deleted one lose the pointer, not their life."""
        for name, mode, child in self.store.children(gone.entity, gone.id):
            if mode == NULLIFY and not child.state.deleted:
                v = self.versions.next()
                self.store.update(child, {name: None}, {name: stamp(op, v)}, v)

    def revive_parents(self, op: Op, rec, loose: dict | None = None) -> None:
        """A live record's parents, and the records its `loose` references name, must be alive
        (SPEC §5 rule 5): restore them, telling whoever deleted them."""
        for name, target in (_PARENTS[rec.entity] | (loose or {})).items():
            parent_id = rec.state.values.get(name)
            if not parent_id or not self.store.deleted(target, parent_id):
                continue
            parent = self.store.get(target, parent_id)  # a tombstone: load it whole to restore it
            gone = parent.state.meta.get(DELETED)
            v = self.versions.next()
            self.store.update(parent, {}, {DELETED: stamp(op, v)}, v, deleted=False)
            if unseen(gone, op):
                self.record_lost(target, parent.id, [_revived(gone, op)])
            self.revive_parents(op, parent)

    def record_lost(self, entity: str, record_id: str, lost: list) -> None:
        for item in lost:
            v = self.versions.next()
            lost_at = _parse(item.lost_edited_at)
            native = dict(entity=entity, record_id=record_id, field=item.field, kept_value=item.kept_value,
                          lost_value=item.lost_value, lost_by=item.lost_by, kept_by=item.kept_by,
                          lost_edited_at=lost_at, resolved=False)
            wire = {**native, "lost_edited_at": instant(lost_at)}  # the values are wire values already
            self.store.create("conflict", new_op_id(), native, v, {}, wire)
            entry = {"field": item.field, "kept_value": item.kept_value, "lost_value": item.lost_value}
            if (entity, record_id) != (self.current_entity, self.current_id):
                entry.update(entity=entity, record_id=record_id)
            self.lost.append(entry)


_PARENTS = {name: entity.parents() for name, entity in ENTITIES.items()}
_LOOSE = {name: {f: ref.target for f, ref in entity.refs.items() if ref.mode == NULLIFY}
          for name, entity in ENTITIES.items()}
_REFS = {name: tuple(entity.refs.items()) for name, entity in ENTITIES.items()}
_POINTERS = {name: [(field, ref.target) for field, ref in entity.refs.items() if ref.target != "user"]
             for name, entity in ENTITIES.items()}  # references to records (not users), per entity
def _revived(gone, op):
    return Lost(DELETED, False, True, gone[USER], gone[AT], op.user_id)


def _parse(text):
    # The inverse of normalise_instant; fromisoformat is ~20 times faster than strptime
    return None if not text else datetime.fromisoformat(text[:-1])


def _jsonable(raw: dict) -> dict:
    out = dict(raw)
    edited = out.get("edited_at")
    if isinstance(edited, datetime):  # as sent when out of range (it may not fit in UTC)
        out["edited_at"] = normalise_instant(edited) if EARLIEST <= edited <= LATEST else edited.isoformat()
    return out
