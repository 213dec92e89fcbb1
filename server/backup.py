"""Back up the configured database while the server keeps serving, and restore a backup.

SQLite: the online backup API copies the file in one step under one read transaction, so the copy
is the database as of one commit (WAL mode lets writers go on meanwhile); the copy is checked with
`PRAGMA integrity_check` before it takes the backup's name. PostgreSQL: `pg_dump --format=custom`
under a snapshot exported from our own REPEATABLE READ transaction, so the counter value we report
is the one the dump holds. Either way a backup never holds half a push: the version counter is
written in the same transaction as the records it numbers (sync/versions.py).
"""
import glob
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app

from .audit import record
from .extensions import db
from .models import OrgSetting
from .sync.pull import HORIZON_KEY
from .sync.versions import LOCK, READ, WRITE

SETUP_TABLES = {"alembic_version", "sync_counter", "service_levels"}  # what init-db writes by itself
# A restored history ends at the backup, but phones may hold cursors and base versions from after it.
# The counter jumps past anything the lost stretch can have numbered (10**12: 30 years at 1 000
# writes a second; the PWA's numbers stay exact below 2**53) and the pull horizon moves there, so
# every phone's next pull answers 410 and it resyncs from 0, outbox kept, and no version repeats.
RESTORE_JUMP = 10**12


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


def backup(dest: Path, force: bool = False) -> dict:
    """Copy the app's database into `dest` and record it in the audit log; return what was copied."""
    dest = Path(dest)
    if dest.exists() and not force:
        raise BackupError(f"{dest} already exists; give --force to overwrite it.")
    if not dest.parent.is_dir():
        raise BackupError(f"The folder {dest.parent} does not exist.")
    engine, started = db.engine, time.monotonic()
    # The copy goes to a private temporary file beside dest and takes its name only when complete,
    # so a failed or interrupted backup never leaves a file that looks like a backup.
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".partial", dir=dest.parent)
    os.close(fd)
    try:
        if engine.dialect.name == "sqlite":
            version = _sqlite_backup(_sqlite_path(engine.url), Path(tmp))
        else:
            version = _pg_dump(engine, Path(tmp))
        os.replace(tmp, dest)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    done = {"file": str(dest.resolve()), "database": engine.dialect.name, "version": version,
            "bytes": dest.stat().st_size, "seconds": round(time.monotonic() - started, 2)}
    record(None, "backup", f"Backup to {done['file']} (versions up to {version})", details=done)
    db.session.commit()
    return done


def restore(src: Path, force: bool = False, resync: bool = True) -> dict:
    """Put the backup `src` into the app's database (empty, or any with force); return its state.

    resync=False keeps the phones' cursors valid: only for a backup taken after the old server
    stopped taking writes (a move to a new server).
    """
    src = Path(src)
    if not src.is_file():
        raise BackupError(f"No backup file {src}.")
    engine = db.engine
    if not force and not is_empty(engine):
        raise BackupError(f"The database {engine.url.render_as_string(hide_password=True)} holds data; "
                          "restore only into an empty database, or give --force to replace its contents.")
    db.session.remove()  # no open transaction of ours may hold a lock the restore needs
    engine.dispose()
    if engine.dialect.name == "sqlite":
        _sqlite_restore(src, _sqlite_path(engine.url))
    else:
        _pg_restore(engine.url, src)
    engine.dispose()  # pooled connections would still see the old file or old tables
    current, heads = migration_state(engine)
    state = {"counts": table_counts(engine), "migration": current, "heads": heads,
             "version": _counter(engine)}
    state["resync_from"] = _start_new_history(db.session) if resync else None  # its tables date from 0001
    db.session.commit()
    if current == heads:  # the audit log is younger than some backups' schema
        record(None, "restore", f"Restored from {src.resolve()} (versions up to {state['version']})",
               details={"file": str(src.resolve()), "version": state["version"], "resync_from": state["resync_from"]})
        db.session.commit()
    return state


def _start_new_history(session) -> int:
    """Move the counter and the pull horizon RESTORE_JUMP past the backup; the caller commits."""
    session.execute(LOCK)  # as every writer does: nothing is numbered between the read and the write
    value = int(session.execute(READ).scalar_one()) + RESTORE_JUMP
    session.execute(WRITE, {"v": value})
    row = session.get(OrgSetting, HORIZON_KEY)
    if row is None:
        session.add(OrgSetting(key=HORIZON_KEY, value=str(value)))
    else:
        row.value = str(value)
    return value


def is_empty(engine) -> bool:
    """Whether nothing was ever written here beyond what init-db adds (no tables counts as empty)."""
    with engine.connect() as conn:
        tables = sa.inspect(conn).get_table_names()
        if "sync_counter" in tables and (conn.execute(READ).scalar() or 0) > 0:
            return False
        for name in set(tables) - SETUP_TABLES:
            if conn.execute(sa.text(f'SELECT 1 FROM "{name}" LIMIT 1')).first() is not None:
                return False
    return True


