"""Visits and other activities: the list behind the dashboard's visit figures.

Filters arrive as query parameters (the dashboard's links set them); a bad one gets a 400 page
naming it rather than an empty list that looks like "no visits".
"""
import math
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select

from ..api.records import like_pattern
from ..config import org_timezone_name
from ..extensions import db
from ..models import Activity, Customer, User
from . import kpi
from .access import bp, role_required

PER_PAGE = 50
TYPES = {"visit": _l("Visit"), "call": _l("Call"), "email": _l("E-mail"), "training": _l("Training"),
         "meeting": _l("Meeting"), "other": _l("Other")}
STATUSES = {"planned": _l("Planned"), "done": _l("Done"), "cancelled": _l("Cancelled")}
UUID_RE = re.compile(r"[0-9a-fA-F-]{36}\Z")


class BadParam(ValueError):
    """A query parameter that cannot be used; the message names it and says what would do."""

    def __init__(self, name: str, value, hint: str):
        super().__init__(_("Bad parameter %(name)s=“%(value)s”: %(hint)s", name=name, value=value, hint=hint))


def week_range(text: str) -> tuple:
    """(first Monday, Monday after the last week) of '2026-W49' or '2026-W41..2026-W49'."""
    first, _sep, last = text.partition("..")
    start, end = kpi.parse_week(first), kpi.parse_week(last or first)
    if end < start:
        raise ValueError(text)
    return start, end + timedelta(weeks=1)


def parse_filters(args) -> dict:
    """The list's filters from query parameters; BadParam names the first one that is wrong."""
    out = {"type": args.get("type", "visit"), "status": args.get("status", ""), "owner": args.get("owner", ""),
           "customer": args.get("customer", ""), "week": args.get("week", "").strip(), "q": args.get("q", "").strip()}
    if out["type"] and out["type"] not in TYPES:
        raise BadParam("type", out["type"], _("use one of %(known)s.", known=", ".join(TYPES)))
    if out["status"] and out["status"] not in STATUSES:
        raise BadParam("status", out["status"], _("use one of %(known)s.", known=", ".join(STATUSES)))
    if out["week"]:
        try:
            out["weeks"] = week_range(out["week"])
        except ValueError:
            raise BadParam("week", out["week"], _("write an ISO week like 2026-W49 (or 2026-W41..2026-W49)."))
    if out["owner"] and out["owner"] != "none" and not UUID_RE.match(out["owner"]):
        raise BadParam("owner", out["owner"], _("use a user's id, or none for visits without an owner."))
    if out["customer"] and not UUID_RE.match(out["customer"]):
        raise BadParam("customer", out["customer"], _("use a customer's id."))
    page = args.get("page", "1")
    out["page"] = int(page) if re.fullmatch(r"[0-9]{1,9}", page) else 0  # str.isdigit() takes "²"
    if out["page"] < 1:
        raise BadParam("page", page, _("use a page number from 1 up."))
    return out


def conditions(filters: dict, tz: ZoneInfo) -> list:
    """SQL conditions for the filters (live activities only)."""
    conds = [Activity.deleted.is_(False)]
    if filters["type"]:
        conds.append(Activity.type == filters["type"])
    if filters["status"]:
        conds.append(Activity.status == filters["status"])
    if filters["owner"]:
        owner = filters["owner"]
        conds.append(Activity.owner_id.is_(None) if owner == "none" else Activity.owner_id == owner)
    if filters["customer"]:
        conds.append(Activity.customer_id == filters["customer"])
    if "weeks" in filters:
        start, end = filters["weeks"]
        conds += [Activity.starts_at >= kpi.utc_start(start, tz), Activity.starts_at < kpi.utc_start(end, tz)]
    if filters["q"]:
        conds.append(Activity.search_text.like(like_pattern(filters["q"]), escape="\\"))
    return conds


def page_of(filters: dict, tz: ZoneInfo) -> tuple:
    """(rows, total) of one page: each row an activity with its customer's and rep's names."""
    where = and_(*conditions(filters, tz))
    total = db.session.scalar(select(func.count()).select_from(Activity).where(where))
    rows = db.session.execute(
        select(Activity.id, Activity.starts_at, Activity.type, Activity.status, Activity.title, Activity.notes,
               Activity.customer_id, Customer.name.label("customer"), User.name.label("rep"))
        .join(Customer, Customer.id == Activity.customer_id).outerjoin(User, User.id == Activity.owner_id)
        .where(where).order_by(Activity.starts_at.desc().nulls_last(), Activity.id)
        .limit(PER_PAGE).offset((filters["page"] - 1) * PER_PAGE)).all()
    return rows, total


@bp.get("/visits")
@role_required("service")
def visits():
    try:
        filters = parse_filters(request.args)
    except BadParam as bad:
        return render_template("office/error.html", message=str(bad)), 400
    tz = ZoneInfo(org_timezone_name())
    rows, total = page_of(filters, tz)
    people = db.session.execute(select(User.id, User.name).where(User.active.is_(True)).order_by(User.name)).all()
    customer = db.session.scalar(select(Customer.name).where(Customer.id == filters["customer"])) \
        if filters["customer"] else None
    pages = max(1, math.ceil(total / PER_PAGE))
    kept = {k: v for k, v in request.args.items() if k != "page"}

    def page_url(n):
        return url_for("office.visits", **kept, page=n)
    return render_template("office/visits.html", rows=rows, total=total, filters=filters, people=people,
                           customer=customer, types=TYPES, statuses=STATUSES, page=filters["page"], pages=pages,
                           page_url=page_url)
