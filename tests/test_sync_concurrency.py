"""The pull cursor never skips a change while many writers commit at once (SPEC §5 'Server version').

8 threads push small batches (new customers, a contact, an update of an earlier record) while 2
threads pull from their own cursors in small pages. Most changes are never changed again, so a
skipped one would simply be missing from a puller's stream.
"""
import threading
import uuid

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from conftest import PASSWORD, _fresh_postgres_db
from sync_helpers import run_pushers_then_pullers
from server import create_app
from server.config import TestConfig
from server.extensions import db
from server.models import User
from server.sync.versions import ensure_counter

PUSHERS, PULLERS, BATCHES, PAGE = 8, 2, 25, 7


def _app_on(url):
    app = create_app(TestConfig(url))
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        ensure_counter(db.session)
        user = User(email="m@example.com", name="M", role="manager")
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
    r = app.test_client().post("/api/auth/token", json={"email": "m@example.com", "password": PASSWORD})
    assert r.status_code == 201, r.json
    return app, {"Authorization": f"Bearer {r.json['token']}"}


def _op(entity, rid, fields, base=0):
    return {"op_id": str(uuid.uuid4()), "entity": entity, "id": rid, "type": "put", "base_version": base,
            "fields": fields, "edited_at": "2026-11-20T08:00:00Z"}


def _race(app, headers):
    committed: dict = {}                     # (entity, id) -> versions the push answers gave
    streams = [[] for _ in range(PULLERS)]   # every change each puller received, in order
    early_pages = [0] * PULLERS              # pages pulled while the pushers were still running
    errors, lock, done = [], threading.Lock(), threading.Event()
    warmed = threading.Event()  # every puller has pulled a few pages: the pushers' last batch waits for it

    def pusher(n):
        client, mine = app.test_client(), {}  # this pusher's customers -> their latest version
        try:
            for b in range(BATCHES):
                if b == BATCHES - 1:  # on a loaded machine the pushers could finish before a first page
                    warmed.wait(timeout=120)
                a, c = str(uuid.uuid4()), str(uuid.uuid4())
                ops = [_op("customer", a, {"name": f"A{n}-{b}"}), _op("contact", str(uuid.uuid4()),
                       {"customer_id": a, "name": f"K{n}-{b}"}), _op("customer", c, {"name": f"C{n}-{b}"})]
                if mine:  # change an earlier record of this pusher again
                    rid = sorted(mine)[b % len(mine)]
                    ops.append(_op("customer", rid, {"city": f"city {b}"}, base=mine[rid]))
                r = client.post("/api/sync/push", json={"client_id": f"pusher-{n}", "ops": ops}, headers=headers)
                assert r.status_code == 200, r.json
                results = r.json["results"]
                assert [x["status"] for x in results] == ["applied"] * len(ops), results
                mine.update((one["id"], x["version"]) for one, x in zip(ops, results) if one["entity"] == "customer")
                with lock:
                    for one, x in zip(ops, results):
                        committed.setdefault((one["entity"], one["id"]), []).append(x["version"])
        except Exception as exc:  # a thread's failure would otherwise vanish
            errors.append(exc)

    def puller(k):
        client, cursor = app.test_client(), 0
        try:
            while True:
                finishing = done.is_set()  # read before the request: what it returns is then complete
                r = client.get(f"/api/sync/pull?cursor={cursor}&limit={PAGE}", headers=headers)
                assert r.status_code == 200, r.json
                body = r.json
                assert len(body["changes"]) <= PAGE and body["cursor"] >= cursor
                for change in body["changes"]:
                    assert cursor < change["version"] <= body["cursor"], (cursor, change["version"], body["cursor"])
                streams[k].append([(change["entity"], change["id"], change["version"]) for change in body["changes"]])
                cursor = body["cursor"]
                early_pages[k] += not finishing
                if min(early_pages) >= 3:
                    warmed.set()
                if finishing and not body["more"]:
                    return
        except Exception as exc:
            errors.append(exc)

    pullers = [threading.Thread(target=puller, args=(k,)) for k in range(PULLERS)]
    pushers = [threading.Thread(target=pusher, args=(n,)) for n in range(PUSHERS)]
    run_pushers_then_pullers(pushers, pullers, done, timeout=120)
    assert not errors, errors

    versions = sorted(v for vs in committed.values() for v in vs)
    assert len(versions) == len(set(versions)), "one counter: no version is given twice"
    final = {key: max(vs) for key, vs in committed.items()}
    for k in range(PULLERS):
        stream = [change for page in streams[k] for change in page]
        order = [v for _e, _id, v in stream]
        assert order == sorted(set(order)), "versions arrive strictly increasing, each once"
        seen: dict = {}
        for entity, rid, v in stream:
            seen.setdefault((entity, rid), set()).add(v)
        for key, vs in committed.items():  # every committed change was received or superseded
            for v in vs:
                assert key in seen and (v in seen[key] or max(seen[key]) > v), (k, key, v, seen.get(key))
        assert {key: max(vs) for key, vs in seen.items()} == final
        assert early_pages[k] >= 3, "the puller should have pulled while the pushers wrote"


@pytest.mark.postgres
def test_no_change_is_skipped_with_8_pushers_and_2_pullers_on_postgresql(postgres_url):
    url = _fresh_postgres_db(postgres_url)
    app, headers = _app_on(url)
    try:
        _race(app, headers)
    finally:
        with app.app_context():
            db.engine.dispose()
        engine = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{sa.engine.make_url(url).database}"'))
        engine.dispose()


def test_no_change_is_skipped_with_8_pushers_and_2_pullers_on_sqlite(tmp_path):
    app, headers = _app_on(f"sqlite:///{tmp_path / 'race.db'}")  # a file: threads get their own connections
    try:
        _race(app, headers)
    finally:
        with app.app_context():
            db.engine.dispose()
