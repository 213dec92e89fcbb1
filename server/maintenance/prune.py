"""Bounded growth (issue 16 item 6): prune the op ledger, resolved rejected ops, finished import
jobs and old tombstones after their configured ages. README "Bounded growth" says why each age is
safe; the audit log is never pruned (it is the record of who did what to people's data).

Every table is pruned in small batches, each its own transaction, so a prune of millions of rows
never holds a lock for long nor builds one giant transaction. Rows are walked in primary-key order
(keyset paging), so the whole prune reads each table once and needs no extra index on the ages:
an index on op_ledger.received_at would cost every push an index write for a daily job.
"""
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select

from ..models import ImportJob, OpLedger, OrgSetting, QuarantinedOp, utcnow
from . import tombstones

BATCH = 1000
LAST_RUN_KEY = "pruned_at"  # OrgSetting: when the last prune finished (the reminder loop's daily check)
DAY = timedelta(days=1)


def _aged(config, now):
    """The cutoff instants from the app's config: rows older than these go."""
    return {"ledger": now - timedelta(days=config["LEDGER_RETENTION_DAYS"]),
            "rejected": now - timedelta(days=config["REJECTED_RETENTION_DAYS"]),
            "tombstone": now - timedelta(days=config["TOMBSTONE_RETENTION_DAYS"])}


def _conditions(cutoffs):
    """(table, key column, condition) of each plain table that is pruned."""
    return {
        "ledger": (OpLedger.__table__, OpLedger.op_id, OpLedger.received_at < cutoffs["ledger"]),
        # Unresolved rejected ops are someone's unsaved input: they stay until a person resolves them.
        "rejected": (QuarantinedOp.__table__, QuarantinedOp.id,
                     (QuarantinedOp.resolved.is_(True)) & (QuarantinedOp.created_at < cutoffs["rejected"])),
        # A job that never ran is an abandoned upload: its file holds people's data, so it goes too.
        "import_jobs": (ImportJob.__table__, ImportJob.id,
                        or_(ImportJob.finished_at < cutoffs["ledger"],
                            ImportJob.finished_at.is_(None) & (ImportJob.created_at < cutoffs["ledger"])
                            & (ImportJob.status == "uploaded"))),
    }


def prune(session, config, now=None, dry_run: bool = False, batch: int = BATCH) -> dict:
    """Remove what is older than the retention settings; return counts (what would go, on a dry run)."""
    now = now or utcnow()
    cutoffs = _aged(config, now)
    counts = {}
    for name, (table, key, condition) in _conditions(cutoffs).items():
        if dry_run:
            counts[name] = session.execute(select(func.count()).select_from(table).where(condition)).scalar_one()
        else:
            counts[name] = _delete_in_batches(session, table, key, condition, batch)
    if dry_run:
        gone, horizon = tombstones.count(session, cutoffs["tombstone"])
        session.rollback()
    else:
        gone, horizon = tombstones.prune(session, cutoffs["tombstone"], batch)
        _set(session, LAST_RUN_KEY, now.isoformat(timespec="seconds"))
        session.commit()
    counts["tombstones"] = gone
    counts["horizon"] = horizon
    return counts


def _delete_in_batches(session, table, key, condition, batch: int) -> int:
    removed, after = 0, None
    while True:
        query = select(key).where(condition).order_by(key).limit(batch)
        if after is not None:
            query = query.where(key > after)
        keys = session.execute(query).scalars().all()
        if not keys:
            session.rollback()
            return removed
        session.execute(delete(table).where(key.in_(keys)))
        session.commit()
        removed += len(keys)
        after = keys[-1]


def due(session, now=None) -> bool:
    """Whether a day has passed since the last prune finished (or none ever ran)."""
    last = session.execute(select(OrgSetting.value).where(OrgSetting.key == LAST_RUN_KEY)).scalar()
    session.rollback()  # a read only: hand the connection back before a loop sleeps
    return last is None or (now or utcnow()) - datetime.fromisoformat(last) >= DAY


def prune_if_due(session, config, now=None):
    """Prune when a day has passed since the last prune; return its counts, or None when not due.

    Two loops (two servers) may both find it due: a prune deletes only what is old, so a second one
    at once finds little and does no harm.
    """
    if not due(session, now):
        return None
    return prune(session, config, now=now)


def _set(session, key: str, value: str) -> None:
    row = session.get(OrgSetting, key)
    if row is None:
        session.add(OrgSetting(key=key, value=value))
    else:
        row.value = value


def summary(counts: dict) -> str:
    """One line of counts, as the CLI and the reminder loop print it."""
    graves = counts["tombstones"]
    return (f"ledger {counts['ledger']}, rejected (resolved) {counts['rejected']}, "
            f"import jobs {counts['import_jobs']}, tombstones " + ", ".join(f"{entity} {n}" for entity, n in graves.items())
            + f" (total {sum(graves.values())}); pull horizon {counts['horizon']}")
