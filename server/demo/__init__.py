"""Realistic demo data (SPEC §1's cases), written through the merge like every other write."""
import random
import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select, text

from ..accounts import create_user
from ..entities import ENTITIES
from ..extensions import db
from ..models import Customer, Task, User, new_op_id
from ..sync.push import apply_ops
from ..reminders.followups import followup_task_id
from ..permissions import Actor
from ..sync.versions import latest
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
    _close_old_follow_ups(actor, [op for op in ops if op["entity"] == "task"], now)
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
    """The server makes a delivery's follow-up itself: drop the demo's own, but keep its story —
    a follow-up the demo has as done is marked done on the server-made task."""
    wanted = [op["fields"]["delivery_id"] for op in tasks if op["fields"].get("delivery_id")]
    have = set()
    for start in range(0, len(wanted), BATCH):
        query = select(Task.delivery_id).where(Task.delivery_id.in_(wanted[start:start + BATCH]))
        have.update(db.session.scalars(query))
    seen = latest(db.session)  # the demo has seen every server-made task: its edit is not a conflict
    out = []
    for op in tasks:
        delivery_id = op["fields"].get("delivery_id")
        if delivery_id not in have:
            out.append(op)
        elif op["fields"].get("status") == "done":
            out.append({**op, "id": followup_task_id(delivery_id), "base_version": seen, "fields": {"status": "done"}})
    return out


def _close_old_follow_ups(actor: Actor, demo_tasks: list, now: datetime) -> None:
    """Server-made follow-ups of old deliveries the demo tells no story about were called long ago."""
    keep_open = {followup_task_id(op["fields"]["delivery_id"]) for op in demo_tasks
                 if op["fields"].get("delivery_id") and op["fields"].get("status") != "done"}
    cutoff = (now - timedelta(days=14)).date()
    old = db.session.scalars(select(Task.id).where(Task.kind == "follow_up", Task.status == "open",
                                                   Task.due_on < cutoff, Task.deleted.is_(False))).all()
    seen = latest(db.session)
    ops = [{"op_id": new_op_id(), "entity": "task", "id": tid, "type": "put", "base_version": seen,
            "fields": {"status": "done"}, "edited_at": now} for tid in old if tid not in keep_open]
    for start in range(0, len(ops), BATCH):
        _push(actor, ops[start:start + BATCH])


def _live(entity: str) -> int:
    model = ENTITIES[entity].model
    return db.session.scalar(select(func.count()).select_from(model).where(model.deleted.is_(False)))
