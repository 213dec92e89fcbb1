#!/usr/bin/env python3
"""Load benchmark: simulated phones against a real gunicorn with 1 and then 4 workers (loopback only).

Each run gets a fresh database with the demo data, starts gunicorn itself, and lets N phones loop:
pull to the end (cursor paging), push a batch of 1-20 ops (creates, and edits of their own records
with seq), read their calendar feed. It prints ops/s and p50/p95/p99 latency per request kind and
the errors, then checks that every pushed value is in a full pull (0 lost), and finally the
4-worker/1-worker throughput ratio. `--ceiling` also measures the one version counter's write
ceiling: tiny pushes at growing concurrency, and the bare counter-row transaction in SQL."""
import argparse
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TMP = Path(tempfile.mkdtemp(prefix="kentta-load-"))
os.environ.setdefault("SECRET_KEY", "loadtest-secret")
os.environ.setdefault("KENTTA_INSTANCE", str(TMP / "instance"))
sys.path.insert(0, str(ROOT))
import sqlalchemy as sa  # noqa: E402

USERS = ("manager@example.com", "rep1@example.com", "rep2@example.com")


def fresh_database(args) -> tuple[str, callable]:
    """A new database with the demo data; returns its URL and a function that drops it."""
    from server import create_app
    from server.cli import init_database
    from server.demo import load_demo
    from server.extensions import db

    if args.sqlite:
        url, drop = f"sqlite:///{TMP / uuid.uuid4().hex[:8]}.db", lambda: None
    else:
        name = f"kentta_load_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(args.database_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = sa.engine.make_url(args.database_url).set(database=name).render_as_string(hide_password=False)

        def drop():
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        init_database()
        load_demo(progress=lambda _msg: None)
        db.session.remove()
        db.engine.dispose()
    return url, drop


def start_gunicorn(url: str, workers: int, threads: int) -> tuple[subprocess.Popen, int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": url, "DEMO": "1", "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
    log = open(TMP / f"gunicorn-{port}.log", "w")
    proc = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-w", str(workers), "-k", "gthread",
                             "--threads", str(threads), "-b", f"127.0.0.1:{port}", "server:create_app()"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"gunicorn exited; see {log.name}")
        try:
            if request(port, "GET", "/api/openapi.json")[0] == 200:
                return proc, port
        except OSError:
            time.sleep(0.2)
    sys.exit("gunicorn did not answer in 120 s")


def stop(proc) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()


