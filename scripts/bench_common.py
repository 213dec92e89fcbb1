"""Shared pieces of the benchmark scripts: throwaway databases, a ready app, users, timers, reports.

Benchmarks never touch the developer's database: each run makes fresh ones (SQLite files in a temp
folder, or kentta_bench_<random>_<part> databases on the DATABASE_URL server) and removes them.
"""
import cProfile
import logging
import os
import pstats
import sys
import tempfile
import time
import tracemalloc
import uuid
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a plain script from anywhere

from server import create_app  # noqa: E402
from server.cli import init_database  # noqa: E402
from server.extensions import db  # noqa: E402
from server.models import ApiToken, User  # noqa: E402
from server.sync.push import apply_ops  # noqa: E402
from server.permissions import Actor  # noqa: E402


@contextmanager
def fresh_databases(parts, server_url=None):
    """Yield {part: url} of new empty databases; remove them afterwards, also on errors."""
    if not server_url:
        with tempfile.TemporaryDirectory(prefix="kentta-bench-") as folder:
            yield {part: f"sqlite:///{Path(folder) / part}.db" for part in parts}
        return
    if not server_url.startswith("postgresql"):
        raise SystemExit(f"DATABASE_URL must be a postgresql+psycopg:// URL (got {server_url.split(':')[0]}).")
    stem = f"kentta_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    made = []
    try:
        with admin.connect() as conn:
            for part in parts:
                conn.execute(sa.text(f'CREATE DATABASE "{stem}_{part}"'))
                made.append(f"{stem}_{part}")
        url = sa.engine.make_url(server_url)
        yield {part: url.set(database=f"{stem}_{part}").render_as_string(hide_password=False) for part in parts}
    finally:
        with admin.connect() as conn:
            for name in made:  # FORCE: a connection left in some pool must not keep the database alive
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def build_app(url):
    """An app on `url` with the newest schema and the rows a new database needs."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    logging.disable(logging.INFO)  # alembic's env.py turns its INFO lines on at every upgrade
    try:
        with app.app_context():
            init_database()
    finally:
        logging.disable(logging.NOTSET)
    return app


def dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def make_user(role: str, email: str):
    """Create a user and a bearer token (no login round trip: the password hash is not measured)."""
    user = User(email=email, name=role.title(), role=role)
    user.set_password("demo1234")
    db.session.add(user)
    db.session.flush()
    token, plain = ApiToken.issue(user, "bench")
    db.session.add(token)
    db.session.commit()
    return Actor(id=user.id, role=role), {"Authorization": f"Bearer {plain}"}


def load_ops(actor, ops: list, batch: int = 500) -> float:
    """Apply benchmark data through the merge in batches (inside an app context); stop if any op is
    not applied. Returns the seconds the batches took. On PostgreSQL the tables are then ANALYZEd:
    autovacuum would do it within a minute or so, and until then the planner guesses ~200 rows and
    sorts whole tables. Measure the steady state, as a server would run."""
    start = time.perf_counter()
    for i in range(0, len(ops), batch):
        bad = [r for r in apply_ops(db.session, actor, "bench-loader", ops[i:i + batch]) if r["status"] != "applied"]
        if bad:
            raise SystemExit(f"benchmark data did not load: {bad[:2]}")
        db.session.commit()
    seconds = time.perf_counter() - start
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
    return seconds


class Watch:
    """Accumulates wall time of the measured sections only, optionally under cProfile."""

    def __init__(self, profile: bool = False):
        self.seconds = 0.0
        self.laps: list = []  # one entry per measured section: shows stalls that a total hides
        self.profiler = cProfile.Profile() if profile else None

    def __enter__(self):
        if self.profiler:
            self.profiler.enable()
        self._start = time.perf_counter()
        return self

    def __exit__(self, *_exc):
        self.laps.append(time.perf_counter() - self._start)
        self.seconds += self.laps[-1]
        if self.profiler:
            self.profiler.disable()

    def spread(self) -> str:
        laps = sorted(self.laps)
        return f"per request: median {laps[len(laps) // 2] * 1000:.0f} ms, slowest {laps[-1] * 1000:.0f} ms"

    def report(self, title: str, top: int = 25) -> None:
        if not self.profiler:
            return
        for key in ("cumulative", "tottime"):
            print(f"\n---- profile of {title}, top {top} by {key} ----")
            pstats.Stats(self.profiler, stream=sys.stdout).strip_dirs().sort_stats(key).print_stats(top)


def peak_memory(fn, *args):
    """Run fn(*args) under tracemalloc; return (its result, peak MiB of Python allocations)."""
    tracemalloc.start()
    try:
        result = fn(*args)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak / 2**20


def verdict(ratio: float, bar: float) -> str:
    return f"ratio {ratio:.2f} (bar >= {bar:.2f}) {'MET' if ratio >= bar else 'MISSED'}"


def database_label(url: str) -> str:
    return "PostgreSQL" if url.startswith("postgresql") else "SQLite"


def server_url_from_env():
    return os.environ.get("DATABASE_URL") or None
