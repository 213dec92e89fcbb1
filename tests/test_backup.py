"""`backup` while phones push, `restore` into a new database: the copy is one moment of the live one.

A writer thread pushes batches through HTTP the whole time; a second push is held open half-written
(its records and ledger rows inserted, its transaction not committed) while the backup runs. The
restored database must hold exactly what was committed up to its counter: every record at the
version it had then, none of the half-written push, nothing newer. Runs on SQLite and, with
KENTTA_TEST_DATABASE_URL pointing at PostgreSQL (scripts/test's second pass), with pg_dump.
"""
import os
import threading
import time
import uuid

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from conftest import _fresh_postgres_db
from server import backup as backup_module
from server import create_app
from server.config import TestConfig
from server.extensions import db
from server.models import AuditEntry
from server.sync import ledger as ledger_module
from server.sync.versions import ensure_counter
from sync_helpers import pull_all

VERSIONED = ("customers", "contacts", "activities", "tasks", "deliveries", "conflicts")


@pytest.fixture
def new_database(database_url, tmp_path):
    """An empty database of the same kind as the test database (no tables at all)."""
    server = os.environ.get("KENTTA_TEST_DATABASE_URL", "")
    url = _fresh_postgres_db(server) if database_url.startswith("postgresql") else f"sqlite:///{tmp_path / 'new.db'}"
    yield url
    if url.startswith("postgresql"):
        engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{sa.engine.make_url(url).database}" WITH (FORCE)'))
        engine.dispose()


def _op(entity, rid, fields, base=0):
    return {"op_id": str(uuid.uuid4()), "entity": entity, "id": rid, "type": "put", "base_version": base,
            "fields": fields, "edited_at": "2026-11-20T08:00:00Z"}


class Writer(threading.Thread):
    """Push a new customer, its contact and an edit of an earlier customer, batch after batch."""

    def __init__(self, app, headers):
        super().__init__(daemon=True)
        self.client, self.headers = app.test_client(), headers
        self.versions: dict = {}  # (entity, id) -> every version a push answer gave it
        self.batches, self.stop, self.errors = 0, threading.Event(), []

    def run(self):
        try:
            latest: dict = {}
            while not self.stop.is_set():
                cid = str(uuid.uuid4())
                ops = [_op("customer", cid, {"name": f"Asiakas {self.batches}"}),
                       _op("contact", str(uuid.uuid4()), {"customer_id": cid, "name": f"Yhteys {self.batches}"})]
                if latest:
                    rid = sorted(latest)[self.batches % len(latest)]
                    ops.append(_op("customer", rid, {"city": f"Kylä {self.batches}"}, base=latest[rid]))
                r = self.client.post("/api/sync/push", json={"client_id": "writer", "ops": ops}, headers=self.headers)
                assert r.status_code == 200, r.json
                assert [x["status"] for x in r.json["results"]] == ["applied"] * len(ops), r.json
                for one, x in zip(ops, r.json["results"]):
                    self.versions.setdefault((one["entity"], one["id"]), []).append(x["version"])
                    if one["entity"] == "customer":
                        latest[one["id"]] = x["version"]
                self.batches += 1
        except Exception as exc:  # a thread's failure would otherwise vanish
            self.errors.append(exc)

    def wait_for(self, batches):
        while self.batches < batches and self.is_alive():
            time.sleep(0.01)
        assert not self.errors, self.errors


def _hold_half_written(monkeypatch):
    """Make a push from client "half-written" stop after writing its rows, until released."""
    real_write, paused, release = ledger_module.write, threading.Event(), threading.Event()

    def write_then_wait(conn, rows):
        real_write(conn, rows)
        if rows and rows[0][1] == "half-written":  # ledger.COLUMNS: op_id, client_id, ...
            paused.set()
            assert release.wait(120), "never released"
    monkeypatch.setattr(ledger_module, "write", write_then_wait)
    return paused, release


def _run(target, results, *args):
    thread = threading.Thread(target=lambda: results.append(target(*args)), daemon=True)
    thread.start()
    return thread


