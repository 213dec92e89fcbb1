"""When a customer entered its stage: the month a customer became new, passive or lost (former).

No history table is needed: the merge keeps, per field, the stamp of the change that last set it
(server/sync/codec/meta.py), so the current stage's `edited_at` is when it was set. A customer
created in its stage has no later stamp than its creation. The dashboard counts by these months
and the customer list filters by them, so both read the same answer here.
"""
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ..config import org_timezone_name
from ..models import Customer
from ..sync.codec.meta import unpack

TRACKED = ("new", "passive", "former")


def month_of(moment: datetime, tz: ZoneInfo) -> str:
    """'YYYY-MM' of a naive-UTC instant in the organisation's time zone."""
    return moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(tz).strftime("%Y-%m")


def _set_at(field_meta, created_at: datetime) -> datetime:
    stamp = unpack(field_meta, "customer").get("stage")
    if stamp and isinstance(stamp[1], str):
        return datetime.fromisoformat(stamp[1].replace("Z", "+00:00")).replace(tzinfo=None)
    return created_at


def stage_months(session, stages=TRACKED) -> list:
    """[(customer id, stage, 'YYYY-MM' it was set)] for live customers now in one of `stages`."""
    tz = ZoneInfo(org_timezone_name())
    rows = session.execute(select(Customer.id, Customer.stage, Customer.field_meta, Customer.created_at)
                           .where(Customer.deleted.is_(False), Customer.stage.in_(stages)))
    return [(cid, stage, month_of(_set_at(meta, created), tz)) for cid, stage, meta, created in rows]


def created_months(session) -> list:
    """[(customer id, 'YYYY-MM' it was created)] for live customers."""
    tz = ZoneInfo(org_timezone_name())
    rows = session.execute(select(Customer.id, Customer.created_at).where(Customer.deleted.is_(False)))
    return [(cid, month_of(created, tz)) for cid, created in rows]


def ids_in_month(session, month: str, stage: str | None = None) -> list:
    """Ids of customers that entered `stage` in `month` (stage None: created in that month)."""
    if stage is None:
        return [cid for cid, m in created_months(session) if m == month]
    return [cid for cid, s, m in stage_months(session, (stage,)) if m == month]
