"""The production list: how much of each product to make for each delivery day (issue 14 item 5).

`sums` is pure (plain dicts in, plain data out) so the tests can count orders by hand; the view
reads the orders with one query and prints the table on one A4 page.

Only what is still to be made counts: orders with status "ordered" whose planned delivery day
(`deliver_on`) falls in the range. Delivered and cancelled ones are done with.

Product names typed by different people differ in case and spacing ("Juustokakku 1 kg",
"juustokakku  1 kg "): those are one row, shown in the spelling used on most lines (the first
seen on a tie). Any other difference ("Juustokakku 1kg", a typo) stays a row of its own: merging
those would be a guess, and a wrong guess bakes the wrong cake; seeing both rows, a person can tell.
"""
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from flask import render_template, request
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..extensions import db
from ..models import Delivery
from .access import bp, role_required
from .task_forms import parse_day, today_local

MAX_DAYS = 31
PORTRAIT_DAYS = 7  # more day columns than this do not fit across a portrait A4


@dataclass
class Production:
    days: list
    rows: list = field(default_factory=list)          # [(product, {day: quantity}, total)]
    day_totals: dict = field(default_factory=dict)    # {day: quantity}
    orders_per_day: dict = field(default_factory=dict)
    total: Decimal = Decimal(0)


def product_key(name: str) -> str:
    """What makes two product names the same product: case and spacing do not count."""
    return " ".join(str(name).split()).casefold()


def sums(orders: list, days: list) -> Production:
    """Quantities per product per day of the orders still to be made for these days."""
    wanted = set(days)
    out = Production(days=list(days), day_totals={d: Decimal(0) for d in days},
                     orders_per_day={d: 0 for d in days})
    per_product: dict = {}
    spellings: dict = {}
    for order in orders:
        day = order.get("deliver_on")
        if isinstance(day, str):
            day = date.fromisoformat(day)
        if order.get("deleted") or order.get("status") != "ordered" or day not in wanted:
            continue
        out.orders_per_day[day] += 1
        for line in order.get("lines") or ():
            key = product_key(line.get("product") or "")
            if not key:
                continue
            quantity = Decimal(str(line.get("quantity") or 0))
            cells = per_product.setdefault(key, {})
            cells[day] = cells.get(day, Decimal(0)) + quantity
            spellings.setdefault(key, Counter())[" ".join(str(line["product"]).split())] += 1
            out.day_totals[day] += quantity
            out.total += quantity
    for key in sorted(per_product):
        name = spellings[key].most_common(1)[0][0]  # Counter keeps first-seen order on ties
        cells = per_product[key]
        out.rows.append((name, cells, sum(cells.values(), Decimal(0))))
    return out


def ordered_between(session, first: date, last: date) -> list:
    """The orders still to be made with a planned day in [first, last], as plain dicts."""
    rows = session.execute(select(Delivery.status, Delivery.deliver_on, Delivery.lines)
                           .where(Delivery.deleted.is_(False), Delivery.status == "ordered",
                                  Delivery.deliver_on >= first, Delivery.deliver_on <= last))
    return [{"status": status, "deliver_on": day, "lines": lines} for status, day, lines in rows]


def undated(session) -> int:
    """How many orders still to be made have no planned day (they cannot be on the list)."""
    return session.scalar(select(func.count()).select_from(Delivery).where(
        Delivery.deleted.is_(False), Delivery.status == "ordered", Delivery.deliver_on.is_(None)))


@bp.get("/production")
@role_required("service")
def production():
    errors = {}
    first = today_local()
    if request.args.get("from"):
        first = parse_day(request.args["from"]) or first
        if parse_day(request.args["from"]) is None:
            errors["from"] = _("Not a date; use e.g. 2026-12-07 or 7.12.2026.")
    raw_days = (request.args.get("days") or str(PORTRAIT_DAYS)).strip()
    days = int(raw_days) if raw_days.isdigit() else 0
    if not 1 <= days <= MAX_DAYS:
        errors["days"] = _("Give a number of days from 1 to %(max)d.", max=MAX_DAYS)
        days = PORTRAIT_DAYS
    dates = [first + timedelta(days=i) for i in range(days)]
    table = sums(ordered_between(db.session, dates[0], dates[-1]), dates)
    page = render_template("office/production.html", table=table, first=dates[0], last=dates[-1], days=days,
                           errors=errors, typed=request.args, undated=undated(db.session),
                           landscape=days > PORTRAIT_DAYS)
    return page, 400 if errors else 200
