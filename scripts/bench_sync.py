#!/usr/bin/env python
"""Measure sync push and pull against raw SQL baselines in the same run (SPEC §9).

    .venv/bin/python scripts/bench_sync.py [--quick] [--profile]
    DATABASE_URL=postgresql+psycopg://user@host:port/db .venv/bin/python scripts/bench_sync.py

Push: 10 000 ops in 20 requests of 500 through POST /api/sync/push, two phones taking turns (60 %
creates, 30 % updates on the current version, 10 % stale edits of a field the other phone changed,
which must come back as conflicts), against a bulk insert of the same rows. Pull: 20 000 customers,
20 000 contacts and 50 000 activities from cursor 0 through GET /api/sync/pull (limit 1000), against
one SELECT per table + json.dumps. Prints figures and whether the §9 bars hold; never fails on them.
"""
import argparse
import gc
import json
import random
import time
from collections import Counter
from datetime import datetime, timedelta, timezone

from bench_common import (Watch, build_app, database_label, dispose, fresh_databases, load_ops, make_user,
                          peak_memory, server_url_from_env, verdict)
from bench_sync_raw import raw_driver_insert, raw_insert, raw_select_json
from sqlalchemy import select

from server.demo import names as N
from server.demo.build import Builder
from server.entities import ENTITIES
from server.extensions import db
from server.models import User, new_op_id

BATCH, PUSH_BAR, PULL_BAR = 500, 1 / 3, 1 / 2
RECORDS = ("customer", "contact", "activity")
STAMP = "%Y-%m-%dT%H:%M:%SZ"


class Phones:
    """Two phones (a rep's and a manager's) taking turns, each push one request of `BATCH` ops."""

    def __init__(self, rep, manager, seed):
        self.rng = random.Random(seed)
        owner = rep.id  # every record is the rep's, so both phones may edit all of it
        # Creates are stamped before every update: a phone's own update stamped earlier than its create
        # is a late request, which the merge rightly ignores (no update, no conflict).
        self.clock = datetime.now(timezone.utc) - timedelta(days=2)
        self.builder = Builder(self.rng, {"rep1": owner, "rep2": owner, "manager": owner}, self.clock - timedelta(days=1))
        self.phones = [("bench-phone-rep", rep), ("bench-phone-manager", manager)]
        self.version, self.entity, self.contact_of = {}, {}, {}
        self.customers: list = []    # (id, fields)
        self.free: list = []         # ids that may take an update on their current version
        self.stale = {0: [], 1: []}  # phone -> [(id, base)]: notes the other phone changed after base
        self.serial = 0

    def creates(self, count: int) -> list:
        """Customers (each with one contact) and visits in SPEC proportions 2 : 2 : 5."""
        start, b = len(self.builder.ops), self.builder
        for _ in range(round(count * 2 / 9)):
            name = f"{self.rng.choice(N.CAFES).format(self.rng.choice(N.WORDS))} {len(self.customers)}"
            self.customers.append(b.customer(name, "customer", "cafe"))
            self.contact_of[self.customers[-1][0]] = b.contacts(self.customers[-1][0], 1)[0]
        while len(b.ops) - start < count:
            cid, cust = self.rng.choice(self.customers)
            status = self.rng.choice(["done", "done", "planned"])
            b.visit(cid, cust, self.contact_of[cid], b.when(-self.rng.randrange(0, 180)), status)
        ops = [{**op, "edited_at": op["edited_at"].strftime(STAMP)} for op in b.ops[start:]]
        for op in ops:
            self.entity[op["id"]] = op["entity"]
        return ops

    def update(self, record_id: str, base: int, minutes_back: int = 0) -> dict:
        self.serial += 1
        fields = {"notes": f"{self.rng.choice(N.OUTCOMES)} ({self.serial})"}
        fields.update({"customer": {"stage": self.rng.choice(["active", "occasional", "passive"])},
                       "contact": {"role": self.rng.choice(N.ROLES)},
                       "activity": {"status": "done", "outcome": self.rng.choice(N.OUTCOMES)}}[self.entity[record_id]])
        edited = self.clock - timedelta(minutes=minutes_back)
        # op ids as the PWA makes them: UUIDv7 of the edit's time (a stale edit has an old one)
        return {"op_id": new_op_id(int(edited.timestamp() * 1000)), "entity": self.entity[record_id],
                "id": record_id, "type": "put", "base_version": base, "fields": fields, "edited_at": edited.strftime(STAMP)}

    def batch(self, turn: int, creates: int, updates: int, conflicts: int):
        """One request's ops, and what each op's status must be."""
        self.clock += timedelta(minutes=1)
        new = self.creates(creates)
        fresh = [self.free.pop(self.rng.randrange(len(self.free))) for _ in range(updates)]
        stale = [self.stale[turn].pop(self.rng.randrange(len(self.stale[turn]))) for _ in range(conflicts)]
        changes = [(self.update(rid, self.version[rid]), "applied") for rid in fresh]
        # Half the stale edits were made before the other phone's edit (they lose), half after (they win).
        changes += [(self.update(rid, base, 24 * 60 * (i % 2)), "conflict") for i, (rid, base) in enumerate(stale)]
        self.rng.shuffle(changes)
        return new + [op for op, _ in changes], ["applied"] * len(new) + [want for _, want in changes]

    def learn(self, turn: int, ops: list, results: list) -> None:
        """Take the versions the server gave; a fresh update becomes a stale edit for the other phone."""
        for op, result in zip(ops, results):
            rid = op["id"]
            if op["base_version"] and op["base_version"] == self.version.get(rid):
                self.stale[1 - turn].append((rid, op["base_version"]))
            else:
                self.free.append(rid)
            self.version[rid] = result["version"]


