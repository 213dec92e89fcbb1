"""Prune old tombstones and move the pull horizon past them (README "Bounded growth").

A tombstone exists so that phones learn about a delete by pulling it. Once one is gone, a phone
whose cursor is older than its version could keep the deleted record forever, so the highest
pruned version is recorded as the pull horizon in the same transaction as the delete: a pull from
a cursor below it is answered 410 and the phone resyncs from cursor 0 (server/sync/pull.py).

Each batch holds the version counter's lock (server/sync/versions.py): a push that is restoring a
tombstone (SPEC §5 rule 4) and a prune that is removing it must not interleave, or the restore's
UPDATE would find no row.
"""
from sqlalchemy import delete, exists, func, select

from ..entities import ENTITIES, INSERT_ORDER, children_of
from ..models import OrgSetting
from ..sync.pull import HORIZON_KEY, PULLED, pruned_horizon
from ..sync.versions import LOCK

# Children before parents: a parent's tombstone goes only once nothing points at it any more.
ORDER = tuple(reversed(INSERT_ORDER))
assert set(ORDER) == set(PULLED)


def _candidates(entity: str, cutoff):
    """Tombstones last changed before `cutoff` that no row (live or deleted) points at."""
    table = ENTITIES[entity].table
    query = select(table.c.id, table.c.version).where(table.c.deleted.is_(True), table.c.updated_at < cutoff)
    for child, field, _mode in children_of(entity):
        other = ENTITIES[child].table.alias(f"{child}_{field}")
        query = query.where(~exists().where(other.c[field] == table.c.id))
    return query


def count(session, cutoff) -> tuple[dict, int]:
    """Count what a prune would remove now: ({entity: tombstones}, the horizon it would record)."""
    # One pass: a chain's tombstone that waits for its outlet's is counted by the run after it.
    counts, top = {}, pruned_horizon(session)
    for entity in ORDER:
        sub = _candidates(entity, cutoff).subquery()
        n, high = session.execute(select(func.count(), func.max(sub.c.version))).one()
        counts[entity] = n
        top = max(top, high or 0)
    return counts, top


def prune(session, cutoff, batch: int = 500) -> tuple[dict, int]:
    """Delete the tombstones older than `cutoff`, in batches; return ({entity: removed}, horizon)."""
    counts = dict.fromkeys(ORDER, 0)
    while True:  # an outlet's tombstone holds its chain's until the outlet goes: pass again
        removed = sum(_prune_entity(session, entity, cutoff, batch, counts) for entity in ORDER)
        if not removed:
            break
    session.rollback()
    return counts, pruned_horizon(session)


def _prune_entity(session, entity: str, cutoff, batch: int, counts: dict) -> int:
    table = ENTITIES[entity].table
    query = _candidates(entity, cutoff).order_by(table.c.id).limit(batch)
    removed, after = 0, ""
    while True:
        session.execute(LOCK)  # first: the counter's lock orders this batch among the pushes
        rows = session.execute(query.where(table.c.id > after)).all()
        if not rows:
            session.rollback()
            return removed
        session.execute(delete(table).where(table.c.id.in_([row.id for row in rows])))
        _raise_horizon(session, max(row.version for row in rows))
        session.commit()
        removed += len(rows)
        counts[entity] += len(rows)
        after = rows[-1].id


def _raise_horizon(session, version: int) -> None:
    """Record `version` as the pull horizon unless a higher one is already recorded."""
    if version <= pruned_horizon(session):
        return
    row = session.get(OrgSetting, HORIZON_KEY)
    if row is None:
        session.add(OrgSetting(key=HORIZON_KEY, value=str(version)))
    else:
        row.value = str(version)
    session.flush()
