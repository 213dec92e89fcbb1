#!/usr/bin/env python3
"""Benchmark sync push and pull against raw database work in the same run (SPEC §9).

Push: 10 000 ops over HTTP in batches of 500 (60 % creates, 30 % updates, 10 % conflicting
updates from a second phone) vs a raw SQLAlchemy Core bulk insert of as many rows (the records
the push made, plus copies for the updates) in batches of 500 with a commit per batch, into a
fresh copy of the same schema. Pull: 20 000 customers + 20 000 contacts + 50 000 activities
(demo loader, size 20 000) from cursor 0 with limit 1000 vs one raw SELECT per table + json.dumps.

  .venv/bin/python scripts/bench_sync.py            # SQLite file in a temporary folder
  DATABASE_URL=postgresql+psycopg://... .venv/bin/python scripts/bench_sync.py
  ... --quick                                        # 2 000 ops, 2 000 customers: a fast check
"""
import argparse
import json
import os
import random
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from flask_migrate import upgrade  # noqa: E402

from server import create_app  # noqa: E402
from server.cli import create_user  # noqa: E402
from server.demo import load_demo  # noqa: E402
from server.extensions import db  # noqa: E402

PASSWORD = "bench-pass-1"


def fresh_database(base_url: str | None, tmp: Path, name: str) -> tuple[str, callable]:
    """A new empty database URL and a function that drops it."""
    if not base_url or base_url.startswith("sqlite"):
        return f"sqlite:///{tmp / (name + '.db')}", lambda: None
    dbname = f"kentta_bench_{name}_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{dbname}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)'))
        admin.dispose()
    return sa.engine.make_url(base_url).set(database=dbname).render_as_string(hide_password=False), drop


def make_app(url: str):
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
    return app


