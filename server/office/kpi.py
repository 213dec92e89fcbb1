"""The dashboard's figures: plain functions over a session and a reference "now" (naive UTC).

Weeks (ISO, Monday to Sunday) and months are the organisation's, so their bounds are local
midnights turned into the naive UTC the database stores. Counting happens in SQL (GROUP BY over
a CASE that names the week or month of each row), so the page costs the same few queries at
20 000 customers as at 20. The tests pass a fixed "now" and compare with hand-counted figures.
"""
import re
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, literal, select

from ..models import Activity, Customer, Delivery, Task
from .lights import intervals, last_contacts, light_column
from .stages import stage_months

SEGMENTS = ("A", "B", "C", "D", "none")
CUSTOMER_STAGES = ("new", "passive", "former")  # new = created in the month; former = lost
WEEK_RE = re.compile(r"(\d{4})-W(\d{2})\Z")


def local_today(now: datetime, tz: ZoneInfo) -> date:
    """The organisation's date at the naive-UTC instant `now`."""
    return now.replace(tzinfo=timezone.utc).astimezone(tz).date()


def utc_start(day: date, tz: ZoneInfo) -> datetime:
    """Naive UTC of the local midnight that starts `day` (daylight saving included)."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(timezone.utc).replace(tzinfo=None)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_label(monday: date) -> str:
    """ISO week name, '2026-W49'."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(text: str) -> date:
    """The Monday of an ISO week written '2026-W49'; ValueError for anything else."""
    found = WEEK_RE.match(text or "")
    if not found:
        raise ValueError(text)
    return date.fromisocalendar(int(found.group(1)), int(found.group(2)), 1)  # ValueError for W54


def weeks_back(today: date, count: int) -> list:
    """Mondays of this week and the count-1 weeks before it, oldest first."""
    this = monday_of(today)
    return [this - timedelta(weeks=n) for n in range(count - 1, -1, -1)]


def weeks_ahead(today: date, count: int) -> list:
    """Mondays of this week and the count-1 weeks after it."""
    this = monday_of(today)
    return [this + timedelta(weeks=n) for n in range(count)]


def months_back(today: date, count: int) -> list:
    """First days of this month and the count-1 months before it, oldest first."""
    firsts, year, month = [], today.year, today.month
    for _ in range(count):
        firsts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return firsts[::-1]


def next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def _bucket(column, bounds: list):
    """SQL: the index i of the period [bounds[i], bounds[i+1]) holding `column` (rows outside are
    filtered out by the caller)."""
    return case(*[(column < upper, literal(i)) for i, upper in enumerate(bounds[1:])], else_=literal(-1))


def visits_per_week(session, status: str, mondays: list, tz: ZoneInfo) -> dict:
    """{owner id (or None): [visits of `status` starting in each week]} for live visits."""
    bounds = [utc_start(m, tz) for m in mondays] + [utc_start(mondays[-1] + timedelta(weeks=1), tz)]
    week = _bucket(Activity.starts_at, bounds).label("week")
    rows = session.execute(
        select(Activity.owner_id, week, func.count())
        .where(Activity.deleted.is_(False), Activity.type == "visit", Activity.status == status,
               Activity.starts_at >= bounds[0], Activity.starts_at < bounds[-1])
        .group_by(Activity.owner_id, week))
    out: dict = {}
    for owner, index, count in rows:
        out.setdefault(owner, [0] * len(mondays))[index] += count
    return out


def overdue_follow_ups(session, today: date) -> dict:
    """{assignee id (or None): open follow-up tasks due before today}."""
    rows = session.execute(
        select(Task.assignee_id, func.count())
        .where(Task.deleted.is_(False), Task.kind == "follow_up", Task.status == "open", Task.due_on < today)
        .group_by(Task.assignee_id))
    return dict(rows.all())


def open_tasks(session, today: date) -> dict:
    """{assignee id (or None): (open tasks, of which overdue)} over every kind of task."""
    overdue = func.sum(case((Task.due_on < today, 1), else_=0))
    rows = session.execute(
        select(Task.assignee_id, func.count(), overdue)
        .where(Task.deleted.is_(False), Task.status == "open")
        .group_by(Task.assignee_id))
    return {assignee: (count, int(late or 0)) for assignee, count, late in rows}


def lights_by_segment(session, now: datetime) -> dict:
    """{segment or 'none': {light: customers}} over live, non-archived customers."""
    contacts = last_contacts()
    light = light_column(contacts.c.last_contact, intervals(session), now).label("light")
    segment = func.coalesce(Customer.segment, "none").label("segment")
    rows = session.execute(
        select(segment, light, func.count())
        .select_from(Customer).outerjoin(contacts, contacts.c.customer_id == Customer.id)
        .where(Customer.deleted.is_(False), Customer.archived.is_(False))
        .group_by(segment, light))
    out = {name: {} for name in SEGMENTS}
    for name, colour, count in rows:
        out.setdefault(name, {})[colour] = count
    return out


def count_months(created: dict, staged: list, months: list) -> dict:
    """{'YYYY-MM': {'new': n, 'passive': n, 'former': n}} from customers created per month and
    stages.py's (id, stage, month) list, for the given months only."""
    out = {m: {"new": created.get(m, 0), "passive": 0, "former": 0} for m in months}
    for _id, stage, month in staged:
        if month in out and stage in ("passive", "former"):
            out[month][stage] += 1
    return out


def created_per_month(session, firsts: list, tz: ZoneInfo) -> dict:
    """{'YYYY-MM': live customers created that month}: the months of stages.created_months, counted
    in SQL (turning 20 000 creation instants into local months in Python took longer than the rest
    of the dashboard together)."""
    bounds = [utc_start(first, tz) for first in firsts] + [utc_start(next_month(firsts[-1]), tz)]
    month = _bucket(Customer.created_at, bounds).label("month")
    rows = session.execute(
        select(month, func.count())
        .where(Customer.deleted.is_(False), Customer.created_at >= bounds[0], Customer.created_at < bounds[-1])
        .group_by(month))
    return {firsts[index].strftime("%Y-%m"): count for index, count in rows}


def customer_months(session, firsts: list, tz: ZoneInfo) -> dict:
    """New (created), passive and lost customers per month 'YYYY-MM' of the months starting at `firsts`."""
    staged = stage_months(session, ("passive", "former"))  # the stage's stamp: Python over the few in them
    return count_months(created_per_month(session, firsts, tz), staged, [f.strftime("%Y-%m") for f in firsts])


def delivered_sales(session, firsts: list) -> dict:
    """{'YYYY-MM': (deliveries, sum of totals)} of live delivered deliveries by delivered_on."""
    bounds = firsts + [next_month(firsts[-1])]
    month = _bucket(Delivery.delivered_on, bounds).label("month")
    rows = session.execute(
        select(month, func.count(), func.sum(Delivery.total))
        .where(Delivery.deleted.is_(False), Delivery.status == "delivered",
               Delivery.delivered_on >= bounds[0], Delivery.delivered_on < bounds[-1])
        .group_by(month))
    out = {first.strftime("%Y-%m"): (0, Decimal("0.00")) for first in firsts}
    for index, count, total in rows:
        # SQLite sums NUMERIC as a float: back to cents through its shortest decimal spelling.
        out[firsts[index].strftime("%Y-%m")] = (count, Decimal(str(total or 0)).quantize(Decimal("0.01")))
    return out
