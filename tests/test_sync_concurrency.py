"""The pull cursor never skips a change while many writers commit at once (SPEC §5 'Server version')."""
import threading
import uuid

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from conftest import PASSWORD, _fresh_postgres_db
from server import create_app
from server import config
from server.extensions import db
from server.models import User
from server.sync.versions import ensure_counter

PUSHERS, PULLERS, BATCHES, OPS = 8, 2, 12, 4


def _app_on(url):
    app = create_app(config.TestConfig(url))
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        ensure_counter(db.session)
        user = User(email="m@example.com", name="M", role="manager")
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
    return app


def _token(app):
    return app.test_client().post("/api/auth/token", json={"email": "m@example.com", "password": PASSWORD}).json["token"]


def _race(app):
    headers = {"Authorization": f"Bearer {_token(app)}"}
    committed, seen, errors = {}, [dict() for _ in range(PULLERS)], []
    lock, done = threading.Lock(), threading.Event()

    def pusher(n):
        client = app.test_client()
        mine = [str(uuid.uuid4()) for _ in range(OPS)]
        try:
            for b in range(BATCHES):
                ops = [{"op_id": str(uuid.uuid4()), "entity": "customer", "id": rid, "type": "put",
                        "base_version": 0, "fields": {"name": f"P{n}-{b}-{i}"}, "edited_at": "2026-11-20T08:00:00Z"}
                       for i, rid in enumerate(mine)]
                r = client.post("/api/sync/push", json={"client_id": f"c{n}", "ops": ops}, headers=headers)
                assert r.status_code == 200, r.json
                with lock:
                    for one, result in zip(ops, r.json["results"]):
                        committed.setdefault(one["id"], set()).add(result["version"])
        except Exception as exc:  # reported below: a thread's assert would otherwise vanish
            errors.append(exc)

    def puller(k):
        client, cursor = app.test_client(), 0
        try:
            while True:
                finishing = done.is_set()
                body = client.get(f"/api/sync/pull?cursor={cursor}&limit=5", headers=headers).json
                for change in body["changes"]:
                    assert change["version"] > cursor
                    seen[k].setdefault(change["id"], set()).add(change["version"])
                cursor = body["cursor"]
                if finishing and not body["more"]:
                    return
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=pusher, args=(n,)) for n in range(PUSHERS)]
    readers = [threading.Thread(target=puller, args=(k,)) for k in range(PULLERS)]
    for t in readers + threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    for t in readers:
        t.join(timeout=120)
    assert not errors, errors
    final = {rid: max(versions) for rid, versions in committed.items()}
    for k in range(PULLERS):
        # a puller may see a record only at its newest version if it polled late, but it must have
        # seen every record, ending at the version that was committed last
        assert set(seen[k]) == set(final)
        assert {rid: max(v) for rid, v in seen[k].items()} == final
    every = sorted(v for versions in committed.values() for v in versions)
    assert len(every) == len(set(every)) == PUSHERS * BATCHES * OPS  # one counter, no version twice


@pytest.mark.postgres
def test_no_skipped_change_with_8_pushers_and_2_pullers_on_postgresql(postgres_url):
    url = _fresh_postgres_db(postgres_url)
    app = _app_on(url)
    try:
        _race(app)
    finally:
        with app.app_context():
            db.engine.dispose()


def test_no_skipped_change_with_8_pushers_and_2_pullers_on_sqlite(tmp_path):
    app = _app_on(f"sqlite:///{tmp_path / 'race.db'}")
    _race(app)
    with app.app_context():
        db.engine.dispose()
        assert sa.inspect(db.engine).has_table("customers")
