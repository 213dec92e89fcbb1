"""The op ledger in bulk: which ops a push has seen before, and one new row per op.

Every op of every push writes a ledger row, so its cost is paid per op. The rows are plain
strings and numbers that need no conversion, so they go to the driver's executemany directly:
SQLAlchemy's per-row parameter processing cost more than SQLite's insert itself.
"""
from sqlalchemy import bindparam, select

from ..models import OpLedger

TABLE = OpLedger.__table__
COLUMNS = ("op_id", "client_id", "user_id", "entity", "record_id", "status", "version", "result", "received_at")
SEEN = select(TABLE.c.op_id, TABLE.c.status, TABLE.c.version, TABLE.c.result).where(
    TABLE.c.op_id.in_(bindparam("ids", expanding=True)))
_SQL: dict = {}


def plain_result(op_id: str, status: str, version: int) -> dict:
    return {"op_id": op_id, "status": status, "version": version, "conflicts": [], "errors": {}}


def seen(conn, op_ids: list) -> dict:
    """{op_id: stored result} for the ops already in the ledger."""
    out = {}
    for start in range(0, len(op_ids), 500):
        for row in conn.execute(SEEN, {"ids": op_ids[start:start + 500]}):
            out[row.op_id] = row.result or plain_result(row.op_id, row.status, row.version)
    return out


def write(conn, rows: list) -> None:
    """Insert ledger rows (dicts of COLUMNS) in one executemany."""
    if not rows:
        return
    dialect = conn.dialect
    if dialect.name not in _SQL:
        compiled = TABLE.insert().compile(dialect=dialect)
        _SQL[dialect.name] = (compiled.string, compiled.positiontup)
    sql, positional = _SQL[dialect.name]
    result_type, at_type = (TABLE.c[name].type.dialect_impl(dialect) for name in ("result", "received_at"))
    to_json = result_type.bind_processor(dialect) or (lambda value: value)
    at_proc = at_type.bind_processor(dialect) or (lambda value: value)
    instants: dict = {}  # a push stamps all its rows with one time: convert it once
    values = []
    for row in rows:
        at = row["received_at"]
        if at not in instants:
            instants[at] = at_proc(at)
        values.append({**row, "received_at": instants[at],
                       "result": None if row["result"] is None else to_json(row["result"])})
    if positional:
        values = [tuple(row[name] for name in positional) for row in values]
    conn.exec_driver_sql(sql, values)
