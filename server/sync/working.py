"""The records one batch of ops works on, in memory: loaded once, changed by the merge, written once.

Pure: what is stored comes from a `Source` (the push's shell answers from the database, the pure
property test from a dict), and what changed is read back by the shell to write it. A record here
always holds its whole current wire view (`state`), so the merge never looks at the database.
"""
from dataclasses import dataclass, field
from typing import Protocol

from .merge import State


class Source(Protocol):
    """Where the stored records come from (each call covers many ids: one query per call)."""

    def records(self, entity: str, ids: list) -> dict:
        """{id: State} of those that exist (tombstones included)."""

    def flags(self, entity: str, ids: list) -> dict:
        """{id: deleted flag} of those that exist."""

    def child_ids(self, entity: str, field: str, parent_id: str) -> list:
        """Ids of the stored records of `entity` whose `field` is parent_id."""

    def business_id_holders(self, values: list) -> list:
        """Ids of the stored customers holding one of these Y-tunnus values."""

    def user_ids(self) -> set:
        """Every user's id."""


@dataclass(slots=True)
class Rec:
    entity: str
    id: str
    state: State                  # wire view for the merge: every field, always current
    native: dict                  # stored values to write: all of a new record's, else what changed
    new: bool = False
    dirty: bool = False
    touched: set = field(default_factory=set)  # fields an update sets


class WorkingSet:
    def __init__(self, source: Source, defaults: dict, children_of: dict):
        self.source = source
        self.defaults = defaults          # entity -> wire values of a new record's unset fields
        self.children_of = children_of    # entity -> [(child entity, field, mode)]
        self.cache: dict = {}             # (entity, id) -> Rec | None
        self.light: dict = {}             # (entity, id) -> deleted flag | None: records only pointed at
        self.created: list = []           # new records in creation order: a parent is always made first
        self._checked_bids: set = set()
        self._holders: dict = {}          # Y-tunnus -> ids of cached customers holding it
        self._users = None

    # ---- reading ----------------------------------------------------------------------------
    def prefetch(self, entity: str, ids) -> None:
        missing = [i for i in set(ids) if (entity, i) not in self.cache]
        if not missing:
            return
        found = self.source.records(entity, missing)
        for rid in missing:
            state = found.get(rid)
            rec = self.cache[(entity, rid)] = None if state is None else Rec(entity, rid, state, {})
            if rec is not None and entity == "customer":
                self._track_bid(rec)

    def prefetch_light(self, entity: str, ids) -> None:
        """Learn only whether records a batch points at exist, and are alive."""
        missing = [i for i in set(ids) if (entity, i) not in self.cache and (entity, i) not in self.light]
        if missing:
            found = self.source.flags(entity, missing)
            for rid in missing:
                self.light[(entity, rid)] = found.get(rid)

    def deleted(self, entity: str, record_id: str):
        """The record's tombstone flag, or None when it does not exist."""
        key = (entity, record_id)
        if key in self.cache:  # loaded whole, or made or changed in this batch: always current
            rec = self.cache[key]
            return None if rec is None else rec.state.deleted
        if key not in self.light:
            self.prefetch_light(entity, [record_id])
        return self.light[key]  # only ever read for records this batch has not touched

    def get(self, entity: str, record_id: str):
        if (entity, record_id) not in self.cache:
            self.prefetch(entity, [record_id])
        return self.cache[(entity, record_id)]

    def user_exists(self, user_id: str) -> bool:
        if self._users is None:
            self._users = self.source.user_ids()
        return user_id in self._users

    def children(self, entity: str, record_id: str) -> list:
        """[(field, mode, Rec)] of every record that references this one, stored or new."""
        out = []
        for child, fname, mode in self.children_of[entity]:
            ids = self.source.child_ids(child, fname, record_id)
            self.prefetch(child, ids)
            seen = set()
            for rid in ids:
                rec = self.cache[(child, rid)]
                if rec is not None and rec.state.values[fname] == record_id:  # not re-pointed in this batch
                    out.append((fname, mode, rec))
                    seen.add(rid)
            for (ent, rid), rec in self.cache.items():  # made or re-pointed in this batch
                if ent == child and rec is not None and rid not in seen and rec.state.values.get(fname) == record_id:
                    out.append((fname, mode, rec))
        return out

    def prefetch_business_ids(self, values) -> None:
        """Load every stored customer holding one of these Y-tunnus values."""
        values = [v for v in set(values) if v not in self._checked_bids]
        if values:
            self.prefetch("customer", self.source.business_id_holders(values))
            self._checked_bids.update(values)

    def business_id_taken(self, business_id: str, record_id: str) -> bool:
        """Whether another customer, stored or in this batch, holds this Y-tunnus."""
        self.prefetch_business_ids([business_id])
        return any(rid != record_id for rid in self._holders.get(business_id, ()))

    def _track_bid(self, rec: Rec, old=None) -> None:
        """Keep the Y-tunnus -> customer ids index of cached records current."""
        if old:
            self._holders.get(old, set()).discard(rec.id)
        if rec.state.values.get("business_id"):
            self._holders.setdefault(rec.state.values["business_id"], set()).add(rec.id)

    # ---- changing ---------------------------------------------------------------------------
    def create(self, entity: str, record_id: str, native: dict, wire: dict, version: int, meta: dict) -> Rec:
        """A new record: `native` its stored values, `wire` their wire view; it keeps `meta` itself."""
        rec = Rec(entity, record_id, State({**self.defaults[entity], **wire}, meta, False, version), native,
                  new=True, dirty=True)
        self.cache[(entity, record_id)] = rec
        self.created.append(rec)
        if entity == "customer":
            self._track_bid(rec)
        return rec

    def update(self, rec: Rec, native: dict, wire: dict, meta: dict, version: int, deleted=None) -> None:
        """Change a record: `native` stored values and `wire` their wire view (the same keys)."""
        values = rec.state.values
        old_bid = values.get("business_id")
        rec.native.update(native)
        values.update(wire)
        if "business_id" in wire and rec.entity == "customer":
            self._track_bid(rec, old_bid)
        rec.state.meta.update(meta)
        if deleted is not None:
            rec.state.deleted = deleted
        rec.state.version = version
        rec.touched.update(native)
        rec.dirty = True

    def dirty(self) -> list:
        """Every record this batch changed or made."""
        return [rec for rec in self.cache.values() if rec is not None and rec.dirty]

    def written(self) -> None:
        """Forget what changed: the shell has written it."""
        for rec in self.dirty():
            rec.new = rec.dirty = False
            rec.touched.clear()
            rec.native.clear()
        self.created = []