def login(app, email, role, password=PASSWORD):
    with app.app_context():
        if not db.session.query(db.metadata.tables["users"]).filter_by(email=email).first():
            create_user(email, role, role, password)
    client = app.test_client()
    token = client.post("/api/auth/token", json={"email": email, "password": password}).json["token"]
    return client, {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


def push_ops(total: int, rng: random.Random):
    """(phone, op) pairs: 60 % creates, 30 % updates, 10 % conflicting updates from phone B."""
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    created, out = [], []
    for i in range(total):
        roll = rng.random() if created else 0.0
        if roll < 0.6:
            entity = ["customer", "contact", "activity"][i % 3] if created else "customer"
            rid, parent = str(uuid.uuid4()), (rng.choice([c for c in created if c[0] == "customer"])[1]
                                               if entity != "customer" else None)
            fields = {"customer": {"name": f"Kahvila {i}", "city": "Tampere", "segment": "B", "phone": "+358 40 1"},
                      "contact": {"customer_id": parent, "name": f"Liisa {i}", "role": "ostaja"},
                      "activity": {"customer_id": parent, "type": "visit", "status": "done", "title": f"Käynti {i}",
                                   "starts_at": "2026-11-20T08:00:00Z", "notes": "Tilasi lisää."}}[entity]
            created.append((entity, rid))
            out.append(("a", {"entity": entity, "id": rid, "fields": fields, "base": 0}))
        else:
            entity, rid = rng.choice(created)
            field = {"customer": "city", "contact": "phone", "activity": "notes"}[entity]
            phone = "b" if roll >= 0.9 else "a"
            out.append((phone, {"entity": entity, "id": rid, "fields": {field: f"v{i}"}, "base": "stale" if phone == "b" else "seen"}))
    return [(phone, {"op_id": str(uuid.uuid4()), "entity": o["entity"], "id": o["id"], "type": "put",
                     "base_version": o["base"], "fields": o["fields"], "edited_at": stamp}) for phone, o in out]


def bench_push(base_url, tmp, total):
    url, drop = fresh_database(base_url, tmp, "push")
    app = make_app(url)
    client_a, ha = login(app, "rep-a@example.com", "manager")
    client_b, hb = login(app, "rep-b@example.com", "manager")
    ops = push_ops(total, random.Random(7))
    versions, statuses = {}, {}
    elapsed = 0.0
    for start in range(0, len(ops), 500):
        chunk = ops[start:start + 500]
        for phone in ("a", "b"):
            batch = []
            for who, op in chunk:
                if who != phone:
                    continue
                if op["base_version"] == "seen":
                    op = {**op, "base_version": versions.get(op["id"], 0)}
                elif op["base_version"] == "stale":
                    op = {**op, "base_version": 1}  # phone B saw only an early state: a real conflict
                batch.append(op)
            if not batch:
                continue
            body = json.dumps({"client_id": f"phone-{phone}", "ops": batch})
            client, headers = (client_a, ha) if phone == "a" else (client_b, hb)
            t = time.perf_counter()
            response = client.post("/api/sync/push", data=body, headers=headers)
            elapsed += time.perf_counter() - t
            assert response.status_code == 200, response.json
            for op, result in zip(batch, response.json["results"]):
                versions[op["id"]] = result["version"]
                statuses[result["status"]] = statuses.get(result["status"], 0) + 1

    with app.app_context():  # the rows the push made, as the raw baseline will insert them again
        rows = {}
        with db.engine.connect() as conn:
            for name in ("users", "customers", "contacts", "activities"):
                rows[name] = [dict(r) for r in conn.execute(sa.select(db.metadata.tables[name])).mappings()]
        db.engine.dispose()
    raw_url, raw_drop = fresh_database(base_url, tmp, "raw")
    raw_app = make_app(raw_url)
    need = total - sum(len(rows[n]) for n in ("customers", "contacts", "activities"))
    extra = [dict(r, id=str(uuid.uuid4())) for r in (rows["customers"] * (need // max(len(rows["customers"]), 1) + 1))[:need]]
    plan = [("customers", r) for r in rows["customers"] + extra] + [("contacts", r) for r in rows["contacts"]] + \
           [("activities", r) for r in rows["activities"]]
    with raw_app.app_context():
        engine = db.engine
        with engine.begin() as conn:  # owners first (not timed): rows point at them
            conn.execute(db.metadata.tables["users"].insert(), rows["users"])
        t = time.perf_counter()
        for start in range(0, len(plan), 500):
            chunk = plan[start:start + 500]
            with engine.begin() as conn:
                for name in ("customers", "contacts", "activities"):
                    part = [dict(r, field_meta={}) for n, r in chunk if n == name]
                    if part:
                        conn.execute(db.metadata.tables[name].insert(), part)
        raw_elapsed = time.perf_counter() - t
        engine.dispose()
    drop()
    raw_drop()
    return {"ops": total, "seconds": elapsed, "statuses": statuses, "raw_rows": len(plan), "raw_seconds": raw_elapsed}


def _plain(value):
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def bench_pull(base_url, tmp, size):
    url, drop = fresh_database(base_url, tmp, "pull")
    app = make_app(url)
    with app.app_context():
        t = time.perf_counter()
        summary = load_demo(size=size, progress=lambda _m: None)
        setup = time.perf_counter() - t
    client, headers = login(app, "manager@example.com", "manager", "demo1234")
    t = time.perf_counter()
    cursor, count, pages = 0, 0, 0
    while True:
        response = client.get(f"/api/sync/pull?cursor={cursor}&limit=1000", headers=headers)
        body = json.loads(response.data)
        count += len(body["changes"])
        pages += 1
        cursor = body["cursor"]
        if not body["more"]:
            break
    elapsed = time.perf_counter() - t
    with app.app_context():
        t = time.perf_counter()
        raw = 0
        with db.engine.connect() as conn:
            for name in ("customers", "contacts", "activities", "deliveries", "tasks"):
                table = db.metadata.tables[name]
                cols = [c for c in table.c if c.name not in ("field_meta", "search_text")]
                result = [{k: _plain(v) for k, v in r.items()} for r in conn.execute(sa.select(*cols)).mappings()]
                json.dumps(result)
                raw += len(result)
        raw_elapsed = time.perf_counter() - t
        db.engine.dispose()
    drop()
    return {"rows": count, "pages": pages, "seconds": elapsed, "raw_rows": raw, "raw_seconds": raw_elapsed,
            "setup": setup, "summary": summary}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 000 ops and 2 000 customers")
    args = parser.parse_args()
    base_url = os.environ.get("DATABASE_URL")
    ops, size = (2000, 2000) if args.quick else (10_000, 20_000)
    engine = "PostgreSQL" if base_url and base_url.startswith("postgresql") else "SQLite"
    with tempfile.TemporaryDirectory() as tmp:
        p = bench_push(base_url, Path(tmp), ops)
        push_rate, raw_rate = p["ops"] / p["seconds"], p["raw_rows"] / p["raw_seconds"]
        print(f"[{engine}] push: {p['ops']} ops in {p['seconds']:.2f} s = {push_rate:,.0f} ops/s "
              f"({', '.join(f'{v} {k}' for k, v in sorted(p['statuses'].items()))})")
        print(f"[{engine}] raw insert: {p['raw_rows']} rows in {p['raw_seconds']:.2f} s = {raw_rate:,.0f} rows/s")
        print(f"[{engine}] push/raw ratio {push_rate / raw_rate:.2f} (bar >= 0.33) "
              f"{'MET' if push_rate / raw_rate >= 1 / 3 else 'MISSED'}")
        q = bench_pull(base_url, Path(tmp), size)
        pull_rate, select_rate = q["rows"] / q["seconds"], q["raw_rows"] / q["raw_seconds"]
        print(f"[{engine}] setup: {q['summary']} through the merge in {q['setup']:.1f} s")
        print(f"[{engine}] pull: {q['rows']} changes in {q['pages']} pages, {q['seconds']:.2f} s = {pull_rate:,.0f} rows/s")
        print(f"[{engine}] raw select + json: {q['raw_rows']} rows in {q['raw_seconds']:.2f} s = {select_rate:,.0f} rows/s")
        print(f"[{engine}] pull/raw ratio {pull_rate / select_rate:.2f} (bar >= 0.50) "
              f"{'MET' if pull_rate / select_rate >= 0.5 else 'MISSED'}")


if __name__ == "__main__":
    main()
