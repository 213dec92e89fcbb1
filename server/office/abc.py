"""ABC analysis (manager): each customer's class now beside the one its last 12 months of sales propose.

The rule itself is server/abc.py (pure). Here: the sales query, the page and "Apply", which writes
the new segments through the merge (sync/push.py apply_ops as the manager) in one transaction.
The page carries the version counter it was computed at; Apply sends that as every op's
base_version, so a customer whose segment someone edited after the manager looked gets the
normal merge (SPEC §5: the later edit wins, the other value is kept in a conflict record).
The segment is an internal mark: it is never shown to customers.
"""
import math
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import and_, func, select

from .. import abc as rule
from ..audit import record
from ..extensions import db
from ..models import Customer, Delivery, new_op_id
from ..sync.push import apply_ops
from ..sync.versions import VersionAllocator, latest
from .access import actor, bp, role_required
from .task_forms import today_local

PER_PAGE = 50
BATCH = 500  # ops per apply_ops call, as a sync push
CHOICES = ("A", "B", "C", "D")


def year_before(today: date) -> date:
    """The first day of the 12 months that end today (29 February falls back to the 28th)."""
    try:
        return today.replace(year=today.year - 1) + (date.resolution)
    except ValueError:
        return date(today.year - 1, 2, 28) + date.resolution


@dataclass
class Analysis:
    sales: dict      # {customer id: Decimal}
    current: dict    # {customer id: stored segment or None}
    names: dict      # {customer id: name}
    proposed: dict   # {customer id: class}


def analyse(session, today: date) -> Analysis:
    """Delivered sales per live, non-archived customer over the 12 months up to `today`, and the proposal."""
    delivered = and_(Delivery.customer_id == Customer.id, Delivery.deleted.is_(False),
                     Delivery.status == "delivered", Delivery.delivered_on >= year_before(today),
                     Delivery.delivered_on <= today)
    rows = session.execute(
        select(Customer.id, Customer.name, Customer.segment, func.coalesce(func.sum(Delivery.total), 0))
        .outerjoin(Delivery, delivered)
        .where(Customer.deleted.is_(False), Customer.archived.is_(False))
        .group_by(Customer.id, Customer.name, Customer.segment)).all()
    sales = {cid: Decimal(str(total)) for cid, _, _, total in rows}
    return Analysis(sales, {cid: seg for cid, _, seg, _ in rows}, {cid: name for cid, name, _, _ in rows},
                    rule.classify(sales))


def _filters(args) -> tuple[dict, dict]:
    """({name: value}, {name: message}) of the change table's filters."""
    chosen, errors = {}, {}
    for name, allowed in (("current", CHOICES + ("none",)), ("proposed", CHOICES)):
        value = args.get(name, "").strip()
        if value and value not in allowed:
            errors[name] = _("%(name)s: use one of %(choices)s.", name=name, choices=", ".join(allowed))
        chosen[name] = value
    chosen["q"] = args.get("q", "").strip()[:200]
    page = args.get("page", "1").strip() or "1"
    if not page.isdigit() or not 1 <= int(page) <= 10**6:
        errors["page"] = _("page: give a page number from 1.")
        page = "1"
    chosen["page"] = int(page)
    return chosen, errors


def _matching(result: Analysis, changed: dict, chosen: dict) -> list:
    """The changed customers the filters keep, largest sales first."""
    words = chosen["q"].lower()
    keep = []
    for cid, (now, new) in changed.items():
        if chosen["current"] and (now or "none") != chosen["current"]:
            continue
        if chosen["proposed"] and new != chosen["proposed"]:
            continue
        if words and words not in result.names[cid].lower():
            continue
        keep.append(cid)
    keep.sort(key=lambda cid: (-result.sales[cid], result.names[cid].lower(), cid))
    return keep


@bp.get("/abc")
@role_required("manager")
def abc():
    return _page(request.args)


