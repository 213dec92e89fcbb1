"""Which reminders are due now: task reminders and the Monday nudge, queued once per subscription.

Queuing inserts one `reminder_sends` row per (reminder key, subscription) with ON CONFLICT DO
NOTHING, so two runs planning at the same moment queue each reminder once. A reminder is queued
for the subscriptions its user has when it is first queued; one whose user has none yet is
queued on a later run (within the age limit), for instance after the rep allowed notifications.
"""
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from ..models import Activity, Customer, ReminderSend, Task, User, WebPushSubscription
from .hosts import endpoint_host, endpoint_problem
from .messages import nudge_message, task_message

DEFAULT_MAX_AGE = timedelta(days=7)  # older reminders are not sent: a week-late ping is noise
NUDGE_FROM, NUDGE_UNTIL = time(7, 0), time(12, 0)  # Monday, local time: "close them by noon"


def task_key(task_id: str, remind_at: datetime, assignee_id: str) -> str:
    """A moved remind_at or a new assignee makes a new reminder; an edited title does not."""
    return f"task:{task_id}:{remind_at:%Y%m%d%H%M}:{assignee_id}"


def nudge_key(user_id: str, local_day) -> str:
    year, week, _ = local_day.isocalendar()
    return f"nudge:{user_id}:{year}-W{week:02d}"


def naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def due_tasks(session, now: datetime, max_age: timedelta) -> list:
    """[(key, user_id, locale, task_id, message)] for open tasks whose remind_at has passed."""
    query = (select(Task.id, Task.title, Task.due_on, Task.customer_id, Task.assignee_id, Task.remind_at,
                    Customer.name, User.locale)
             .join(Customer, Customer.id == Task.customer_id).join(User, User.id == Task.assignee_id)
             .where(Task.deleted.is_(False), Task.status == "open", User.active.is_(True),
                    Task.remind_at <= naive_utc(now), Task.remind_at > naive_utc(now - max_age)))
    out = []
    for row in session.execute(query):
        task = {"id": row.id, "title": row.title, "due_on": row.due_on, "customer_id": row.customer_id}
        out.append((task_key(row.id, row.remind_at, row.assignee_id), row.assignee_id, row.id,
                    task_message(task, row.name, row.locale)))
    return out


def due_nudges(session, now: datetime, tz: ZoneInfo) -> list:
    """[(key, user_id, None, message)] on Monday morning for users with past activities still planned."""
    local = now.astimezone(tz)
    if local.weekday() != 0 or not NUDGE_FROM <= local.time() < NUDGE_UNTIL:
        return []
    monday = naive_utc(datetime.combine(local.date(), time(0), tzinfo=tz))
    noon = datetime.combine(local.date(), NUDGE_UNTIL, tzinfo=tz)
    year, week, _ = local.isocalendar()
    query = (select(Activity.owner_id, User.locale, func.count())
             .join(User, User.id == Activity.owner_id)
             .where(Activity.deleted.is_(False), Activity.status == "planned", Activity.starts_at < monday,
                    User.active.is_(True))
             .group_by(Activity.owner_id, User.locale))
    ttl = int((noon - now).total_seconds())
    return [(nudge_key(owner, local.date()), owner, None, nudge_message(count, f"{year}-W{week:02d}", locale, ttl))
            for owner, locale, count in session.execute(query)]


def queue_due(session, config, now: datetime, tz: ZoneInfo, max_age: timedelta = DEFAULT_MAX_AGE) -> int:
    """Queue every due reminder not queued before, one row per subscription; return rows added."""
    reminders = due_tasks(session, now, max_age) + due_nudges(session, now, tz)
    if not reminders:
        return 0
    keys = [r[0] for r in reminders]
    queued = set()
    for start in range(0, len(keys), 500):
        queued.update(session.scalars(select(ReminderSend.key).where(ReminderSend.key.in_(keys[start:start + 500]))))
    fresh = [r for r in reminders if r[0] not in queued]
    users = sorted({r[1] for r in fresh})
    subs: dict = {}
    for start in range(0, len(users), 500):
        chunk = users[start:start + 500]
        for sub in session.scalars(select(WebPushSubscription).where(WebPushSubscription.user_id.in_(chunk))):
            subs.setdefault(sub.user_id, []).append(sub)
    allowed = config.get("PUSH_ALLOWED_HOSTS")
    stamp = naive_utc(now)
    rows = [dict(key=key, kind=key.split(":")[0], subscription_id=sub.id, user_id=user_id, task_id=task_id,
                 endpoint_host=endpoint_host(sub.endpoint)[:255], payload=msg["payload"], topic=msg["topic"],
                 urgency=msg["urgency"], ttl=msg["ttl"], status="pending", attempts=0, next_attempt_at=stamp,
                 created_at=stamp)
            for key, user_id, task_id, msg in fresh for sub in subs.get(user_id, ())
            if endpoint_problem(sub.endpoint, allowed) is None]
    if not rows:
        return 0
    rows.sort(key=lambda row: (row["key"], row["subscription_id"]))  # one lock order for parallel runs
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = ReminderSend.__table__
    insert = dialect.insert(table).on_conflict_do_nothing(index_elements=["key", "subscription_id"])
    added = 0
    for start in range(0, len(rows), 500):  # RETURNING counts what was new (rowcount is -1 on psycopg)
        added += len(session.execute(insert.returning(table.c.id), rows[start:start + 500]).all())
    return added
