"""The sync core's driver-level tricks (with the codec, the only room for them): a push's rows
written straight through the database driver, and a list of ids bound as one parameter.

SQLAlchemy's executemany re-derives the parameter processing of every value of every row; here it
is planned once per statement, and only the columns whose type needs converting for the driver
(JSON, and on SQLite dates and booleans) are converted, with the very processors SQLAlchemy would
use. Rows go to the driver as tuples (psycopg gets %s placeholders for that).

The push's own bookkeeping (the op ledger, conflict records) goes to PostgreSQL by COPY: an
executemany makes the server run one INSERT per row, which cost the ledger as much per row as
the records themselves. The records a user wrote are inserted as a raw bulk insert would.
"""
from datetime import datetime
from operator import itemgetter

import orjson
from sqlalchemy import ARRAY, JSON, Boolean, DateTime, any_, bindparam, func, select

PER_REQUEST = frozenset(("created_at", "updated_at", "received_at"))  # one value per push: convert once
COPIED = frozenset(("conflicts", "op_ledger"))


def write(conn, table, columns, rows: list) -> None:
    """Insert rows (columns None) or update `columns` of rows by id; rows are dicts by column name."""
    sql, names, procs = _plan(conn.dialect, table, columns)
    get = itemgetter(*names)
    stamps: dict = {}
    params = [_convert(list(get(row)), procs, stamps) for row in rows] if procs else [get(row) for row in rows]
    send(conn, table, sql, names if columns is None else None, params)


def insert_tuples(conn, table, columns: tuple, rows: list) -> None:
    """Insert rows given as tuples in `columns` order (which must be the table's column order)."""
    sql, names, procs = _plan(conn.dialect, table, None)
    if tuple(names) != columns:
        raise RuntimeError(f"{table.name}'s columns are not {columns}: {sql}")
    stamps: dict = {}
    send(conn, table, sql, names, [_convert(list(row), procs, stamps) for row in rows] if procs else rows)


def send(conn, table, sql: str, copy_columns, params: list) -> None:
    """Run `sql` for each tuple of `params`; inserts into the bookkeeping tables go by COPY."""
    if copy_columns is not None and conn.dialect.name == "postgresql" and table.name in COPIED:
        with conn.connection.dbapi_connection.cursor() as cursor:
            statement = f"COPY {table.name} ({', '.join(copy_columns)}) FROM STDIN"
            with cursor.copy(statement) as copy:
                for values in params:
                    copy.write_row(values)
        return
    conn.exec_driver_sql(sql, params)


def _convert(values: list, procs: list, stamps: dict) -> tuple:
    for i, proc, per_request, none_is_null in procs:
        value = values[i]
        if value is None and none_is_null:  # most optional fields are empty: skip the call
            continue
        if per_request:  # the request's one timestamp
            if value not in stamps:
                stamps[value] = proc(value)
            values[i] = stamps[value]
        else:
            values[i] = proc(value)
    return tuple(values)


_PLANS: dict = {}
_POSITIONAL: dict = {}


def positional(dialect):
    """The dialect, or a twin of it writing positional parameters (psycopg: %s instead of
    %(name)s), so rows go to the driver as tuples: a dict per row cost more than the insert."""
    if dialect.positional or dialect.name != "postgresql":
        return dialect
    if dialect.name not in _POSITIONAL:
        _POSITIONAL[dialect.name] = type(dialect)(paramstyle="format")
    return _POSITIONAL[dialect.name]


def meta_as_text(dialect) -> bool:
    """Whether field_meta may go to the driver as text made by pack_json: only when the JSON type
    would encode it with plain json.dumps (no custom serializer configured on the engine)."""
    return getattr(dialect, "_json_serializer", None) is None


def _plan(dialect, table, columns):
    """(driver SQL, row keys in parameter order, [(index, processor, per_request, None maps to NULL)])."""
    key = (dialect.name, dialect.paramstyle, table.name, columns)
    if key not in _PLANS:
        if columns is None:
            compiled = table.insert().compile(dialect=positional(dialect))
        else:
            compiled = table.update().where(table.c.id == bindparam("b_id")).compile(
                dialect=positional(dialect), column_keys=sorted(columns))
        order = list(compiled.positiontup or ())  # SQLite and PostgreSQL (see positional) only
        if len(order) < 2 or len(set(order)) != len(order):  # itemgetter of one name gives no tuple
            raise RuntimeError(f"unexpected parameters in {compiled.string}")
        names = ["id" if name == "b_id" else name for name in order]
        procs = []
        for i, name in enumerate(names):
            if name == "field_meta" and meta_as_text(dialect):
                continue  # already JSON text (pack_json), as the JSON type's processor would make it
            proc = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
            if proc is not None and dialect.name == "sqlite" and isinstance(table.c[name].type, DateTime):
                proc = _sqlite_instant(proc)
            if proc is not None and isinstance(table.c[name].type, JSON) and meta_as_text(dialect):
                proc = _json_text(proc)
            if proc is not None and isinstance(table.c[name].type, Boolean) and _keeps_booleans(proc):
                proc = None  # the values are validated booleans already, which the driver binds as is
            if proc is not None:
                procs.append((i, proc, name in PER_REQUEST, proc(None) is None))
        _PLANS[key] = (compiled.string, names, procs)
    return _PLANS[key]


def _keeps_booleans(processor) -> bool:
    """Whether a Boolean column's processor hands True, False and None on unchanged (as equal values:
    SQLite's gives 1 for True, and sqlite3 binds True as 1 too)."""
    return all(processor(value) == value and type(processor(value)) in (bool, int, type(None))
               for value in (True, False, None))


def _json_text(processor):
    """The JSON type's processor with orjson doing the encoding (conflict values, ledger results):
    the same JSON, several times faster than json.dumps. None and anything orjson refuses (SQL NULL
    markers, integers beyond 64 bits, non-string keys) still go through the type's own processor."""
    dumps = orjson.dumps

    def process(value):
        if value is None:
            return processor(value)  # JSON null or SQL NULL, as the column says
        try:
            return dumps(value).decode()
        except TypeError:
            return processor(value)
    return process


def _sqlite_instant(processor):
    """SQLite's DATETIME processor, with naive datetimes formatted by isoformat (C) instead of its
    %-format of seven fields; used only if it gives exactly the processor's text."""
    samples = [datetime(2026, 11, 20, 8, 15), datetime(1, 2, 3, 4, 5, 6, 7), datetime(9999, 12, 31, 23, 59, 59, 999999)]
    if any(processor(d) != d.isoformat(" ", "microseconds") for d in samples):
        return processor

    def process(value):
        if type(value) is datetime and value.tzinfo is None:
            return value.isoformat(" ", "microseconds")
        return processor(value)
    return process


def one_of(column, dialect):
    """(condition, make_param): `column` is one of a list of values, bound as one parameter "ids".

    A push looks up ~500 ids at a time. An expanding IN makes SQLAlchemy render and bind 500
    parameters on every execution; SQLite reads the list as one JSON array (json_each; the id
    index is still used), PostgreSQL as one array (= ANY). Other databases get the expanding IN.
    """
    if dialect.name == "sqlite":
        values = func.json_each(bindparam("ids")).table_valued("value")
        return column.in_(select(values.c.value)), _json_list
    if dialect.name == "postgresql":
        return column == any_(bindparam("ids", type_=ARRAY(column.type))), list
    return column.in_(bindparam("ids", expanding=True)), list


def _json_list(values) -> str:
    return orjson.dumps(list(values)).decode()  # thousands of ids a push: json.dumps cost more than the query
