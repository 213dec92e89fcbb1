"""Per-connection engine settings, and the background checkpointer on a SQLite database file."""
import os

from sqlalchemy import event
from sqlalchemy.engine import Engine

from ..extensions import db
from .checkpoint import BACKSTOP, Checkpointer


def _sqlite_pragmas(dbapi_conn, _record):
    # WAL lets pulls read while a push writes; busy_timeout makes concurrent writers wait
    # instead of failing; foreign keys are off by default in SQLite.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP}")  # checkpoints run in the background (checkpoint.py)
    cur.close()


_COMMITTED = "kentta.committed"


def _committed(conn, checkpointer: Checkpointer) -> None:
    conn.info[_COMMITTED] = True  # the pool record's info: read again at check-in
    checkpointer.poke()


def install(app) -> None:
    """Attach per-connection settings to the app's engine."""
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite" and not getattr(engine, "_kentta_pragmas", False):
            event.listen(engine, "connect", _sqlite_pragmas)
            engine._kentta_pragmas = True
            path = engine.url.database
            if path and path != ":memory:" and not path.startswith("file:"):
                checkpointer = engine._kentta_checkpointer = Checkpointer(os.path.abspath(path))
                # The commit event fires before the driver's commit, so the checkpoint it wakes may
                # run before that commit's pages are in the log; the connection's return to the
                # pool comes after it, and wakes one more (only for a connection that committed).
                event.listen(engine, "commit", lambda conn: _committed(conn, checkpointer))
                event.listen(engine, "checkin", lambda _dbapi, record: record.info.pop(_COMMITTED, False)
                             and checkpointer.poke())
                event.listen(engine, "connect", lambda *_args: checkpointer.opened())
                for closing in ("close", "close_detached"):
                    event.listen(engine, closing, lambda *_args: checkpointer.closed())