def push_part(url, n_ops: int, profile: bool, seed: int):
    app = build_app(url)
    with app.app_context():
        rep, rep_h = make_user("rep", "rep@example.com")
        manager, manager_h = make_user("manager", "manager@example.com")
    client, phones, heads = app.test_client(), Phones(rep, manager, seed), [rep_h, manager_h]

    def send(turn, ops, watch=None):
        body = json.dumps({"client_id": phones.phones[turn][0], "ops": ops}).encode()  # the phone's work
        with watch or Watch():
            response = client.post("/api/sync/push", data=body, content_type="application/json", headers=heads[turn])
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        results = response.get_json()["results"]
        phones.learn(turn, ops, results)
        return results

    # Untimed seed by the manager's phone, so the rep's first timed batch has records to update and
    # notes the manager changed behind its back.
    seed_ops = phones.creates(BATCH)
    send(1, seed_ops)
    seeded = {op["id"] for op in seed_ops}
    first = [phones.update(rid, phones.version[rid]) for rid in phones.free[: BATCH // 5]]
    phones.free = phones.free[BATCH // 5:]
    send(1, first)

    watch, statuses, surprises = Watch(profile), Counter(), []
    split = (BATCH * 6 // 10, BATCH * 3 // 10, BATCH // 10)
    for i in range(n_ops // BATCH):
        ops, wanted = phones.batch(i % 2, *split)
        for result, want in zip(send(i % 2, ops, watch), wanted):
            statuses[result["status"]] += 1
            if result["status"] != want:
                surprises.append((want, result))
    # The raw baseline inserts the rows the timed pushes created, as they stand now, minus field
    # metadata, into a second, freshly migrated database: same schema, indexes, foreign keys and
    # connection settings, empty at the start like the push database was. It is compared per row
    # with the push per op: an update op costs the push about what a new row costs the raw insert.
    # The users and the seed rows were there before the timed pushes; they go in untimed.
    rows, before = {}, {}
    with app.app_context():
        before["user"] = [dict(r) for r in db.session.execute(select(User.__table__)).mappings()]
        for entity in RECORDS:
            stored = [{**r, "field_meta": {}} for r in db.session.execute(select(ENTITIES[entity].table)).mappings()]
            before[entity] = [r for r in stored if r["id"] in seeded]
            rows[entity] = [r for r in stored if r["id"] not in seeded]
    dispose(app)
    return n_ops // BATCH * BATCH, watch, statuses, surprises, before, rows


def load_pull_data(app, n_customers: int, seed: int):
    """n customers with one contact each and 2.5 n visits, written through apply_ops as a manager."""
    with app.app_context():
        rep, rep_h = make_user("rep", "rep@example.com")
        manager, _ = make_user("manager", "manager@example.com")
        rng = random.Random(seed)
        b = Builder(rng, {"rep1": rep.id, "rep2": rep.id, "manager": manager.id}, datetime.now(timezone.utc))
        customers = []
        for i in range(n_customers):
            cid, cust = b.customer(f"{rng.choice(N.CAFES).format(rng.choice(N.WORDS))} {i}", "customer", "cafe")
            customers.append((cid, cust, b.contacts(cid, 1)[0]))
        for i in range(n_customers * 5 // 2):
            cid, cust, contact = customers[i % n_customers]
            b.visit(cid, cust, contact, b.when(-rng.randrange(0, 180)), rng.choice(["done", "done", "planned"]))
        seconds = load_ops(manager, b.ops, BATCH)
        return rep_h, len(b.ops), seconds


def pull_all(client, headers, watch):
    """Follow `more` from cursor 0; only the requests are measured, not the client's JSON decoding."""
    cursor, counts, pages, size = 0, Counter(), 0, 0
    while True:
        with watch:
            response = client.get(f"/api/sync/pull?cursor={cursor}&limit=1000", headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        body = response.get_json()
        pages, size = pages + 1, size + len(response.get_data())
        counts.update(change["entity"] for change in body["changes"])
        cursor = body["cursor"]
        if not body["more"]:
            return counts, pages, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2 000 ops and a tenth of the pull rows")
    parser.add_argument("--profile", action="store_true", help="also print cProfile tables (slows the figures)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3, help="push rounds (each against its own raw inserts)")
    parser.add_argument("--push-only", action="store_true", help="skip the pull part")
    args = parser.parse_args()
    rounds = 1 if args.profile else args.rounds
    parts = [f"{kind}{i}" for i in range(rounds) for kind in ("push", "raw", "rawdriver")]
    with fresh_databases((*parts, "pull"), server_url_from_env()) as urls:
        print(f"== bench_sync on {database_label(urls['pull'])}{' (quick)' if args.quick else ''}"
              f"{' (profiled: figures are inflated)' if args.profile else ''} ==")
        push_section(urls, rounds, args)
        if not args.push_only:
            gc.collect()  # the push rounds' rows and results are gone before the pull is timed
            pull_section(urls["pull"], args)


def push_section(urls: dict, rounds: int, args) -> None:
    n_ops = 2000 if args.quick else 10000
    # Rounds alternate push and raw inserts, each on fresh databases; the best of each is kept
    # (as timeit does): other jobs on a shared machine only ever slow a round down.
    best: dict = {}
    for i in range(rounds):
        ops, watch, statuses, surprises, before, rows = push_part(urls[f"push{i}"], n_ops, args.profile, args.seed)
        n_rows, raw_seconds = raw_insert(urls[f"raw{i}"], before, rows)
        _, driver_seconds = raw_driver_insert(urls[f"rawdriver{i}"], before, rows)
        print(f"round {i + 1}:    push {watch.seconds / ops * 1e6:.1f} us/op, raw insert {raw_seconds / n_rows * 1e6:.1f} "
              f"us/row, raw driver {driver_seconds / n_rows * 1e6:.1f} us/row")
        if "push" not in best or watch.seconds < best["push"].seconds:
            best["push"] = watch
        best["raw"] = min(best.get("raw", raw_seconds), raw_seconds)
        best["driver"] = min(best.get("driver", driver_seconds), driver_seconds)
    watch, raw_seconds, driver_seconds = best["push"], best["raw"], best["driver"]
    push_rate, raw_rate, driver_rate = ops / watch.seconds, n_rows / raw_seconds, n_rows / driver_seconds
    print(f"push:       {ops} ops in {watch.seconds:.2f} s = {push_rate:.0f} ops/s "
          f"({', '.join(f'{k} {v}' for k, v in sorted(statuses.items()))}; {watch.spread()})")
    if surprises:
        print(f"            WARNING: {len(surprises)} ops got an unexpected status, e.g. {surprises[0]}")
    print(f"raw insert: {n_rows} rows in {raw_seconds:.2f} s = {raw_rate:.0f} rows/s "
          f"({', '.join(f'{len(v)} {k}' for k, v in rows.items())}, commit per {BATCH})")
    print(f"raw driver: {n_rows} rows in {driver_seconds:.2f} s = {driver_rate:.0f} rows/s "
          "(the driver's executemany, values converted by the column types' processors)")
    print(f"push/raw:   {verdict(push_rate / raw_rate, PUSH_BAR)} against SQLAlchemy Core executemany")
    print(f"push/raw:   {verdict(push_rate / driver_rate, PUSH_BAR)} against the driver's executemany (the stricter)")
    watch.report("push (HTTP requests)")


def pull_section(url: str, args) -> None:
    n_customers = 2000 if args.quick else 20000
    app = build_app(url)
    headers, n_loaded, setup = load_pull_data(app, n_customers, args.seed)
    print(f"pull setup: {n_loaded} records through apply_ops in {setup:.1f} s = {n_loaded / setup:.0f} ops/s "
          "(not measured against a bar)")
    client, best_pull, best_raw = app.test_client(), None, None
    for _ in range(1 if args.profile else 2):  # alternate, keep the best: other jobs share the machine
        start = time.perf_counter()
        raw_count, raw_size = raw_select_json(app)
        best_raw = min(best_raw or 1e9, time.perf_counter() - start)
        pull_watch = Watch(args.profile)
        counts, pages, pull_size = pull_all(client, headers, pull_watch)
        best_pull = pull_watch if best_pull is None or pull_watch.seconds < best_pull.seconds else best_pull
    n_pulled = sum(counts.values())
    _, pull_peak = peak_memory(pull_all, client, headers, Watch())
    _, raw_peak = peak_memory(raw_select_json, app)
    pull_rate, raw_rate = n_pulled / best_pull.seconds, raw_count / best_raw
    print(f"pull:       {n_pulled} rows ({', '.join(f'{v} {k}' for k, v in counts.items())}) in {pages} pages "
          f"in {best_pull.seconds:.2f} s = {pull_rate:.0f} rows/s, {pull_size / 2**20:.1f} MiB JSON, "
          f"peak Python memory {pull_peak:.1f} MiB ({best_pull.spread()})")
    print(f"raw select: {raw_count} rows + json.dumps in {best_raw:.2f} s = {raw_rate:.0f} rows/s, "
          f"{raw_size / 2**20:.1f} MiB JSON, peak Python memory {raw_peak:.1f} MiB")
    print(f"pull/raw:   {verdict(pull_rate / raw_rate, PULL_BAR)}")
    best_pull.report("pull (HTTP requests)")
    dispose(app)


if __name__ == "__main__":
    main()
