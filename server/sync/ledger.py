"""The op ledger in bulk: which ops a push has seen before, and one new row per op.

Every op of every push writes a ledger row, so its cost is paid per op. The rows are plain
strings and numbers that need no conversion, so they go to the driver directly (PostgreSQL: by
COPY): SQLAlchemy's per-row parameter processing cost more than SQLite's insert itself.
"""
from sqlalchemy import select

from ..models import OpLedger
from .writer import one_of
from .writer import insert_tuples

TABLE = OpLedger.__table__
COLUMNS = ("op_id", "client_id", "user_id", "entity", "record_id", "status", "version", "result", "received_at")
_SEEN: dict = {}


def plain_result(op_id: str, status: str, version: int) -> dict:
    return {"op_id": op_id, "status": status, "version": version, "conflicts": [], "errors": {}}


def seen(conn, op_ids: list) -> dict:
    """{op_id: stored result} for the ops already in the ledger."""
    out = {}
    if conn.dialect.name not in _SEEN:
        condition, make_param = one_of(TABLE.c.op_id, conn.dialect)
        _SEEN[conn.dialect.name] = (select(TABLE.c.op_id, TABLE.c.status, TABLE.c.version, TABLE.c.result)
                                    .where(condition), make_param)
    query, make_param = _SEEN[conn.dialect.name]
    for start in range(0, len(op_ids), 500):
        for row in conn.execute(query, {"ids": make_param(op_ids[start:start + 500])}).all():
            out[row.op_id] = row.result or plain_result(row.op_id, row.status, row.version)
    return out


def write(conn, rows: list) -> None:
    """Insert ledger rows (tuples in COLUMNS order) in one go (see writer.py)."""
    if rows:
        insert_tuples(conn, TABLE, COLUMNS, rows)
