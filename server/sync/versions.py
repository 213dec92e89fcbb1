"""The one version counter for the whole database.

Why a locked row and not a sequence: with a sequence, transaction A can take 5, B take 6 and
commit first; a pull then sees 6, moves its cursor past 5, and never sees A's change. Here every
writer first takes the counter row's lock (an UPDATE, which also takes SQLite's write lock) and
keeps it until commit, so versions are handed out in commit order. The counter's new value is
written in the same transaction as the records it numbers, so a reader that sees value N also
sees every record up to N: pull reads the counter first and pages only up to it.
"""
from sqlalchemy import text

LOCK = text("UPDATE sync_counter SET value = value WHERE id = 1")
LOCK_AND_READ = text("UPDATE sync_counter SET value = value WHERE id = 1 RETURNING value")  # one round trip
READ = text("SELECT value FROM sync_counter WHERE id = 1")
WRITE = text("UPDATE sync_counter SET value = :v WHERE id = 1")


class VersionAllocator:
    """Hands out versions inside one write transaction."""

    def __init__(self, session):
        self.conn = session.connection()  # Core statements: the ORM's execute path cost more than them
        if _returning(self.conn):
            self.start = self.value = int(self.conn.execute(LOCK_AND_READ).scalar_one())
        else:
            self.conn.execute(LOCK)
            self.start = self.value = int(self.conn.execute(READ).scalar_one())

    def next(self) -> int:
        self.value += 1
        return self.value

    def finish(self) -> None:
        """Write the counter back; call before commit."""
        if self.value != self.start:
            self.conn.execute(WRITE, {"v": self.value})


def _returning(conn) -> bool:
    """Whether UPDATE ... RETURNING works here (PostgreSQL; SQLite from 3.35)."""
    dialect = conn.dialect
    if dialect.name == "sqlite":
        return dialect.dbapi.sqlite_version_info >= (3, 35)
    return dialect.name == "postgresql"


def latest(session) -> int:
    """The newest committed version (what a pull may safely page up to)."""
    return int(session.execute(READ).scalar_one())


def ensure_counter(session) -> None:
    """Create the counter row if the database is new."""
    if session.execute(READ).first() is None:
        session.execute(text("INSERT INTO sync_counter (id, value) VALUES (1, 0)"))
