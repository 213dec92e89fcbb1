"""The queue of reminder sends: claim a batch, decide what a push service's answer means.

A claim marks rows "sending" with a fresh claim token and commits before any request goes out,
so two runs never hold one row (PostgreSQL: pick with FOR UPDATE SKIP LOCKED, then update;
SQLite: one UPDATE under its write lock). A row becomes "sent" only after a 2xx from the push
service. A run that dies mid-send leaves rows "sending"; after CLAIM_TIMEOUT they are claimable
again (at-least-once for that crash; the per-task Topic lets the push service replace an
undelivered duplicate).
"""
import secrets
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from sqlalchemy import and_, or_, select, update

from ..models import ReminderSend, Task, WebPushSubscription
from .webpush import ACCEPTED, GONE

MAX_ATTEMPTS = 8
CLAIM_TIMEOUT = timedelta(minutes=10)


def backoff(attempts: int, retry_after: int | None = None) -> timedelta:
    """Wait before the next try: 1, 2, 4 ... minutes (at most 6 h), or longer if Retry-After asks."""
    wait = min(60 * 2 ** max(attempts - 1, 0), 6 * 3600)
    if retry_after:
        wait = max(wait, min(retry_after, 24 * 3600))
    return timedelta(seconds=wait)


def retry_after_seconds(value, now: datetime) -> int | None:
    """Retry-After as seconds (delta-seconds or an HTTP date)."""
    if not value:
        return None
    if value.strip().isdigit():
        return int(value.strip())
    try:
        return max(0, int((parsedate_to_datetime(value) - now).total_seconds()))
    except (TypeError, ValueError):
        return None


def outcome(code: int | None, attempts: int, retry_after: int | None) -> tuple[str, timedelta | None]:
    """(new status, wait before retry) for a push service's answer; code None = no answer."""
    if code in ACCEPTED:
        return "sent", None
    if code in GONE:
        return "gone", None
    if code is None or code == 429 or code >= 500:
        return ("failed", None) if attempts >= MAX_ATTEMPTS else ("pending", backoff(attempts, retry_after))
    return "failed", None  # 400, 401, 403, 413 ...: sending the same again cannot succeed


def claim(session, now: datetime, limit: int, claim_timeout: timedelta = CLAIM_TIMEOUT) -> str:
    """Claim up to `limit` due rows for this run and commit; return the claim token."""
    token = secrets.token_hex(16)
    naive = now.astimezone(timezone.utc).replace(tzinfo=None)
    claimable = or_(and_(ReminderSend.status == "pending", ReminderSend.next_attempt_at <= naive),
                    and_(ReminderSend.status == "sending", ReminderSend.claimed_at < naive - claim_timeout))
    pick = select(ReminderSend.id).where(claimable).order_by(ReminderSend.next_attempt_at, ReminderSend.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        # Pick and lock first, then update: inside `UPDATE ... WHERE id IN (sub-select)` PostgreSQL
        # may run a SKIP LOCKED sub-select more than once and claim far more than `limit` rows.
        pick = session.scalars(pick.with_for_update(skip_locked=True)).all()
    else:
        pick = pick.scalar_subquery()  # SQLite: one statement under its write lock
    # The claim condition is repeated on the rows themselves: one that another run claimed
    # between our pick and our update is left alone.
    session.execute(update(ReminderSend).where(ReminderSend.id.in_(pick), claimable)
                    .values(status="sending", claim_token=token, claimed_at=naive, attempts=ReminderSend.attempts + 1)
                    .execution_options(synchronize_session=False))
    session.commit()
    return token


def claimed(session, token: str) -> list:
    """The rows this claim holds, as plain dicts joined with their subscription and task."""
    rs, sub, task = ReminderSend, WebPushSubscription, Task
    query = (select(rs.id, rs.key, rs.kind, rs.user_id, rs.attempts, rs.payload, rs.topic, rs.urgency, rs.ttl,
                    rs.subscription_id, sub.user_id.label("sub_user_id"), sub.endpoint, sub.p256dh, sub.auth,
                    task.deleted.label("task_deleted"), task.status.label("task_status"),
                    task.assignee_id.label("task_assignee_id"), task.remind_at.label("task_remind_at"))
             .outerjoin(sub, sub.id == rs.subscription_id).outerjoin(task, task.id == rs.task_id)
             .where(rs.claim_token == token, rs.status == "sending").order_by(rs.id))
    return [dict(row) for row in session.execute(query).mappings()]


def still_wanted(row: dict) -> str | None:
    """Why this claimed reminder should no longer go out, or None."""
    if row["endpoint"] is None:
        return "The subscription was removed."
    if row["sub_user_id"] != row["user_id"]:
        return "The subscription moved to another user."
    if row["kind"] == "task":
        if row["task_status"] != "open" or row["task_deleted"] or row["task_assignee_id"] != row["user_id"]:
            return "The task was done, deleted or reassigned before the reminder went out."
        if row["task_remind_at"] is None or f"{row['task_remind_at']:%Y%m%d%H%M}" not in row["key"]:
            return "The reminder time was changed."
    return None