def _page(args, problem: str = "", selected=CHOICES, status: int = 200):
    """The analysis with the change table filtered by `args`; `problem`: why an Apply was refused."""
    chosen, errors = _filters(args)
    seen = latest(db.session)  # read before the sales: Apply's base_version
    result = analyse(db.session, today_local())
    changed = rule.changes(result.current, result.proposed)
    matching = _matching(result, changed, chosen)
    pages = max(1, math.ceil(len(matching) / PER_PAGE))
    page = min(chosen["page"], pages)
    shown = [{"id": cid, "name": result.names[cid], "sales": result.sales[cid], "current": changed[cid][0],
              "proposed": changed[cid][1]} for cid in matching[(page - 1) * PER_PAGE:page * PER_PAGE]]
    args = {k: v for k, v in chosen.items() if v and k != "page"}
    return render_template(
        "office/abc.html", summary=rule.summary(result.sales, result.current, result.proposed),
        classes=rule.CLASSES, changes=len(changed), by_class=_count_by_class(changed), rows=shown,
        matching=len(matching), page=page, pages=pages, chosen=chosen, args=args, errors=errors, seen=seen,
        since=year_before(today_local()), total=sum((v for v in result.sales.values() if v > 0), Decimal(0)),
        problem=problem, selected=selected,
    ), 400 if errors else status


def _count_by_class(changed: dict) -> dict:
    counts = {klass: 0 for klass in CHOICES}
    for _now, new in changed.values():
        counts[new] += 1
    return counts


@bp.post("/abc/apply")
@role_required("manager")
def abc_apply():
    seen = request.form.get("seen", "").strip()
    classes = [k for k in request.form.getlist("classes") if k in CHOICES]
    problem = (_("The analysis was not applied: the page's version is missing; open the page again.")
               if not seen.isdigit() else
               _("The analysis was not applied: choose at least one proposed class.") if not classes else None)
    if problem:  # the page again, with the classes as they were ticked
        return _page(request.args, problem, request.form.getlist("classes"), 400)
    db.session.commit()  # end the read transaction: from here on we hold the counter's lock
    base = min(int(seen), VersionAllocator(db.session).start)
    result = analyse(db.session, today_local())  # under the lock: no customer is deleted meanwhile
    changed = {cid: pair for cid, pair in rule.changes(result.current, result.proposed).items() if pair[1] in classes}
    at = datetime.now(timezone.utc)
    ops = [{"op_id": new_op_id(), "entity": "customer", "id": cid, "type": "put", "base_version": base,
            "fields": {"segment": new}, "edited_at": at} for cid, (_now, new) in sorted(changed.items())]
    statuses = {"applied": 0, "conflict": 0, "rejected": 0}
    for start in range(0, len(ops), BATCH):
        for answer in apply_ops(db.session, actor(), f"office:{current_user.id}:abc", ops[start:start + BATCH]):
            statuses[answer["status"]] = statuses.get(answer["status"], 0) + 1
    counts = _count_by_class(changed)
    summary = (f"ABC classes applied to {len(ops)} customers ("
               + ", ".join(f"{k} {counts[k]}" for k in CHOICES if k in classes)
               + f"); applied {statuses['applied']}, conflicts {statuses['conflict']}, "
               f"rejected {statuses['rejected']}")
    record(current_user._get_current_object(), "abc.apply", summary,
           details={"classes": classes, "by_class": counts, "results": statuses, "base_version": base})
    db.session.commit()
    flash(ngettext("The new class was written to %(num)d customer.", "The new class was written to %(num)d customers.",
                   statuses["applied"] + statuses["conflict"]))
    if statuses["conflict"] or statuses["rejected"]:
        flash(_("%(conflicts)s had been edited meanwhile (kept in a conflict record); %(rejected)s were refused.",
                conflicts=statuses["conflict"], rejected=statuses["rejected"]))
    return redirect(url_for("office.abc")), 303
