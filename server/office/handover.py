"""The handover when a rep leaves or changes area: their customers, open tasks and (optionally)
future planned visits move to another rep in one go.

Every reassignment is a put of one field through the push and the merge, like any other write, so
the phones pull the change; they go in batches of the push's size (a busy rep owns thousands of
records, and one push per record would take the counter's lock thousands of times).
"""
from datetime import datetime, timezone

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..extensions import db
from ..models import Activity, Customer, Task, User, new_op_id
from ..models.base import utcnow
from ..sync.push import Push
from .access import actor, bp, role_required
from .fmt import number

BATCH = 500


def selections(to_move_activities: bool, from_id: str) -> dict:
    """{entity: (model, field, WHERE conditions)} of what the handover moves."""
    out = {
        "customer": (Customer, "owner_id", [Customer.owner_id == from_id, Customer.deleted.is_(False)]),
        "task": (Task, "assignee_id", [Task.assignee_id == from_id, Task.status == "open", Task.deleted.is_(False)]),
    }
    if to_move_activities:
        out["activity"] = (Activity, "owner_id", [Activity.owner_id == from_id, Activity.status == "planned",
                                                  Activity.starts_at >= utcnow(), Activity.deleted.is_(False)])
    return out


def preview(session, from_id: str) -> dict:
    """{entity: count} of what a handover from `from_id` would move (activities shown either way)."""
    return {entity: session.scalar(select(func.count()).select_from(model).where(*where))
            for entity, (model, _field, where) in selections(True, from_id).items()}


def reassign(session, who, entity: str, field: str, ids: list, to_id: str) -> dict:
    """Put `field` = to_id on every record in `ids` through the merge, a batch per push; return
    {status: count} of the results (applied, conflict, rejected)."""
    counts: dict = {}
    client_id = f"office:{who.id}"
    for start in range(0, len(ids), BATCH):
        session.commit()  # the push begins at the counter's lock, as operations.write_one does
        push = Push(session, who, client_id)
        edited = datetime.now(timezone.utc)
        # base_version: the newest committed version, as a desk user acts on the present state
        ops = [{"op_id": new_op_id(), "entity": entity, "id": rid, "type": "put", "base_version": push.versions.start,
                "fields": {field: to_id}, "edited_at": edited} for rid in ids[start:start + BATCH]]
        for result in push.run(ops):
            counts[result["status"]] = counts.get(result["status"], 0) + 1
        session.commit()
    return counts


def _users():
    return db.session.scalars(select(User).order_by(func.lower(User.name))).all()


@bp.route("/customers/handover", methods=["GET", "POST"])
@role_required("manager")
def handover():
    source = request.values.get("from", "")
    target = request.values.get("to", "")
    users = {u.id: u for u in _users()}
    errors = {}
    if source and source not in users:
        errors["from"] = _("Choose the person whose work moves.")
    if target and (target not in users or not users[target].active):
        errors["to"] = _("Choose an active user to take over.")
    if source and source == target:
        errors["to"] = _("Choose someone else than the person whose work moves.")
    if request.method == "POST" and not errors and not (source and target):
        errors["from" if not source else "to"] = _("Choose both people.")
    if errors or request.method == "GET":
        counts = preview(db.session, source) if source in users else None
        return render_template("office/handover.html", users=users.values(), source=source, target=target,
                               counts=counts, errors=errors), 422 if errors and request.method == "POST" else 200
    moved = {}
    for entity, (model, field, where) in selections(request.form.get("activities") == "1", source).items():
        ids = list(db.session.scalars(select(model.id).where(*where).order_by(model.id)))
        moved[entity] = reassign(db.session, actor(), entity, field, ids, target)
    done = {entity: counts.get("applied", 0) + counts.get("conflict", 0) for entity, counts in moved.items()}
    refused = sum(counts.get("rejected", 0) for counts in moved.values())
    flash(_("Handed over to %(name)s: %(customers)s customers, %(tasks)s open tasks, %(visits)s planned visits.",
            name=users[target].name, customers=number(done["customer"]), tasks=number(done["task"]),
            visits=number(done.get("activity", 0))))
    if refused:
        flash(_("%(count)s records could not be moved; see Review.", count=number(refused)))
    return redirect(url_for("office.handover", **{"from": source, "to": target}))
