"""The customer register's query: search, filters, sort and paging that stay fast at 20 000 customers.

The traffic light needs every customer's last done contact, a GROUP BY over all activities. That
is joined in only when the light filters or orders the rows (light filter, sort by light or last
contact); otherwise the last contacts are looked up for the 50 shown customers alone.
"""
import math
import re
import uuid
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from ..api.records import like_pattern
from ..config import org_timezone_name
from ..models import Activity, Contact, Customer, User
from ..models.base import utcnow
from .lights import LIGHTS, last_contacts, light_column, light_of
from .stages import ids_in_month

PER_PAGE = 50
SEGMENTS = ("A", "B", "C", "D", "none")
STAGES = ("lead", "new", "active", "occasional", "passive", "former")
STAGE_MONTH_STAGES = ("passive", "former")  # the month they entered it; other stages: the month created
SORTS = ("name", "city", "segment", "stage", "owner", "last_contact", "light")
ARCHIVED = ("", "1", "all")  # hide archived (default), only archived, both
MONTH_RE = re.compile(r"(\d{4})-(0[1-9]|1[0-2])\Z")


class BadParam(ValueError):
    """A query parameter that cannot be used; `name` is the parameter."""

    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name, self.message = name, message


@dataclass(frozen=True)
class Query:
    q: str = ""
    segment: str = ""
    owner: str = ""
    stage: str = ""
    light: str = ""
    archived: str = ""
    stage_month: str = ""
    sort: str = "name"
    dir: str = "asc"
    page: int = 1

    def args(self, **changes) -> dict:
        """The URL parameters of this query with `changes`, defaults left out (for links)."""
        out = {k: v for k, v in asdict(replace(self, **changes)).items() if v != getattr(Query, k)}
        return out

    @property
    def needs_light(self) -> bool:
        return bool(self.light) or self.sort in ("light", "last_contact")


def _choice(args, name: str, allowed) -> str:
    value = args.get(name, "").strip()
    if value and value not in allowed:
        raise BadParam(name, _("use one of: %(choices)s", choices=", ".join(a for a in allowed if a)))
    return value


def parse(args) -> Query:
    """Read the list's URL parameters; raise BadParam naming the first one that is not valid."""
    owner = args.get("owner", "").strip()
    if owner and owner != "none":
        try:
            owner = str(uuid.UUID(owner))
        except ValueError:
            raise BadParam("owner", _("give a user id or 'none'"))
    month = args.get("stage_month", "").strip()
    if month and not MONTH_RE.match(month):
        raise BadParam("stage_month", _("give a month as YYYY-MM"))
    raw_page = args.get("page", "1").strip() or "1"
    if not raw_page.isdigit() or not 1 <= int(raw_page) <= 10**6:
        raise BadParam("page", _("give a page number from 1"))
    return Query(q=args.get("q", "").strip()[:200], segment=_choice(args, "segment", SEGMENTS), owner=owner,
                 stage=_choice(args, "stage", STAGES), light=_choice(args, "light", LIGHTS),
                 archived=_choice(args, "archived", ARCHIVED), stage_month=month,
                 sort=_choice(args, "sort", SORTS) or "name", dir=_choice(args, "dir", ("asc", "desc")) or "asc",
                 page=int(raw_page))


def month_bounds(month: str, tz: ZoneInfo) -> tuple:
    """Naive-UTC [start, end) of a 'YYYY-MM' month in the organisation's time zone."""
    year, number = int(month[:4]), int(month[5:7])
    start = datetime(year, number, 1, tzinfo=tz)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=tz)
    utc = ZoneInfo("UTC")
    return start.astimezone(utc).replace(tzinfo=None), end.astimezone(utc).replace(tzinfo=None)


def conditions(session, query: Query) -> list:
    """WHERE conditions of everything but the light (which needs the last-contact join)."""
    conds = [Customer.deleted.is_(False)]
    if query.archived != "all":
        conds.append(Customer.archived.is_(query.archived == "1"))
    if query.q:
        pattern = like_pattern(query.q)
        # contact names find their customer too, as in the REST search (api/records.py); an IN list
        # scans the contacts once instead of once per customer
        by_contact = select(Contact.customer_id).where(Contact.deleted.is_(False),
                                                       Contact.search_text.like(pattern, escape="\\"))
        conds.append(Customer.search_text.like(pattern, escape="\\") | Customer.id.in_(by_contact))
    for name, column in (("segment", Customer.segment), ("owner", Customer.owner_id), ("stage", Customer.stage)):
        value = getattr(query, name)
        if value:
            conds.append(column.is_(None) if value == "none" else column == value)
    if query.stage_month:
        if query.stage in STAGE_MONTH_STAGES:
            conds.append(Customer.id.in_(ids_in_month(session, query.stage_month, query.stage) or [""]))
        else:  # the same months as stages.created_months, as a range the database can use
            start, end = month_bounds(query.stage_month, ZoneInfo(org_timezone_name()))
            conds += [Customer.created_at >= start, Customer.created_at < end]
    return conds