def table_counts(engine) -> dict:
    """{table: rows} for every table of the app's models that the database has."""
    with engine.connect() as conn:
        present = set(sa.inspect(conn).get_table_names())
        return {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                for t in db.metadata.sorted_tables if t.name in present}


def migration_state(engine) -> tuple[tuple, tuple]:
    """(the database's alembic revisions, the code's heads), each sorted."""
    script = ScriptDirectory(current_app.extensions["migrate"].directory)
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_heads()
    return tuple(sorted(current)), tuple(sorted(script.get_heads()))


def _counter(engine) -> int | None:
    with engine.connect() as conn:
        return conn.execute(READ).scalar() if sa.inspect(conn).has_table("sync_counter") else None


# ---- SQLite ------------------------------------------------------------------------------------

def _sqlite_path(url) -> Path:
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise BackupError(f"Cannot back up the SQLite database {url.database or 'in memory'}: not a plain file.")
    return Path(url.database).resolve()


def _sqlite_backup(source: Path, copy: Path) -> int | None:
    """Copy a live database file with the backup API, then check the copy; return its counter."""
    if not source.is_file():
        raise BackupError(f"No database file {source}.")
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(copy)
    try:
        src.backup(dst)  # pages=-1: the whole file in one step, so one snapshot (a stepwise copy restarts on writes)
        # A backup is one self-contained file: no -wal beside it to lose when it is copied away
        dst.execute("PRAGMA journal_mode=DELETE")
        _check(dst, copy)
        return dst.execute("SELECT value FROM sync_counter WHERE id = 1").fetchone()[0]
    except sqlite3.DatabaseError as err:
        raise BackupError(f"Backup failed: {err}.") from err
    finally:
        dst.close()
        src.close()


def _sqlite_restore(backup_file: Path, target: Path) -> None:
    """Check the backup, then copy it over the target database with the backup API."""
    src = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    try:
        _check(src, backup_file)
        dst = sqlite3.connect(target, timeout=30)
        try:
            src.backup(dst)  # takes the target's write lock: live readers see the old or the new file whole
        finally:
            dst.close()
    except sqlite3.DatabaseError as err:
        raise BackupError(f"Cannot restore {backup_file}: {err}.") from err
    finally:
        src.close()


def _check(conn, path: Path) -> None:
    result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    if result != ["ok"]:
        raise BackupError(f"{path} fails SQLite's integrity check: {'; '.join(result[:5])}")


# ---- PostgreSQL ----------------------------------------------------------------------------------

def find_tool(name: str) -> str:
    """The path of pg_dump or pg_restore: on PATH, else the newest /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                      key=lambda p: [int(x) if x.isdigit() else 0 for x in Path(p).parts[-3].split(".")], reverse=True)
    if versions:
        return versions[0]
    raise BackupError(f"{name} was not found (looked on PATH and in /usr/lib/postgresql/*/bin). "
                      "Install it: apt-get install postgresql-client")


def _libpq(url) -> tuple[str, dict]:
    """A libpq connection string for a SQLAlchemy URL, and the environment carrying its password."""
    def quote(value) -> str:
        return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"
    parts = {"dbname": url.database, "host": url.host, "port": url.port, "user": url.username}
    parts.update({k: v if isinstance(v, str) else v[-1] for k, v in url.query.items()})  # sslmode, host=/socket ...
    env = dict(os.environ)
    if url.password:  # in the environment, not on a command line that ps shows
        env["PGPASSWORD"] = str(url.password)
    return " ".join(f"{k}={quote(v)}" for k, v in parts.items() if v not in (None, "")), env


def _run(cmd: list, env: dict, what: str) -> None:
    done = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{what} failed (exit {done.returncode}): {done.stderr.strip()[-2000:]}")


def _pg_dump(engine, copy: Path) -> int | None:
    """Dump under a snapshot we hold, so the counter read here is the one inside the dump."""
    conninfo, env = _libpq(engine.url)
    tool = find_tool("pg_dump")
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        snapshot = conn.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()
        version = conn.execute(READ).scalar()
        _run([tool, "--format=custom", f"--snapshot={snapshot}", f"--file={copy}", f"--dbname={conninfo}"],
             env, "pg_dump")
        conn.rollback()
    return version


def _pg_restore(url, backup_file: Path) -> None:
    """Replace the database's objects with the dump's, in one transaction (all or nothing)."""
    conninfo, env = _libpq(url)
    _run([find_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
          "--single-transaction", "--exit-on-error", f"--dbname={conninfo}", str(backup_file)], env, "pg_restore")
