"""The contact traffic light, as the PWA shows it (pwa/static/js/domain.js `light`), for desk lists.

A customer of a segment is green while its last done contact is within 80 % of the segment's
visit interval, yellow until the interval has passed, then red; never contacted is red; no
segment, no light ("none"). The dashboard counts by it and the customer list filters and sorts by
it, so it is built here once: in Python for one record, and as SQL over every customer.
"""
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, literal, select

from ..models import Activity, Customer, ServiceLevel
from ..models.base import utcnow
from ..models.settings import DEFAULT_SERVICE_LEVELS

LIGHTS = ("red", "yellow", "green", "none")
YELLOW_SHARE = 0.8


def intervals(session) -> dict:
    """Visit interval in days per segment (organisation settings over the defaults)."""
    levels = dict(DEFAULT_SERVICE_LEVELS)
    levels.update({row.segment: row.visit_interval_days for row in session.scalars(select(ServiceLevel))})
    return levels


def light_of(segment: str | None, last_contact: datetime | None, levels: dict, now: datetime | None = None) -> str:
    """One customer's light."""
    days = levels.get(segment) if segment else None
    if not days:
        return "none"
    if last_contact is None:
        return "red"
    elapsed = ((now or utcnow()) - last_contact) / timedelta(days=1)
    if elapsed > days:
        return "red"
    return "yellow" if elapsed > days * YELLOW_SHARE else "green"


def last_contacts():
    """Subquery (customer_id, last_contact): the newest done activity of each customer."""
    at = func.coalesce(Activity.starts_at, Activity.ends_at)
    return (select(Activity.customer_id.label("customer_id"), func.max(at).label("last_contact"))
            .where(Activity.status == "done", Activity.deleted.is_(False), at.is_not(None))
            .group_by(Activity.customer_id).subquery("last_contacts"))


def light_column(last_contact, levels: dict, now: datetime | None = None):
    """SQL CASE giving the light of Customer rows joined to `last_contact` (same rule as light_of)."""
    now = now or utcnow()
    whens = []
    for segment, days in sorted(levels.items()):
        red_before = now - timedelta(days=days)
        yellow_before = now - timedelta(days=days * YELLOW_SHARE)
        is_segment = Customer.segment == segment
        whens += [
            (and_(is_segment, last_contact.is_(None)), literal("red")),
            (and_(is_segment, last_contact < red_before), literal("red")),
            (and_(is_segment, last_contact < yellow_before), literal("yellow")),
            (is_segment, literal("green")),
        ]
    return case(*whens, else_=literal("none"))