STAGE_ORDER = case({s: i for i, s in enumerate(STAGES)}, value=Customer.stage, else_=len(STAGES))


def _order(query: Query, last, light):
    descending = query.dir == "desc"
    if query.sort == "last_contact":  # never contacted counts as the oldest contact
        key = last.desc().nulls_last() if descending else last.asc().nulls_first()
    else:
        column = {"name": func.lower(Customer.name), "city": func.lower(Customer.city), "segment": Customer.segment,
                  "stage": STAGE_ORDER, "owner": func.lower(User.name),
                  "light": case({name: i for i, name in enumerate(LIGHTS)}, value=light) if light is not None
                  else None}[query.sort]
        key = (column.desc() if descending else column.asc()).nulls_last()
    return [key, func.lower(Customer.name), Customer.id] if query.sort != "name" else [key, Customer.id]


@dataclass
class Page:
    rows: list
    total: int
    page: int
    pages: int


def find(session, query: Query, levels: dict, now: datetime | None = None) -> Page:
    """One page of customers matching `query`, as dicts for the table, and the total count.

    The page's ids are sorted narrow (id and sort keys only) and the 50 rows fetched after: a deep
    page sorts every matching customer, and wide rows made that sort twice as slow on SQLite.
    """
    now = now or utcnow()
    conds = conditions(session, query)
    keys = select(Customer.id).where(*conds)
    last = light = None
    if query.needs_light:
        contacts = last_contacts()
        last = contacts.c.last_contact
        light = light_column(last, levels, now)
        keys = keys.outerjoin(contacts, contacts.c.customer_id == Customer.id).add_columns(last.label("last_contact"))
    if query.sort == "owner":
        keys = keys.outerjoin(User, User.id == Customer.owner_id)
    keys = keys.order_by(*_order(query, last, light)).limit(PER_PAGE)
    hits, total = [], None
    if query.light:
        # the filter needs every customer's last contact: count in the same pass (a window)
        # instead of a second GROUP BY over all activities
        keys = keys.where(light == query.light).add_columns(func.count().over().label("total"))
        hits = session.execute(keys.offset((query.page - 1) * PER_PAGE)).all()
        total = hits[0].total if hits else None
    if total is None:  # without the light filter the count needs no activities; or a page past the end
        counted = select(Customer.id).where(*conds)
        if query.light:
            counted = keys.with_only_columns(Customer.id).order_by(None).limit(None)
        total = session.scalar(select(func.count()).select_from(counted.subquery()))
    pages = max(1, math.ceil(total / PER_PAGE))
    page = min(query.page, pages)  # a link kept from before a filter changed lands on the last page
    if not hits and total:
        hits = session.execute(keys.offset((page - 1) * PER_PAGE)).all()
    ids = [hit.id for hit in hits]
    found = {hit.id: hit.last_contact for hit in hits} if last is not None else shown_last_contacts(session, ids)
    shown = {row["id"]: row for row in _rows(session, select(
        Customer.id, Customer.name, Customer.city, Customer.segment, Customer.stage, Customer.owner_id,
        Customer.archived, User.name.label("owner_name")).outerjoin(User, User.id == Customer.owner_id)
        .where(Customer.id.in_(ids)))} if ids else {}
    rows = []
    for cid in ids:
        row = {**shown[cid], "last_contact": found.get(cid)}
        row["light"] = light_of(row["segment"], row["last_contact"], levels, now)
        rows.append(row)
    return Page(rows, total, page, pages)


def _rows(session, stmt) -> list:
    return [dict(row) for row in session.execute(stmt).mappings()]


def shown_last_contacts(session, ids: list) -> dict:
    """{customer id: last done contact} for a page of customers (the rule of lights.last_contacts)."""
    if not ids:
        return {}
    # "done" inside the aggregate, not in WHERE: given both, SQLite walks the status index (half the
    # table) instead of the 50 customers' activities
    done_at = case((Activity.status == "done", func.coalesce(Activity.starts_at, Activity.ends_at)))
    found = session.execute(select(Activity.customer_id, func.max(done_at))
                            .where(Activity.customer_id.in_(ids), Activity.deleted.is_(False))
                            .group_by(Activity.customer_id)).all()
    return {cid: at for cid, at in found if at is not None}


def lookup(session, q: str, limit: int = 20) -> list:
    """[{id, name, city}] of live customers whose name, city or Y-tunnus matches `q` (for pickers)."""
    q = q.strip()[:200]
    if not q:
        return []
    rows = session.execute(
        select(Customer.id, Customer.name, Customer.city)
        .where(Customer.deleted.is_(False), Customer.search_text.like(like_pattern(q), escape="\\"))
        .order_by(Customer.archived, func.lower(Customer.name), Customer.id).limit(limit))
    return [dict(row) for row in rows.mappings()]

