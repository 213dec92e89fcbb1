"""Write a plan through the merge, all in one transaction: the whole import or nothing.

The ops go through server/sync/push.py in batches of at most BATCH ops, as `actor`, so the
permission rule, the merge and the record-changed hooks hold as for any other write, and every
phone pulls the new customers like any other change. Nothing is committed until the last batch
and the audit entry are in: an exception (a crash, a killed process, a progress callback that
raises to cancel) leaves the database as it was.
"""
from datetime import datetime, timezone

from ..audit import record
from ..extensions import db
from ..models import User, new_op_id
from ..permissions import Actor
from ..sync.push import Push
from .plan import COUNT_OF, Plan, RowPlan

BATCH = 500


def run(plan: Plan, actor: Actor, progress=None, dry_run: bool = False, filename: str = "",
        job_id: str | None = None, session=None) -> dict:
    """Import the plan's rows (dry_run: only count them); return {created, updated, skipped, invalid}.

    progress(done, total) is called after each batch with the rows done so far; it runs inside the
    open transaction, so it must not commit this session (write job progress on another one).
    A row whose op the merge refuses is counted invalid with the merge's reason; the rest go on.
    """
    if dry_run:
        return dict(plan.counts)
    session = session or db.session
    client_id = f"import:{job_id or 'cli'}"
    counts = {name: 0 for name in COUNT_OF.values()}
    batches = list(_batches(plan.rows))
    total, done = len(plan.rows), 0
    try:
        session.commit()  # end the plan's read transaction: the writes start from the counter's lock
        for rows in batches:
            _write(session, actor, client_id, rows)
            done += len(rows)
            if progress is not None:
                progress(done, total)
        for row in plan.rows:
            counts[COUNT_OF[row.action]] += 1
        user = session.get(User, actor.id) if actor.id else None
        summary = (f"Imported {filename or 'a file'}: {counts['created']} created, {counts['updated']} updated, "
                   f"{counts['skipped']} skipped, {counts['invalid']} invalid.")
        record(user, "import", summary, "import_job" if job_id else None, job_id,
               {"filename": filename, "duplicates": plan.duplicates, "counts": counts,
                "records": _records(plan.rows)})
        session.commit()
    except BaseException:  # KeyboardInterrupt and SystemExit too: nothing half-imported
        session.rollback()
        raise
    return counts


def _batches(rows: list):
    """Rows in runs whose ops number at most BATCH (a row's customer and contact stay together)."""
    run, size = [], 0
    for row in rows:
        n = _op_count(row)
        if run and size + n > BATCH:
            yield run
            run, size = [], 0
        run.append(row)
        size += n
    if run:
        yield run


def _op_count(row: RowPlan) -> int:
    if row.action == "invalid":
        return 0
    return (row.customer_action in ("create", "update")) + (row.contact_action in ("create", "update"))


def _write(session, actor: Actor, client_id: str, rows: list) -> None:
    """One batch through the merge; a row the merge refuses becomes invalid with its reason."""
    push = Push(session, actor, client_id)
    now = datetime.now(timezone.utc)
    seen = push.versions.start  # an import acts on the current state, like a REST write
    ops, owner = [], []
    for row in rows:
        if row.action == "invalid":
            continue
        if row.customer_action in ("create", "update"):
            ops.append(_op("customer", row.customer_id, row.customer_fields, row.customer_action, seen, now))
            owner.append(row)
        if row.contact_action in ("create", "update"):
            fields = dict(row.contact_fields)
            if row.contact_action == "create":
                fields["customer_id"] = row.customer_id
            ops.append(_op("contact", row.contact_id, fields, row.contact_action, seen, now))
            owner.append(row)
    if not ops:
        return
    results = push.run(ops)
    for op, row, result in zip(ops, owner, results):
        if result["status"] not in ("applied", "conflict") and row.action != "invalid":
            errors = result.get("errors") or {}
            reason = "; ".join(f"{op['entity']}.{name}: {' '.join(msgs)}" for name, msgs in errors.items())
            if op["entity"] == "contact" and row.customer_action != "skip":  # written: one transaction, kept going
                reason += " (the customer was written, its contact person was not)"
            row.action = "invalid"
            row.reason = reason or f"Refused by the server ({result.get('reason') or result['status']})."


def _op(entity: str, record_id: str, fields: dict, action: str, seen: int, now: datetime) -> dict:
    return {"op_id": new_op_id(), "entity": entity, "id": record_id, "type": "put",
            "base_version": 0 if action == "create" else seen, "fields": fields, "edited_at": now}


def _records(rows: list) -> dict:
    out = {"customer": {"create": 0, "update": 0}, "contact": {"create": 0, "update": 0}}
    for row in rows:
        if row.action != "invalid":
            for entity, act in (("customer", row.customer_action), ("contact", row.contact_action)):
                if act in out[entity]:
                    out[entity][act] += 1
    return out
