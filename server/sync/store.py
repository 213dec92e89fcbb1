"""Load records for a push into memory, track what the merge changed, and write it back in bulk.

One query per entity loads a batch's records; writes go out as executemany inserts and updates
in reference order. That keeps a 500-op push to a handful of round trips.
"""
from dataclasses import dataclass, field

from sqlalchemy import select

from ..entities import ENTITIES, INSERT_ORDER, children_of, search_text
from ..models import User, utcnow
from .merge import State
from .meta import load_json, pack, pack_json, unpack
from .codec import CODECS
from .reads import READ, by_business_ids, by_ids
from .writer import meta_as_text, write


@dataclass(slots=True)
class Rec:
    entity: str
    id: str
    row: dict                     # native column values to write: all of a new record's; of a
                                  # loaded one, id and tombstone flag plus what an update sets
    state: State                  # wire view for the merge (every field, always current)
    new: bool = False
    dirty: bool = False
    touched_fields: set = field(default_factory=set)


class Store:
    def __init__(self, session, now=None):
        self.session = session
        self.conn = session.connection()
        self.cache: dict = {}       # (entity, id) -> Rec | None
        self.light: dict = {}       # (entity, id) -> deleted flag | None: records only pointed at
        self.created: list = []     # new records in creation order: a parent is always made first
        self._checked_bids: set = set()
        self._holders: dict = {}    # Y-tunnus -> ids of cached customers holding it
        self._users = None
        self.now = now or utcnow()  # one timestamp for the whole request

    # ---- reading -------------------------------------------------------------------------
    def _rec(self, entity, values, rid, version, deleted, field_meta) -> Rec:
        """A Rec of a loaded record from its wire values and bookkeeping columns (see reads.by_ids)."""
        state = State(values, unpack(load_json(field_meta), entity), deleted, version)
        rec = Rec(entity, rid, {"id": rid, "deleted": deleted}, state)
        self._track_bid(rec)
        return rec

    def prefetch(self, entity: str, ids) -> None:
        ids = [i for i in set(ids) if (entity, i) not in self.cache]
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            query, make_param = by_ids(entity, False, self.conn.dialect)
            # plain rows (a RowMapping's dict() cost more): the entity's fields come first, so zipping
            # a row with them gives the wire view, in which only the columns that need it are
            # converted (instants, dates, money); id, version, tombstone flag and metadata follow
            fields, converted = READ[query]
            cache, rec_of = self.cache, self._rec
            for loaded in self.conn.execute(query, {"ids": make_param(chunk)}).all():  # one fetch, not per row
                values = dict(zip(fields, loaded))
                for name, conv in converted:
                    values[name] = conv(values[name])
                cache[(entity, loaded[-4])] = rec_of(entity, values, *loaded[-4:])
            for i in chunk:
                cache.setdefault((entity, i), None)

    def prefetch_light(self, entity: str, ids) -> None:
        """Load only id and tombstone flag of records a batch points at (no metadata to decode)."""
        ids = [i for i in set(ids) if (entity, i) not in self.cache and (entity, i) not in self.light]
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            query, make_param = by_ids(entity, True, self.conn.dialect)
            for rid, deleted in self.conn.execute(query, {"ids": make_param(chunk)}).all():
                self.light[(entity, rid)] = deleted
            for i in chunk:
                self.light.setdefault((entity, i), None)

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
            self._users = set(self.conn.execute(_USER_IDS).scalars())
        return user_id in self._users

    def children(self, entity: str, record_id: str):
        """[(field, mode, Rec)] of every record that references this one, stored or new."""
        out = []
        for child, fname, mode in children_of(entity):
            table = ENTITIES[child].table
            ids = self.conn.execute(select(table.c.id).where(table.c[fname] == record_id)).scalars().all()
            self.prefetch(child, ids)
            seen = set()
            for rid in ids:
                rec = self.cache[(child, rid)]
                if rec is not None and rec.state.values[fname] == record_id:
                    out.append((fname, mode, rec))
                    seen.add(rid)
            for (ent, rid), rec in self.cache.items():  # created or re-pointed in this batch
                if ent == child and rec is not None and rid not in seen and rec.state.values.get(fname) == record_id:
                    out.append((fname, mode, rec))
        return out

    def prefetch_business_ids(self, values) -> None:
        """Load every stored customer holding one of these Y-tunnus values (one query per batch)."""
        values = [v for v in set(values) if v not in self._checked_bids]
        if not values:
            return
        query, make_param = by_business_ids(self.conn.dialect)
        for start in range(0, len(values), 500):
            chunk = values[start:start + 500]
            self.prefetch("customer", self.conn.execute(query, {"ids": make_param(chunk)}).scalars().all())
            self._checked_bids.update(chunk)

    def business_id_taken(self, business_id: str, record_id: str) -> bool:
        """Whether another customer, stored or in this batch, holds this Y-tunnus."""
        self.prefetch_business_ids([business_id])
        return any(rid != record_id for rid in self._holders.get(business_id, ()))

    def _track_bid(self, rec: Rec, old=None) -> None:
        """Keep the Y-tunnus -> customer ids index of cached records current."""
        if rec.entity != "customer":
            return
        if old:
            self._holders.get(old, set()).discard(rec.id)
        if rec.state.values.get("business_id"):
            self._holders.setdefault(rec.state.values["business_id"], set()).add(rec.id)

    # ---- writing -------------------------------------------------------------------------
    def create(self, entity: str, record_id: str, native: dict, version: int, meta: dict | None = None,
               wire: dict | None = None) -> Rec:
        """A new record from native values; `wire`, when the caller has it, is their wire view (every
        column of `native`, converted). The record keeps `meta` itself (pass a fresh dict)."""
        now = self.now
        meta = {} if meta is None else meta
        codec = CODECS[entity]
        row = {**codec.defaults, **native, "id": record_id, "version": version,
               "deleted": False, "created_at": now, "updated_at": now, "field_meta": meta}
        values = {**codec.default_values, **(wire if wire is not None else codec.values(native))}
        rec = Rec(entity, record_id, row, State(values, meta, False, version), True, True)
        self.cache[(entity, record_id)] = rec
        self.created.append(rec)
        if entity == "customer":
            self._track_bid(rec)
        return rec

    def update(self, rec: Rec, native: dict, meta: dict, version: int, deleted=None, wire=None) -> None:
        """Change a record: `native` column values; `wire`, when the caller has it, is their wire view."""
        values = rec.state.values  # holds every column already (loaded or created): no new keys
        old_bid = values.get("business_id")
        rec.row.update(native)
        values.update(wire if wire is not None else CODECS[rec.entity].values(native))
        if "business_id" in native:
            self._track_bid(rec, old_bid)
        rec.state.meta.update(meta)
        if deleted is not None:
            rec.state.deleted = rec.row["deleted"] = deleted
        rec.state.version = rec.row["version"] = version
        rec.row["updated_at"] = self.now
        rec.touched_fields.update(native)
        rec.touched_fields.update(("version", "updated_at", "field_meta", "deleted"))
        if not _SEARCHED[rec.entity].isdisjoint(native):
            rec.touched_fields.add("search_text")
        rec.dirty = True

    def flush(self) -> None:
        """Write every changed record: inserts in reference order, then updates."""
        dirty = [rec for rec in self.cache.values() if rec is not None and rec.dirty]
        text_meta = meta_as_text(self.conn.dialect)
        for rec in dirty:
            if rec.new or "search_text" in rec.touched_fields:
                rec.row["search_text"] = search_text(ENTITIES[rec.entity], rec.state.values)
            rec.row["field_meta"] = (pack_json if text_meta else pack)(rec.state.meta, rec.entity)
        inserts: dict = {}
        for rec in self.created:
            inserts.setdefault(rec.entity, []).append(rec.row)
        # Updates set only the columns that changed (grouped by column set): rewriting every
        # column made SQLite touch every index of every updated row.
        updates: dict = {}
        for rec in dirty:
            if not rec.new:
                updates.setdefault(rec.entity, {}).setdefault(frozenset(rec.touched_fields), []).append(rec.row)
        for entity in INSERT_ORDER:
            if entity in inserts:
                write(self.conn, ENTITIES[entity].table, None, inserts[entity])
            for columns, rows in updates.get(entity, {}).items():
                write(self.conn, ENTITIES[entity].table, columns, rows)
        for rec in dirty:
            rec.new = rec.dirty = False
            rec.touched_fields.clear()
        self.created = []


_SEARCHED = {name: frozenset(entity.search) for name, entity in ENTITIES.items()}
_USER_IDS = select(User.id)