def test_backup_during_writes_restores_exactly_one_committed_moment(app, users, tmp_path, new_database,
                                                                   monkeypatch):
    paused, release = _hold_half_written(monkeypatch)
    writer = Writer(app, users.manager_h)
    writer.start()
    writer.wait_for(5)

    half_ops = [_op("customer", str(uuid.uuid4()), {"name": f"Kesken {i}"}) for i in range(3)]
    half_answer: list = []
    half = _run(lambda: app.test_client().post("/api/sync/push", headers=users.manager_h,
                                               json={"client_id": "half-written", "ops": half_ops}), half_answer)
    assert paused.wait(60), "the half-written push never reached its pause"

    file = tmp_path / "kentta.backup"
    backup_result: list = []
    backing_up = _run(lambda: app.test_cli_runner().invoke(args=["backup", str(file)]), backup_result)
    while not file.exists() and backing_up.is_alive():  # the copy is done; on SQLite the audit entry
        time.sleep(0.01)                                 # then waits for the held push's write lock
    release.set()
    backing_up.join(120)
    half.join(120)
    done_at = writer.batches
    writer.wait_for(done_at + 5)
    writer.stop.set()
    writer.join(60)
    assert not writer.errors, writer.errors
    assert backup_result and backup_result[0].exit_code == 0, backup_result and backup_result[0].output
    assert half_answer[0].status_code == 200, half_answer[0].json
    live_changes, live_cursor = pull_all(app.test_client(), users.manager_h)
    live = {(c["entity"], c["id"]): c for c in live_changes}

    restored_app = create_app(TestConfig(new_database))
    with restored_app.app_context():  # a CLI command runs in the innermost app context, not its runner's app
        restored = restored_app.test_cli_runner().invoke(args=["restore", str(file)])
        assert restored.exit_code == 0, restored.output
        assert "Migrations are current" in restored.output and "customers" in restored.output
        counter = db.session.execute(sa.text("SELECT value FROM sync_counter")).scalar_one() - backup_module.RESTORE_JUMP
        highest = max(db.session.execute(sa.text(f"SELECT COALESCE(MAX(version), 0) FROM {t}")).scalar_one()
                      for t in VERSIONED)
        db.session.remove()
    # the bearer token came back with the users: the same phone pulls from the restored server, and
    # its cursor from after the backup is answered 410, so it resyncs from 0 instead of skipping
    stale = restored_app.test_client().get(f"/api/sync/pull?cursor={live_cursor}", headers=users.manager_h)
    assert stale.status_code == 410 and stale.json["error"]["code"] == "resync_required", stale.json
    pulled = {(c["entity"], c["id"]): c for c in pull_all(restored_app.test_client(), users.manager_h)[0]}
    got = {key: change["version"] for key, change in pulled.items()}
    with restored_app.app_context():
        db.engine.dispose()

    assert highest == counter  # no record beyond the counter, and the counter's last version is there
    expected = {key: max(v for v in seen if v <= counter) for key, seen in writer.versions.items()
                if min(seen) <= counter}
    assert got == expected  # each record at its version of that moment: no gap, nothing newer
    assert any(min(seen) > counter for seen in writer.versions.values())  # the writer went on afterwards
    assert all(r["version"] > counter for r in half_answer[0].json["results"])
    assert not {("customer", o["id"]) for o in half_ops} & set(got)  # the half-written push is not in it
    unchanged_since = {key: change for key, change in live.items() if change["version"] <= counter}
    assert unchanged_since and unchanged_since == {key: pulled[key] for key in unchanged_since}  # field by field

    entry = db.session.query(AuditEntry).filter_by(action="backup").one()
    assert entry.details["version"] == counter and entry.details["file"] == str(file.resolve())
    assert oct(file.stat().st_mode & 0o777) == "0o600"  # it holds people's data and password hashes


def test_backup_refuses_to_overwrite_and_restore_refuses_a_database_with_data(app, users, runner, tmp_path,
                                                                               new_database):
    file = tmp_path / "kentta.backup"
    file.write_bytes(b"an older file")
    refused = runner.invoke(args=["backup", str(file)])
    assert refused.exit_code == 1 and "already exists; give --force" in refused.output
    assert file.read_bytes() == b"an older file"
    assert runner.invoke(args=["backup", "--force", str(file)]).exit_code == 0
    assert not list(tmp_path.glob("*.partial"))

    assert not backup_module.is_empty(db.engine)  # users were made: the test database holds data
    into_live = runner.invoke(args=["restore", str(file)])
    assert into_live.exit_code == 1 and "holds data" in into_live.output

    target = create_app(TestConfig(new_database))
    with target.app_context():  # a database fresh from init-db counts as empty
        upgrade(directory=target.extensions["migrate"].directory)
        ensure_counter(db.session)
        db.session.commit()
        cli = target.test_cli_runner()
        first = cli.invoke(args=["restore", str(file)])
        assert first.exit_code == 0, first.output
        again = cli.invoke(args=["restore", str(file)])
        assert again.exit_code == 1 and "holds data" in again.output
        forced = cli.invoke(args=["restore", "--force", "--no-resync", str(file)])
        assert forced.exit_code == 0, forced.output
        assert "resyncs" not in forced.output and "resyncs in full" in first.output
        backed_up = db.session.query(AuditEntry).filter_by(action="restore").one().details["version"]
        assert db.session.execute(sa.text("SELECT value FROM sync_counter")).scalar_one() == backed_up
        emails = {row[0] for row in db.session.execute(sa.text("SELECT email FROM users"))}
        db.session.remove()
        db.engine.dispose()
    assert emails == {f"{role}@example.com" for role in ("rep", "rep2", "service", "manager", "admin")}


def test_restore_of_a_file_that_is_not_a_backup_says_so_and_changes_nothing(app, tmp_path, new_database):
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database\n" * 100)
    target = create_app(TestConfig(new_database))
    with target.app_context():
        result = target.test_cli_runner().invoke(args=["restore", "--force", str(junk)])
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert "not a database" in result.output or "not appear to be a valid archive" in result.output, result.output
        missing = target.test_cli_runner().invoke(args=["restore", str(tmp_path / "nothing.db")])
        assert missing.exit_code == 1 and "No backup file" in missing.output
        assert backup_module.is_empty(db.engine)
        db.engine.dispose()


def test_a_missing_pg_dump_names_the_package_to_install(monkeypatch):
    monkeypatch.setattr(backup_module.shutil, "which", lambda _name: None)
    monkeypatch.setattr(backup_module.glob, "glob", lambda _pattern: [])
    with pytest.raises(backup_module.BackupError, match="apt-get install postgresql-client"):
        backup_module.find_tool("pg_dump")
