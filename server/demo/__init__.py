"""Realistic demo data (SPEC §1's cases), written through the merge like every other write."""
import random
import time
from datetime import datetime, timezone

import sqlalchemy as sa

from ..cli import create_user
from ..extensions import db
from ..models import Customer, User
from ..sync.push import apply_ops
from ..sync.rules import Actor
from .build import Builder

DEMO_USERS = [
    ("manager@example.com", "Marja Esimies", "manager"),
    ("rep1@example.com", "Riku Myyjä", "rep"),
    ("rep2@example.com", "Reetta Kenttä", "rep"),
    ("service@example.com", "Sari Asiakaspalvelu", "service"),
    ("admin@example.com", "Aki Ylläpito", "admin"),
]
PASSWORD = "demo1234"
BATCH = 500


def ensure_users() -> dict:
    """The demo users by role key (manager, rep1, rep2, service, admin), created if missing."""
    out = {}
    for email, name, role in DEMO_USERS:
        user = db.session.query(User).filter_by(email=email).first() or create_user(email, name, role, PASSWORD)
        out[email.split("@")[0]] = user.id
    return out


def load_demo(size: int | None = None, seed: int = 1, progress=print) -> dict:
    """Load the demo users and records; `size` customers for benchmarks, else the ~150-customer demo."""
    if db.session.query(Customer.id).first() is not None:
        raise RuntimeError("demo data already loaded: the database has customers (use a new database).")
    users = ensure_users()
    builder = Builder(random.Random(seed), users, datetime.now(timezone.utc))
    ops = builder.benchmark(size) if size else builder.demo()
    actor = Actor(id=users["manager"], role="manager")
    started = time.perf_counter()
    for start in range(0, len(ops), BATCH):
        batch = ops[start:start + BATCH]
        results = apply_ops(db.session, actor, "demo-loader", batch)
        bad = [(op["entity"], r["errors"]) for op, r in zip(batch, results) if r["status"] != "applied"]
        if bad:
            db.session.rollback()
            raise RuntimeError(f"demo data did not validate: {bad[:3]}")
        db.session.commit()
        done = min(start + BATCH, len(ops))
        if done == len(ops) or (start // BATCH) % 10 == 0:
            progress(f"{done}/{len(ops)} records written ({time.perf_counter() - started:.1f} s)")
    if db.engine.dialect.name == "postgresql":  # fresh statistics, or pulls plan for empty tables
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
    return {"users": len(users), **builder.counts}
