"""Tasks: customer service asks a rep to act; open, overdue and done lists, and who closed what when."""
from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ..extensions import db
from ..models import Customer, Task, User
from ..sync.codec.meta import unpack
from . import writes
from .access import bp, role_required
from .task_forms import FIELDS, KINDS, assignees, customer_name, form_errors, read_task, today_local

PER_PAGE = 50
TABS = ("open", "overdue", "done")


def filters_of(args) -> dict:
    """The list's filters; a bare visit shows service their own open tasks and a manager all open ones."""
    out = {name: (args.get(name) or "").strip() for name in ("status", "kind", "assignee", "created_by", "customer_id")}
    if out["status"] not in TABS:
        out["status"] = "open"
    if not any(args.get(name) for name in ("status", "kind", "assignee", "created_by", "customer_id")) \
            and not current_user.at_least("manager"):
        out["created_by"] = "me"
    return out


def _where(f: dict, today) -> list:
    where = [Task.deleted.is_(False)]
    if f["status"] == "done":
        where.append(Task.status == "done")
    else:
        where.append(Task.status == "open")
        if f["status"] == "overdue":
            where.append(Task.due_on < today)
    if f["kind"]:
        where.append(Task.kind == f["kind"])
    if f["assignee"] == "none":  # the dashboard's "Unassigned" row
        where.append(Task.assignee_id.is_(None))
    elif f["assignee"]:
        where.append(Task.assignee_id == f["assignee"])
    if f["created_by"]:
        where.append(Task.created_by == (current_user.id if f["created_by"] == "me" else f["created_by"]))
    if f["customer_id"]:
        where.append(Task.customer_id == f["customer_id"])
    return where


def closed_by(task: Task) -> tuple:
    """(user id, UTC instant) of the change that last set the status, from the field's stamp."""
    stamp = unpack(task.field_meta, "task").get("status")
    if not stamp or len(stamp) < 5 or not isinstance(stamp[1], str):
        return None, None
    return stamp[4], datetime.fromisoformat(stamp[1].replace("Z", "+00:00"))


@bp.get("/tasks")
@role_required("service")
def tasks():
    f = filters_of(request.args)
    today = today_local()
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    where = _where(f, today)
    total = db.session.scalar(select(func.count()).select_from(Task).where(*where))
    order = (Task.updated_at.desc(),) if f["status"] == "done" else (Task.due_on.is_(None), Task.due_on, Task.title)
    rows = db.session.execute(select(Task, Customer.name).join(Customer, Customer.id == Task.customer_id)
                              .where(*where).order_by(*order, Task.id)
                              .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    names = dict(db.session.execute(select(User.id, User.name)).all())  # a team's users: one small query
    items = [{"task": task, "customer": name, "closed": closed_by(task) if task.status == "done" else (None, None),
              "overdue": task.status == "open" and task.due_on is not None and task.due_on < today}
             for task, name in rows]
    pages = max((total + PER_PAGE - 1) // PER_PAGE, 1)
    return render_template("office/tasks.html", items=items, f=f, names=names, kinds=KINDS, kind_names=dict(KINDS),
                           people=assignees(), page=page, pages=pages, total=total,
                           tab_urls={tab: list_url(f, status=tab) for tab in TABS},
                           prev_url=list_url(f, page=page - 1) if page > 1 else None,
                           next_url=list_url(f, page=page + 1) if page < pages else None)


def list_url(f: dict, **changes) -> str:
    """The list with these filters changed; empty ones left out of the address."""
    return url_for("office.tasks", **{k: v for k, v in (f | changes).items() if v})


@bp.route("/tasks/new", methods=["GET", "POST"])
@role_required("service")
def task_new():
    if request.method == "GET":
        form = {name: "" for name in FIELDS} | {"kind": "other", "customer_id": request.args.get("customer_id", "")}
        return _form_page(form, {}, [], "")
    form = {name: request.form.get(name, "") for name in FIELDS}
    fields, errors, candidates = read_task(form)
    if errors:
        return _form_page(form, errors, candidates, _("Not saved: check the fields marked below.")), 422
    outcome = writes.save("task", None, fields)
    if not outcome.ok:
        return _form_page(form, form_errors(outcome.fields), [], outcome.message), 422
    flash(_("Task saved; it reaches the assignee's phone on the next sync."))
    return redirect(url_for("office.tasks", status="open", created_by="me"))


def _form_page(form: dict, errors: dict, candidates: list, message: str) -> str:
    return render_template("office/task_new.html", form=form, errors=errors, candidates=candidates, message=message,
                           kinds=KINDS, people=assignees(), customer=customer_name(form.get("customer_id")))


@bp.post("/tasks/<task_id>/done")
@role_required("service")
def task_done(task_id):
    return _set_status(task_id, "done", _("Task marked done."))


@bp.post("/tasks/<task_id>/reopen")
@role_required("service")
def task_reopen(task_id):
    return _set_status(task_id, "open", _("Task reopened."))


def _set_status(task_id: str, status: str, done_message: str):
    if db.session.get(Task, task_id) is None:
        abort(404)
    version = request.form.get("version", type=int)
    outcome = writes.save("task", task_id, {"status": status}, if_match=version)
    flash(done_message if outcome.ok else outcome.message)
    return redirect(_back())


def _back() -> str:
    """Where the button was pressed (a path inside the office only), else the task list."""
    target = request.form.get("next") or ""
    if target.startswith("/office/") and not target.startswith("//"):
        return target
    return url_for("office.tasks")
