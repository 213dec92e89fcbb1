"""Realistic demo data (SPEC §1's cases), written through the merge like every other write."""
import random
import time
from datetime import datetime, timezone

from sqlalchemy import func, select, text

from ..cli import create_user
from ..entities import ENTITIES
from ..extensions import db
from ..models import Customer, Task, User
from ..sync.push import apply_ops
from ..sync.rules import Actor
from .shapes import Benchmark, Demo

DEMO_USERS = [
    ("manager@example.com", "Marja Esimies", "manager"),
    ("rep1@example.com", "Riku Myyjä", "rep"),
    ("rep2@example.com", "Reetta Kenttä", "rep"),
    ("service@example.com", "Sari Asiakaspalvelu", "service"),
    ("admin@example.com", "Aki Ylläpito", "admin"),
]
PASSWORD = "demo1234"
BATCH = 500
PHASES = ("customer", "contact", "delivery", "activity", "task")  # parents before children
REPORT_EVERY = 10  # batches between progress lines in a long phase


def ensure_users() -> dict:
    """The demo users by key (manager, rep1, rep2, service, admin), created if missing."""
    out = {}
    for email, name, role in DEMO_USERS:
        user = db.session.query(User).filter_by(email=email).first() or create_user(email, name, role, PASSWORD)
        out[email.split("@")[0]] = user.id
    return out


def load_demo(size: int | None = None, seed: int = 1, progress=print) -> dict:
    """Load the demo users and records: `size` customers for benchmarks, else the ~150-customer demo."""
    if size is not None and size < 1:
        raise ValueError("size must be a positive number of customers")
    if db.session.query(Customer.id).first() is not None:
        raise RuntimeError("demo data already loaded: the database already has customers; "
                           "load the demo into a new, empty database.")
    users = ensure_users()
    rng, now = random.Random(seed), datetime.now(timezone.utc)
    ops = Benchmark(rng, users, now).build(size) if size else Demo(rng, users, now).build()
    actor = Actor(id=users["manager"], role="manager")
    started = time.perf_counter()
    for entity in PHASES:
        phase = [op for op in ops if op["entity"] == entity]
        if entity == "task":
            phase = _without_existing_follow_ups(phase)
        plural = ENTITIES[entity].plural
        for number, start in enumerate(range(0, len(phase), BATCH), 1):
            _push(actor, phase[start:start + BATCH])
            done = min(start + BATCH, len(phase))
            if done == len(phase) or number % REPORT_EVERY == 0:
                progress(f"{plural} {done}/{len(phase)} ({time.perf_counter() - started:.1f} s)")
    if db.engine.dialect.name == "postgresql":  # fresh statistics, or pulls plan for empty tables
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    return {"users": len(users), **{ENTITIES[e].plural: _live(e) for e in PHASES}}


def _push(actor: Actor, batch: list) -> None:
    """Write one batch through the merge and commit it; any op not applied is a bug in the demo."""
    results = apply_ops(db.session, actor, "demo-loader", batch)
    bad = [(op["entity"], op["fields"].get("name") or op["fields"].get("title"), r["status"], r["errors"])
           for op, r in zip(batch, results) if r["status"] != "applied"]
    if bad:
        db.session.rollback()
        raise RuntimeError(f"demo data did not apply ({len(bad)} of {len(batch)} ops): {bad[:3]}")
    db.session.commit()


def _without_existing_follow_ups(tasks: list) -> list:
    """Skip a follow-up for a delivery that already has one (the server may make them itself)."""
    wanted = [op["fields"]["delivery_id"] for op in tasks if op["fields"].get("delivery_id")]
    have = set()
    for start in range(0, len(wanted), BATCH):
        query = select(Task.delivery_id).where(Task.delivery_id.in_(wanted[start:start + BATCH]))
        have.update(db.session.scalars(query))
    return [op for op in tasks if op["fields"].get("delivery_id") not in have]


def _live(entity: str) -> int:
    model = ENTITIES[entity].model
    return db.session.scalar(select(func.count()).select_from(model).where(model.deleted.is_(False)))
