"""SQLite's write-ahead log is copied back by the background checkpointer, not by commits."""
import os
import signal
import time

import sqlalchemy as sa

from server.db import checkpoint
from server.db.checkpoint import BACKSTOP, Checkpointer


def _wal_app(tmp_path, monkeypatch, name: str):
    """An app on a fresh SQLite file with a table t(id, v), checkpointing 10 ms after a commit."""
    monkeypatch.setattr("server.db.checkpoint.INTERVAL", 0.01)
    from server import create_app
    from server.config import TestConfig
    app = create_app(TestConfig(f"sqlite:///{tmp_path / name}"))
    with app.app_context():
        from server.extensions import db
        with db.engine.begin() as conn:
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == BACKSTOP
            conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    return app


def _wait_for(condition, timeout=10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.005)


def test_commits_leave_the_log_to_the_checkpointer(tmp_path, monkeypatch):
    app = _wal_app(tmp_path, monkeypatch, "wal.db")
    from server.extensions import db
    with app.app_context():
        engine = db.engine
        checkpointer = engine._kentta_checkpointer
        size_before = os.path.getsize(tmp_path / "wal.db")
        for i in range(20):  # commits that would pass SQLite's default 1000-page checkpoint threshold
            with engine.begin() as conn:
                conn.exec_driver_sql("INSERT INTO t (v) VALUES (?)", [("x" * 4000,) for _ in range(60)])
        _wait_for(lambda: checkpointer.runs > 0)
        assert checkpointer.runs > 0
        # A run may have started before the last commit.
        _wait_for(lambda: os.path.getsize(tmp_path / "wal.db") >= size_before + 1200 * 4000)
        assert os.path.getsize(tmp_path / "wal.db") >= size_before + 1200 * 4000  # the rows reached the file
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM t").scalar() == 1200
        engine.dispose()


def test_a_commit_slower_than_its_checkpoint_still_reaches_the_file(tmp_path, monkeypatch):
    """SQLAlchemy's commit event fires before the driver commits: on a loaded machine the checkpoint
    it wakes can run first, and with no later commit those pages stayed in the log (seen in CI)."""
    app = _wal_app(tmp_path, monkeypatch, "slow.db")
    from server.extensions import db
    with app.app_context():
        engine = db.engine
        checkpointer = engine._kentta_checkpointer
        _wait_for(lambda: checkpointer.runs > 0)  # the CREATE's checkpoint is done
        size_before = os.path.getsize(tmp_path / "slow.db")
        runs_before = checkpointer.runs
        # Registered after ours: the driver's commit waits until the woken checkpoint has run.
        sa.event.listen(engine, "commit", lambda _conn: _wait_for(lambda: checkpointer.runs > runs_before))
        with engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO t (v) VALUES (?)", [("x" * 4000,) for _ in range(60)])
        _wait_for(lambda: os.path.getsize(tmp_path / "slow.db") >= size_before + 60 * 4000)
        assert os.path.getsize(tmp_path / "slow.db") >= size_before + 60 * 4000  # the rows reached the file
    engine.dispose()


def test_the_checkpointer_never_creates_a_removed_database(tmp_path):
    path = tmp_path / "gone.db"
    checkpointer = Checkpointer(str(path))
    checkpointer.opened()
    checkpointer.checkpoint()  # logs and moves on
    assert not os.path.exists(path)


def test_after_dispose_the_folder_can_be_removed_at_once(tmp_path, monkeypatch):
    monkeypatch.setattr("server.db.checkpoint.INTERVAL", 0)
    from server import create_app
    from server.config import TestConfig
    from server.extensions import db
    folder = tmp_path / "gone"
    folder.mkdir()
    app = create_app(TestConfig(f"sqlite:///{folder / 'x.db'}"))
    with app.app_context():
        engine = db.engine
        for _ in range(50):  # commits keep poking the checkpointer right up to dispose
            with engine.begin() as conn:
                conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS t (v TEXT)")
                conn.exec_driver_sql("INSERT INTO t VALUES ('x')")
        db.session.remove()
        engine.dispose()
        assert engine._kentta_checkpointer.connections == 0
    for name in os.listdir(folder):
        os.remove(folder / name)
    time.sleep(0.05)  # a late checkpoint run would recreate files here
    folder.rmdir()


def test_a_checkpoint_copies_the_log_back(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'c.db'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA journal_mode=WAL")
        conn.exec_driver_sql("PRAGMA wal_autocheckpoint=0")
        conn.exec_driver_sql("CREATE TABLE t (v TEXT)")
        conn.exec_driver_sql("INSERT INTO t VALUES ('x')")
    size_before = os.path.getsize(tmp_path / "c.db")
    checkpointer = Checkpointer(str(tmp_path / "c.db"))
    checkpointer.checkpoint()  # no connection of the app is open: the file is left alone
    assert os.path.getsize(tmp_path / "c.db") == size_before
    checkpointer.opened()
    checkpointer.checkpoint()
    assert os.path.getsize(tmp_path / "c.db") > size_before  # the table's pages are in the file now
    engine.dispose()


def test_the_checkpointer_thread_leaves_signals_to_the_main_thread(tmp_path, monkeypatch):
    # A signal the kernel hands to this thread would not interrupt the main thread's wait.
    masks = []

    def run_and_read_mask(self):
        checkpoint._leave_signals_to_the_main_thread()
        masks.append(signal.pthread_sigmask(signal.SIG_BLOCK, []))  # adds nothing: reads the mask

    monkeypatch.setattr(Checkpointer, "_run", run_and_read_mask, raising=True)
    Checkpointer(str(tmp_path / "x.db")).poke()
    deadline = time.monotonic() + 10
    while not masks and time.monotonic() < deadline:
        time.sleep(0.01)
    assert {signal.SIGTERM, signal.SIGINT, signal.SIGHUP} <= masks[0]
    assert signal.SIGTERM not in signal.pthread_sigmask(signal.SIG_BLOCK, [])  # the main thread still takes it


def test_the_checkpointer_blocks_its_signals_before_anything_else(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(checkpoint, "_leave_signals_to_the_main_thread", lambda: calls.append("masked"))
    monkeypatch.setattr(checkpoint, "IDLE", 0.01)
    checkpointer = Checkpointer(str(tmp_path / "y.db"))
    checkpointer.poke()
    checkpointer.thread.join(5)
    assert calls == ["masked"]
