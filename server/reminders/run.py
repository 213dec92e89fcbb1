"""One send-reminders run: queue what is due, then claim, push and record batch by batch."""
import time as clock
from collections import Counter
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import delete, update

from ..config import org_timezone_name
from ..extensions import db
from ..models import ReminderSend, WebPushSubscription
from ..observe.metrics import count_reminders
from . import webpush
from .due import DEFAULT_MAX_AGE, queue_due
from .hosts import endpoint_problem
from .sender import CLAIM_TIMEOUT, claim, claimed, outcome, retry_after_seconds, still_wanted
from .vapid import load_keys, subject

BATCH = 20


def send_reminders(now: datetime | None = None, batch: int = BATCH, max_age: timedelta = DEFAULT_MAX_AGE,
                   progress=None, http_timeout: float = webpush.HTTP_TIMEOUT) -> dict:
    """Send every due reminder once; return counts by outcome (queued, sent, retry, failed, gone, skipped).

    `now` (aware) is injectable for tests; it advances with the wall clock during the run, so
    claims made late in a long run are stamped late too. Raises VapidError when no keys are set.
    """
    config = current_app.config
    keys = load_keys(config)
    started, base = clock.monotonic(), now or datetime.now(timezone.utc)

    def current() -> datetime:
        return base + timedelta(seconds=clock.monotonic() - started)

    session = db.session
    session.commit()  # start from fresh reads
    counts = Counter(queued=queue_due(session, config, current(), ZoneInfo(org_timezone_name()), max_age))
    session.commit()
    http, sub_claim = webpush.NoRedirects(), subject(config)
    timeout = timedelta(seconds=config.get("REMINDER_CLAIM_TIMEOUT_SECONDS", CLAIM_TIMEOUT.total_seconds()))
    gone: set = set()
    try:
        while True:
            token = claim(session, current(), batch, timeout)
            rows = claimed(session, token)
            if not rows:
                break
            for row in rows:
                counts[_deliver(session, http, keys, sub_claim, row, token, current(), gone, http_timeout)] += 1
            if progress:
                progress(_line(counts))
    finally:
        http.close()
        count_reminders(counts)  # /metrics: kentta_reminders_total by outcome, a failed run's part too
    return dict(counts)


def _deliver(session, http, keys, sub_claim, row: dict, token: str, now: datetime, gone: set, timeout) -> str:
    """Push one claimed row and record the outcome; return the counter name."""
    naive = now.astimezone(timezone.utc).replace(tzinfo=None)
    reason = "The subscription was removed." if row["subscription_id"] in gone else still_wanted(row)
    if reason:
        _finish(session, row, token, status="skipped", last_error=reason)
        return "skipped"
    problem = endpoint_problem(row["endpoint"], current_app.config.get("PUSH_ALLOWED_HOSTS"))
    if problem:  # the allow-list changed since the browser subscribed: no request at all
        _finish(session, row, token, status="failed", last_error=problem[:500])
        _count(session, row["subscription_id"], ok=False, at=naive)
        return "failed"
    code, retry_after, error = webpush.send(http, keys, row, sub_claim, timeout)
    status, wait = outcome(code, row["attempts"], retry_after_seconds(retry_after, now))
    values = dict(status=status, last_status_code=code, last_error=error)
    if status == "sent":
        values["sent_at"] = naive
    elif status == "pending":
        values["next_attempt_at"] = naive + wait
    _finish(session, row, token, **values)
    if status == "gone":
        _remove_subscription(session, row["subscription_id"])
        gone.add(row["subscription_id"])
    else:
        _count(session, row["subscription_id"], ok=status == "sent", at=naive)
    session.commit()
    return "retry" if status == "pending" else status


def _finish(session, row: dict, token: str, **values) -> None:
    """Record a result, only while this run still holds the claim."""
    rs = ReminderSend
    session.execute(update(rs).where(rs.id == row["id"], rs.claim_token == token, rs.status == "sending")
                    .values(**values).execution_options(synchronize_session=False))
    session.commit()


def _count(session, subscription_id: int, ok: bool, at: datetime) -> None:
    sub = WebPushSubscription
    values = dict(success_count=sub.success_count + 1, last_success_at=at) if ok else \
        dict(failure_count=sub.failure_count + 1, last_failure_at=at)
    session.execute(update(sub).where(sub.id == subscription_id).values(**values)
                    .execution_options(synchronize_session=False))


def _remove_subscription(session, subscription_id: int) -> None:
    """The push service says the browser unsubscribed: forget it, keep its send history."""
    rs = ReminderSend
    session.execute(update(rs).where(rs.subscription_id == subscription_id, rs.status == "pending")
                    .values(status="gone", last_error="The push service no longer knows this subscription.")
                    .execution_options(synchronize_session=False))
    session.execute(update(rs).where(rs.subscription_id == subscription_id).values(subscription_id=None)
                    .execution_options(synchronize_session=False))
    session.execute(delete(WebPushSubscription).where(WebPushSubscription.id == subscription_id)
                    .execution_options(synchronize_session=False))


def _line(counts: Counter) -> str:
    return ", ".join(f"{name} {counts[name]}" for name in ("queued", "sent", "retry", "failed", "gone", "skipped")
                     if counts[name] or name in ("queued", "sent"))
