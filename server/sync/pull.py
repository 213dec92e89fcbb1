"""Pull: every visible change after a cursor, in version order, a bounded page at a time.

A page costs the same queries whatever its size: the counter, then one query over every entity
table for the next `limit` + 1 versions above the cursor (index only), which gives the page's last
version and the tables it touches, then per touched table the rows up to that version (on
PostgreSQL each round trip costs more than the small queries themselves). Reading versions first
means no row is fetched and thrown away. Pages stop at the counter value read first (see versions.py), so a change still being
committed can never be skipped.
"""
from sqlalchemy import bindparam, literal, select, union_all

from ..entities import ENTITIES
from ..models import OrgSetting
from .codec import CODECS
from .versions import latest

PULLED = ("customer", "contact", "activity", "task", "delivery", "conflict")


# The queries are built once, with the cursor range, the page size and the user as parameters:
# building and cache-keying them anew took a twentieth of every page.
_LOW, _HIGH, _ACTOR, _TAKE = (bindparam(name) for name in ("low", "high", "actor", "take"))


def _visible(query, entity):
    table = ENTITIES[entity].table
    query = query.where(table.c.version > _LOW, table.c.version <= _HIGH)
    if entity == "conflict":  # a user's own lost values; managers review the rest via REST
        query = query.where(table.c.lost_by == _ACTOR)
    return query


def _build_next_versions():
    """(table index, version) of the first `take` visible changes after `low`, in version order."""
    parts = []
    for i, entity in enumerate(PULLED):
        table = ENTITIES[entity].table
        part = _visible(select(literal(i).label("tag"), table.c.version), entity)
        parts.append(part.order_by(table.c.version).limit(_TAKE).subquery())
    merged = union_all(*[select(part.c.tag, part.c.version) for part in parts]).subquery()
    return select(merged.c.tag, merged.c.version).order_by(merged.c.version).limit(_TAKE)


_NEXT_VERSIONS = _build_next_versions()
_ROWS = {entity: _visible(select(*CODECS[entity].record_columns), entity) for entity in PULLED}


def _rows_query(entity):
    """The page's second query for one table (a seam: the pull-race test commits a push right here)."""
    return _ROWS[entity]


class CursorError(ValueError):
    pass


class ResyncRequired(Exception):
    """The cursor is older than tombstones the server has pruned: only a pull from 0 is whole."""


# The highest version among pruned tombstones (server/maintenance/prune.py writes it). A phone whose
# cursor is below it may have missed a delete that no longer exists to be pulled.
HORIZON_KEY = "pull_horizon"
_HORIZON = select(OrgSetting.value).where(OrgSetting.key == HORIZON_KEY)


def pruned_horizon(session) -> int:
    """The pruned horizon: 0 while no tombstone was ever pruned."""
    value = session.execute(_HORIZON).scalar()
    return int(value) if value else 0


def pull(session, actor, cursor: int, limit: int) -> dict:
    """One page of changes for this actor after `cursor`."""
    high = latest(session)
    if cursor > high:
        raise CursorError(f"The cursor {cursor} is beyond the server's latest version {high}.")
    # One round trip finds the page's bound: per table the next limit + 1 versions, tagged, merged.
    params = {"low": cursor, "high": high, "actor": actor.id, "take": limit + 1}
    tagged = session.execute(_NEXT_VERSIONS, params).all()
    more = len(tagged) > limit
    upto = tagged[limit - 1][1] if more else high
    # Only tables with rows in the page are read. None can gain one later: every version up to
    # `high` was committed before the counter was read; later commits only move rows above it.
    present = {tag for tag, _version in tagged[:limit]}
    candidates = []
    for i, entity in enumerate(PULLED):
        if i not in present:
            continue
        for row in session.execute(_rows_query(entity), {**params, "high": upto}).all():
            candidates.append((row[1], entity, row))
    candidates.sort(key=lambda c: c[0])
    page = candidates
    changes, formatted = [], {}  # one push stamps many rows alike: format each value once a page
    for version, entity, row in page:
        changes.append({"entity": entity, "id": row[0], "version": version, "deleted": row[2],
                        "data": CODECS[entity].data_of_row(row, formatted)})
    # With more to come the cursor is `upto`, not the last row sent: a row at or below upto was
    # committed before the counter was read, and later commits only move rows above it, so the
    # second query saw every row that exists there (even if all of them moved and the page is empty).
    new_cursor = upto if more else high
    # Read after the page: a prune commits its deletes and its horizon together, so a page that
    # missed a pruned tombstone (each statement reads afresh, on PostgreSQL and SQLite) sees it here.
    if cursor and cursor < (horizon := pruned_horizon(session)):
        raise ResyncRequired(f"Changes up to version {horizon} were pruned from the server, and the cursor "
                             f"{cursor} is older: pull again from cursor 0 (a full resync), keeping the outbox.")
    # `latest` lets a phone on a long first sync show "about how many": the share of versions it has
    # covered so far, at no cost (the counter is read above anyway).
    return {"changes": changes, "cursor": new_cursor, "more": more, "latest": high}