def request(port, method, path, body=None, headers=None):
    """One request on a new connection (so requests spread over the workers): (status, text)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request(method, path, body=None if body is None else json.dumps(body),
                     headers={"Content-Type": "application/json", **(headers or {})})
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


class Phone:
    """One simulated installation: its token, cursor, outbox counter and the values it pushed."""

    def __init__(self, port, email, n):
        self.port, self.n, self.seq, self.cursor, self.mine = port, n, 0, 0, {}  # mine: id -> version
        status, text = request(port, "POST", "/api/auth/token", {"email": email, "password": "demo1234"})
        assert status == 201, text
        self.headers = {"Authorization": f"Bearer {json.loads(text)['token']}"}
        me = json.loads(request(port, "GET", "/api/me", headers=self.headers)[1])
        self.feed = "/" + me["calendar_url"].split("/", 3)[3]
        self.pushed, self.rejected = {}, 0  # (id, field) -> the last value this phone pushed; ops refused

    def pull(self):
        status, text = request(self.port, "GET", f"/api/sync/pull?cursor={self.cursor}&limit=500", headers=self.headers)
        body = json.loads(text) if status == 200 else {"cursor": self.cursor, "more": False}
        self.cursor = body["cursor"]
        return status, text, body["more"]

    def push(self, rng):
        ops, at = [], time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 5))
        for _ in range(rng.randint(1, 20)):
            self.seq += 1
            value = f"p{self.n}-{self.seq}"
            if self.mine and rng.random() < 0.5:
                rid = rng.choice(list(self.mine))
                ops.append({"id": rid, "base_version": self.mine[rid], "fields": {"city": value}})
            else:
                rid = str(uuid.uuid4())
                ops.append({"id": rid, "base_version": 0, "fields": {"name": value}})
            ops[-1].update(op_id=str(uuid.uuid4()), entity="customer", type="put", seq=self.seq, edited_at=at)
        status, text = request(self.port, "POST", "/api/sync/push", {"client_id": f"load-{self.n}", "ops": ops},
                               self.headers)
        if status == 200:
            for one, result in zip(ops, json.loads(text)["results"]):
                self.rejected += result["status"] == "rejected"
                if result["status"] != "rejected":
                    self.mine[one["id"]] = result["version"]
                    self.pushed.update(((one["id"], f), v) for f, v in one["fields"].items())
        return status, text, len(ops)


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p / 100))] * 1000 if values else 0.0


def run(args, workers: int) -> dict:
    url, drop = fresh_database(args)
    proc, port = start_gunicorn(url, workers, args.threads)
    try:
        phones = [Phone(port, USERS[n % len(USERS)], n) for n in range(args.phones)]
        stats = {kind: {"lat": [], "errors": 0, "ops": 0} for kind in ("pull", "push", "feed")}
        lock, budget = threading.Lock(), [args.max_requests]
        end = time.monotonic() + args.seconds

        def timed(kind, call):
            t0 = time.perf_counter()
            try:
                status, text, *extra = call()
                bad = status >= 500 or status not in (200, 304) or "database is locked" in text
            except OSError:
                status, extra, bad = 0, [0], True
            with lock:
                stats[kind]["lat"].append(time.perf_counter() - t0)
                stats[kind]["errors"] += bad
                stats[kind]["ops"] += extra[0] if kind == "push" and extra else 0
            return extra

        def loop(phone):
            rng = random.Random(phone.n)
            while time.monotonic() < end:
                with lock:
                    if budget[0] <= 0:
                        return
                    budget[0] -= 3
                while timed("pull", phone.pull)[0]:  # page until `more` is false
                    pass
                timed("push", lambda: phone.push(rng))
                timed("feed", lambda: (*request(port, "GET", phone.feed), 0))
        started = time.monotonic()
        threads = [threading.Thread(target=loop, args=(phone,)) for phone in phones]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        lost, checked = final_check(port, phones)
    finally:
        stop(proc)
        drop()
    total = sum(len(s["lat"]) for s in stats.values())
    print(f"\n== {workers} worker(s) x {args.threads} threads, {args.phones} phones, {elapsed:.1f} s ==")
    print(f"{'kind':6} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}")
    for kind, s in stats.items():
        print(f"{kind:6} {len(s['lat']):8d} {len(s['lat']) / elapsed:8.1f} {percentile(s['lat'], 50):8.1f} "
              f"{percentile(s['lat'], 95):8.1f} {percentile(s['lat'], 99):8.1f} {s['errors']:6d}")
    print(f"all    {total:8d} {total / elapsed:8.1f}   pushed ops/s: {stats['push']['ops'] / elapsed:.1f}")
    print(f"final check: {checked} pushed values, {lost} lost; {sum(p.rejected for p in phones)} ops rejected")
    return {"rps": total / elapsed, "ops": stats["push"]["ops"] / elapsed, "lost": lost,
            "errors": sum(s["errors"] for s in stats.values())}


def final_check(port, phones) -> tuple[int, int]:
    """Count the values the phones pushed last that a full pull (as the manager, who sees all) lacks."""
    state, cursor = {}, 0
    while True:
        status, text = request(port, "GET", f"/api/sync/pull?cursor={cursor}&limit=1000", headers=phones[0].headers)
        body = json.loads(text)
        state.update({c["id"]: c["data"] for c in body["changes"] if c["entity"] == "customer"})
        cursor = body["cursor"]
        if not body["more"]:
            break
    wanted = {key: value for phone in phones for key, value in phone.pushed.items()}
    return sum(1 for (rid, field), value in wanted.items() if state.get(rid, {}).get(field) != value), len(wanted)


def ceiling(args) -> None:
    """Pushes/s of 1-op pushes at growing concurrency (4 workers), then the bare counter transaction in SQL."""
    url, drop = fresh_database(args)
    proc, port = start_gunicorn(url, 4, args.threads)
    try:
        print("\n== version counter ceiling: 1-op pushes on 4 workers ==")
        for clients in (1, 2, 4, 8, 16, 32):
            phones = [Phone(port, USERS[0], 1000 + n) for n in range(clients)]
            end, done = time.monotonic() + args.ceiling_seconds, [0] * clients

            def loop(k):
                while time.monotonic() < end:
                    phone = phones[k]
                    phone.seq += 1
                    op = {"op_id": str(uuid.uuid4()), "entity": "customer", "id": str(uuid.uuid4()), "type": "put",
                          "base_version": 0, "seq": phone.seq, "fields": {"name": f"c{k}-{phone.seq}"},
                          "edited_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 5))}
                    status, _text = request(port, "POST", "/api/sync/push",
                                            {"client_id": f"ceiling-{phone.n}", "ops": [op]}, phone.headers)
                    done[k] += status == 200
            threads = [threading.Thread(target=loop, args=(k,)) for k in range(clients)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            print(f"  {clients:3d} concurrent phones: {sum(done) / args.ceiling_seconds:7.1f} pushes/s")
    finally:
        stop(proc)
    from server.sync.versions import LOCK_AND_READ, READ, WRITE
    engine = sa.create_engine(url, pool_size=32)
    print("== the bare counter transaction (lock, read, write, commit) in SQL ==")
    for clients in (1, 4, 16):
        end, done = time.monotonic() + args.ceiling_seconds, [0] * clients

        def bare(k):
            while time.monotonic() < end:
                with engine.begin() as conn:
                    if engine.dialect.name == "postgresql":
                        value = conn.execute(LOCK_AND_READ).scalar_one()
                    else:
                        value = conn.execute(READ).scalar_one()
                    conn.execute(WRITE, {"v": value + 1})
                done[k] += 1
        threads = [threading.Thread(target=bare, args=(k,)) for k in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print(f"  {clients:3d} connections: {sum(done) / args.ceiling_seconds:8.1f} transactions/s")
    engine.dispose()
    drop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("KENTTA_TEST_POSTGRES_URL"),
                        help="a PostgreSQL server URL; each run creates and drops its own database there")
    parser.add_argument("--sqlite", action="store_true", help="use a fresh SQLite file instead of PostgreSQL")
    parser.add_argument("--seconds", type=float, default=30, help="length of each run (default 30)")
    parser.add_argument("--max-requests", type=int, default=100_000, help="stop a run after about this many requests")
    parser.add_argument("--phones", type=int, default=16, help="simulated phones (threads), default 16")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker, default 4")
    parser.add_argument("--workers", default="1,4", help="worker counts to run, default 1,4 ('' with --ceiling)")
    parser.add_argument("--ceiling", action="store_true", help="also measure the version counter's write ceiling")
    parser.add_argument("--ceiling-seconds", type=float, default=5)
    args = parser.parse_args()
    if not args.sqlite and not (args.database_url or "").startswith("postgresql"):
        parser.error("give --database-url postgresql+psycopg://... (or set KENTTA_TEST_POSTGRES_URL), or --sqlite")
    results = {w: run(args, w) for w in (int(w) for w in args.workers.split(",") if w.strip())}  # "": ceiling only
    if len(results) > 1:
        low, high = min(results), max(results)
        ratio = results[high]["rps"] / results[low]["rps"]
        print(f"\n{high}-worker/{low}-worker throughput ratio: requests {ratio:.2f}, "
              f"pushed ops {results[high]['ops'] / max(results[low]['ops'], 1e-9):.2f}")
    if args.ceiling:
        ceiling(args)
    return 1 if any(r["lost"] or r["errors"] for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
