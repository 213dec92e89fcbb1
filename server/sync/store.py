"""The database side of a batch: where its records come from (`SqlSource`) and how what the merge
changed goes back (`write_changes`).

One query per entity and call loads a batch's records; writes go out as executemany inserts and
updates in reference order. That keeps a 500-op push to a handful of round trips.
"""
from sqlalchemy import select

from ..entities import ENTITIES, INSERT_ORDER, search_text
from ..models import User
from .codec import CODECS, load_json, pack, pack_json, unpack
from .merge import State
from .reads import READ, by_business_ids, by_ids
from .writer import meta_as_text, write

CHUNK = 500  # ids per query

_USER_IDS = select(User.id)
_SEARCHED = {name: frozenset(entity.search) for name, entity in ENTITIES.items()}
# A new record's unset fields, as the working set shows them (the columns' defaults, in wire form)
DEFAULT_VALUES = {name: codec.default_values for name, codec in CODECS.items()}


class SqlSource:
    """A working.Source over one connection."""

    def __init__(self, conn):
        self.conn = conn

    def records(self, entity: str, ids: list) -> dict:
        found = {}
        query, make_param = by_ids(entity, False, self.conn.dialect)
        # plain rows (a RowMapping's dict() cost more): the entity's fields come first, so zipping a
        # row with them gives the wire view, in which only the columns that need it are converted
        # (instants, dates, money); id, version, tombstone flag and metadata follow
        fields, converted = READ[query]
        for start in range(0, len(ids), CHUNK):
            for row in self.conn.execute(query, {"ids": make_param(ids[start:start + CHUNK])}).all():
                values = dict(zip(fields, row))
                for name, conv in converted:
                    values[name] = conv(values[name])
                rid, version, deleted, field_meta = row[-4:]
                found[rid] = State(values, unpack(load_json(field_meta), entity), deleted, version)
        return found

    def flags(self, entity: str, ids: list) -> dict:
        query, make_param = by_ids(entity, True, self.conn.dialect)
        found = {}
        for start in range(0, len(ids), CHUNK):
            found.update(self.conn.execute(query, {"ids": make_param(ids[start:start + CHUNK])}).all())
        return found

    def child_ids(self, entity: str, field: str, parent_id: str) -> list:
        table = ENTITIES[entity].table
        return self.conn.execute(select(table.c.id).where(table.c[field] == parent_id)).scalars().all()

    def business_id_holders(self, values: list) -> list:
        query, make_param = by_business_ids(self.conn.dialect)
        out = []
        for start in range(0, len(values), CHUNK):
            out += self.conn.execute(query, {"ids": make_param(values[start:start + CHUNK])}).scalars().all()
        return out

    def user_ids(self) -> set:
        return set(self.conn.execute(_USER_IDS).scalars())


def write_changes(conn, working, now) -> None:
    """Write every record the batch changed or made: inserts in the order they were made (a parent
    before its children), tables in reference order, then updates.

    An update sets only the columns that changed, grouped by column set: rewriting every column
    made SQLite touch every index of every updated row. `now` (naive UTC) stamps them all.
    """
    pack_meta = pack_json if meta_as_text(conn.dialect) else pack
    inserts: dict = {}
    for rec in working.created:
        state = rec.state
        inserts.setdefault(rec.entity, []).append({
            **CODECS[rec.entity].defaults, **rec.native, "id": rec.id, "version": state.version,
            "deleted": state.deleted, "created_at": now, "updated_at": now,
            "field_meta": pack_meta(state.meta, rec.entity), "search_text": search_text(ENTITIES[rec.entity], state.values)})
    updates: dict = {}
    for rec in working.dirty():
        if rec.new:
            continue
        state = rec.state
        row = {**rec.native, "id": rec.id, "version": state.version, "deleted": state.deleted, "updated_at": now,
               "field_meta": pack_meta(state.meta, rec.entity)}
        if not _SEARCHED[rec.entity].isdisjoint(rec.touched):
            row["search_text"] = search_text(ENTITIES[rec.entity], state.values)
        updates.setdefault(rec.entity, {}).setdefault(frozenset(row).difference(("id",)), []).append(row)
    for entity in INSERT_ORDER:
        if entity in inserts:
            write(conn, ENTITIES[entity].table, None, inserts[entity])
        for columns, rows in updates.get(entity, {}).items():
            write(conn, ENTITIES[entity].table, columns, rows)
    working.written()
