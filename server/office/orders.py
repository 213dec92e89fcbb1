"""Orders and deliveries: the list, a new order with lines, and one order to edit, deliver or cancel.

Every change goes through writes.save with the version the page was drawn from (If-Match), so a
change made meanwhile on a phone or another desk is reported instead of overwritten. Marking an
order delivered fires the follow-up rule (server/reminders/followups.py), which makes one task.
"""
from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..extensions import db
from ..models import Customer, Delivery, Task
from ..reminders.followups import followup_task_id
from . import production  # noqa: F401  (registers /office/production)
from . import writes
from .access import bp, role_required
from .order_forms import (CHANNELS, ORDER_FIELDS, STATUSES, form_errors, line_errors, padded, read_order,
                          total_of)
from .task_forms import customer_name, parse_day, today_local

PER_PAGE = 50


def _month_range(text: str) -> tuple | None:
    """(first day, first day of the next month) of 'YYYY-MM', or None if it is not one."""
    try:
        year, month = (int(part) for part in text.split("-"))
        first = date(year, month, 1)
    except ValueError:
        return None
    return first, date(year + (month == 12), month % 12 + 1, 1)


@bp.get("/orders")
@role_required("service")
def orders():
    f = {name: (request.args.get(name) or "").strip() for name in ("status", "month", "customer_id")}
    errors, where = {}, [Delivery.deleted.is_(False)]
    if f["status"] in dict(STATUSES):
        where.append(Delivery.status == f["status"])
    elif f["status"]:
        errors["status"] = _("Unknown status.")
    if f["month"]:
        span = _month_range(f["month"])
        column = Delivery.delivered_on if f["status"] == "delivered" else Delivery.ordered_on
        if span is None:
            errors["month"] = _("Give the month as YYYY-MM, e.g. 2026-12.")
        else:
            where += [column >= span[0], column < span[1]]
    if f["customer_id"]:
        where.append(Delivery.customer_id == f["customer_id"])
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    count, value = db.session.execute(select(func.count(), func.sum(Delivery.total)).where(*where)).one()
    newest = Delivery.delivered_on if f["status"] == "delivered" else Delivery.ordered_on
    rows = db.session.execute(select(Delivery, Customer.name).join(Customer, Customer.id == Delivery.customer_id)
                              .where(*where).order_by(newest.is_(None), newest.desc(), Delivery.order_no, Delivery.id)
                              .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    pages = max((count + PER_PAGE - 1) // PER_PAGE, 1)
    link = lambda **change: url_for("office.orders", **{k: v for k, v in (f | change).items() if v})  # noqa: E731
    return render_template("office/orders.html", rows=rows, f=f, errors=errors, count=count, value=value,
                           statuses=STATUSES, channels=dict(CHANNELS), page=page, pages=pages,
                           prev_url=link(page=page - 1) if page > 1 else None,
                           next_url=link(page=page + 1) if page < pages else None), 400 if errors else 200


@bp.route("/orders/new", methods=["GET", "POST"])
@role_required("service")
def order_new():
    if request.method == "GET":
        form = {name: "" for name in ORDER_FIELDS} | {"customer_id": request.args.get("customer_id", ""),
                                                      "ordered_on": today_local().isoformat()}
        return _new_page(form, padded([]), {}, [], None, "")
    form = {name: request.form.get(name, "") for name in ORDER_FIELDS}
    fields, errors, candidates, rows, positions = read_order(request.form, creating=True)
    if not errors:
        outcome = writes.save("delivery", None, fields)
        if outcome.ok:
            flash(_("Order saved."))
            return redirect(url_for("office.order", order_id=outcome.id))
        errors = form_errors(outcome.fields, positions)
        message = outcome.message
    else:
        message = _("Not saved: check the fields marked below.")
    return _new_page(form, padded(rows, 1), errors, candidates, _total(fields), message), 422


def _new_page(form, rows, errors, candidates, total, message):
    return render_template("office/order_new.html", form=form, rows=rows, errors=errors, candidates=candidates,
                           total=total, message=message, channels=CHANNELS, summary=line_errors(errors),
                           customer=customer_name(form.get("customer_id")))


def _total(fields):
    try:
        return total_of(fields.get("lines") or [])
    except ArithmeticError:  # a line the schema would refuse anyway (huge, odd): show no total
        return None


def _load(order_id: str) -> tuple:
    found = db.session.execute(select(Delivery, Customer.name).join(Customer, Customer.id == Delivery.customer_id)
                               .where(Delivery.id == order_id, Delivery.deleted.is_(False))).first()
    if found is None:
        abort(404)
    return found


def _order_page(order_id, form=None, rows=None, errors=None, message="", status=200):
    """The order; the edit and deliver forms hold what was typed, else the stored values."""
    order, customer = _load(order_id)
    form = form or _stored_form(order)
    if rows is None:
        rows = [{"product": line.get("product", ""), "quantity": str(line.get("quantity", "")),
                 "unit_price": str(line.get("unit_price") or "")} for line in order.lines or []]
    errors = errors or {}
    followups = db.session.scalars(select(Task).where(Task.delivery_id == order.id, Task.deleted.is_(False))).all()
    lines = [(line, total_of([line])) for line in order.lines or []]
    return render_template("office/order.html", order=order, customer=customer, form=form, lines=lines,
                           followups=followups, channel_names=dict(CHANNELS),
                           rows=padded(rows, 2), errors=errors, summary=line_errors(errors), message=message,
                           channels=CHANNELS, statuses=dict(STATUSES)), status


@bp.get("/orders/<order_id>")
@role_required("service")
def order(order_id):
    return _order_page(order_id)


@bp.post("/orders/<order_id>/edit")
@role_required("service")
def order_edit(order_id):
    current, _customer = _load(order_id)
    form = {name: request.form.get(name, "") for name in ORDER_FIELDS} | {"delivered_on": today_local().isoformat()}
    if current.status != "ordered":
        return _order_page(order_id, form, None, {}, _("Only an order not yet delivered or cancelled can be edited."),
                           409)
    fields, errors, _candidates, rows, positions = read_order(request.form, creating=False)
    if errors:
        return _order_page(order_id, form, rows, errors, _("Not saved: check the fields marked below."), 422)
    outcome = writes.save("delivery", order_id, fields, if_match=request.form.get("version", type=int))
    if not outcome.ok:
        return _order_page(order_id, form, rows, form_errors(outcome.fields, positions), outcome.message,
                           409 if outcome.kind == "stale" else 422)
    flash(_("Order saved."))
    return redirect(url_for("office.order", order_id=order_id))


@bp.post("/orders/<order_id>/deliver")
@role_required("service")
def order_deliver(order_id):
    current, _customer = _load(order_id)
    typed = (request.form.get("delivered_on") or "").strip()
    day = parse_day(typed) if typed else today_local()
    if day is None or current.status == "cancelled":
        problem = (_("Not a date; use e.g. 2026-12-07 or 7.12.2026.") if day is None
                   else _("A cancelled order cannot be delivered."))
        return _order_page(order_id, _stored_form(current, delivered_on=typed), None, {"delivered_on": [problem]},
                           problem, 422)
    outcome = writes.save("delivery", order_id, {"status": "delivered", "delivered_on": day.isoformat()},
                          if_match=request.form.get("version", type=int))
    if not outcome.ok:
        flash(outcome.message)
    elif db.session.get(Task, followup_task_id(order_id)) is None:  # the rule needs someone to remind
        flash(_("Marked delivered. No follow-up task was made: the customer has no owner."))
    else:
        flash(_("Marked delivered; the follow-up task for the rep is made."))
    return redirect(url_for("office.order", order_id=order_id))


@bp.post("/orders/<order_id>/cancel")
@role_required("service")
def order_cancel(order_id):
    current, _customer = _load(order_id)
    if current.status != "ordered":
        flash(_("Only an order not yet delivered can be cancelled."))
        return redirect(url_for("office.order", order_id=order_id))
    outcome = writes.save("delivery", order_id, {"status": "cancelled"}, if_match=request.form.get("version", type=int))
    flash(_("Order cancelled.") if outcome.ok else outcome.message)
    return redirect(url_for("office.order", order_id=order_id))


def _stored_form(order, **typed):
    return {"delivered_on": today_local().isoformat(), "order_no": order.order_no or "", "channel": order.channel or "",
            "ordered_on": order.ordered_on.isoformat() if order.ordered_on else "",
            "deliver_on": order.deliver_on.isoformat() if order.deliver_on else ""} | typed
