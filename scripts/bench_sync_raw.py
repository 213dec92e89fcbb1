"""The raw baselines of scripts/bench_sync.py: the same rows written and read with no sync core.

The push is compared with a bulk insert of the rows it writes (SQLAlchemy's insert, and the
driver's executemany with each column's own bind processor, the one that flatters the push least);
the pull with one SELECT per table + json.dumps. The seed rows are written untimed.
"""
import json
import time

from bench_common import build_app, dispose
from sqlalchemy import Date, DateTime, select

from server.entities import ENTITIES
from server.extensions import db
from server.models import User

BATCH = 500
RECORDS = ("customer", "contact", "activity")


def _seed(conn, before: dict) -> None:
    """Untimed: the users and the rows that were there before the timed pushes."""
    conn.execute(User.__table__.insert(), before["user"])
    for entity, seed_rows in before.items():
        if entity != "user":
            conn.execute(ENTITIES[entity].table.insert(), seed_rows)
    conn.commit()


def raw_insert(url, before: dict, rows: dict) -> tuple:
    app = build_app(url)
    with app.app_context(), db.engine.connect() as conn:
        _seed(conn, before)
        start = time.perf_counter()
        for entity in RECORDS:  # parents first: the foreign keys are checked
            table = ENTITIES[entity].table
            for i in range(0, len(rows[entity]), BATCH):
                conn.execute(table.insert(), rows[entity][i:i + BATCH])
                conn.commit()
        seconds = time.perf_counter() - start
    dispose(app)
    return sum(len(r) for r in rows.values()), seconds


def raw_driver_insert(url, before: dict, rows: dict) -> tuple:
    """The leanest bulk insert of the same rows: the driver's executemany, each value converted by
    its column type's own bind processor inside the timed part. Our push writes its records this
    way, so this is the baseline that flatters it least."""
    app = build_app(url)
    with app.app_context(), db.engine.connect() as conn:
        _seed(conn, before)
        dialect = conn.dialect
        start = time.perf_counter()
        for entity in RECORDS:
            table = ENTITIES[entity].table
            compiled = table.insert().compile(dialect=dialect)
            names = list(compiled.positiontup or compiled.bind_names.values())
            procs = [table.c[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names]
            for i in range(0, len(rows[entity]), BATCH):
                params = [tuple(p(row[n]) if p and row[n] is not None else row[n] for n, p in zip(names, procs))
                          for row in rows[entity][i:i + BATCH]]
                if not compiled.positiontup:  # a named paramstyle (psycopg): dicts by bind name
                    params = [dict(zip(names, values)) for values in params]
                conn.exec_driver_sql(compiled.string, params)
                conn.commit()
        seconds = time.perf_counter() - start
    dispose(app)
    return sum(len(r) for r in rows.values()), seconds


def raw_select_json(app):
    """One SELECT per table of the columns a pull sends, rows as dicts (dates as text), json.dumps."""
    count = size = 0
    with app.app_context(), db.engine.connect() as conn:
        for entity in RECORDS:
            table = ENTITIES[entity].table
            names = ("id", "version", "deleted", "created_at", "updated_at") + ENTITIES[entity].fields
            dated = [i for i, name in enumerate(names) if isinstance(table.c[name].type, (DateTime, Date))]
            out = []
            for row in conn.execute(select(*[table.c[name] for name in names])):
                values = list(row)
                for i in dated:
                    if values[i] is not None:
                        values[i] = values[i].isoformat()
                out.append(dict(zip(names, values)))
            count, size = count + len(out), size + len(json.dumps(out))
    return count, size
