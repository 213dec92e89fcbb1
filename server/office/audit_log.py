"""The audit log: who did what when to people's data and accounts, newest first, for managers."""
from flask import current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..extensions import db
from ..models import AuditEntry, User
from .access import bp, role_required

PER_PAGE = 50
CLI = "cli"  # the person filter's value for entries made from the command line (no actor)
ACTIONS = {
    "gdpr.export": _l("Personal data exported"),
    "gdpr.erase": _l("Personal data erased"),
    "user.create": _l("User created"),
    "user.role": _l("Role changed"),
    "user.deactivate": _l("User deactivated"),
    "user.reactivate": _l("User reactivated"),
    "user.password": _l("Password reset"),
    "token.revoke": _l("Device signed out"),
    "import": _l("Import"),
    "export": _l("Export"),
    "abc.apply": _l("Segments reclassified"),
}
# Where an entry's target is shown: {target_type: (endpoint, its id argument)}; a page not built is left out
TARGETS = {"contact": ("office.gdpr_contact", "contact_id"), "user": ("office.user", "user_id"),
           "customer": ("office.customer", "customer_id")}


class BadFilter(Exception):
    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name, self.message = name, message


def action_name(action: str) -> str:
    """An action in words; one this page does not know yet by its code."""
    return str(ACTIONS[action]) if action in ACTIONS else action


def target_url(entry: AuditEntry) -> str | None:
    place = TARGETS.get(entry.target_type or "")
    if place is None or not entry.target_id or place[0] not in current_app.view_functions:
        return None
    return url_for(place[0], **{place[1]: entry.target_id})


def read_filters(args, actions: list, people: dict) -> dict:
    """The list's filters from the query string; raises BadFilter naming a value that is not a choice."""
    out = {"action": (args.get("action") or "").strip(), "person": (args.get("person") or "").strip()}
    if out["action"] and out["action"] not in actions:
        raise BadFilter("action", _("not one of the actions in the log"))
    if out["person"] and out["person"] != CLI and out["person"] not in people:
        raise BadFilter("person", _("not one of the users"))
    page = args.get("page", "1")
    if not page.isdigit() or int(page) < 1:
        raise BadFilter("page", _("a page number from 1 up"))
    out["page"] = int(page)
    return out


@bp.get("/audit")
@role_required("manager")
def audit():
    # Actions: the known ones and whatever else is in the log; people: every user (a short table)
    actions = sorted(set(ACTIONS) | set(db.session.scalars(select(AuditEntry.action).distinct())), key=action_name)
    people = dict(db.session.execute(select(User.id, User.name).order_by(func.lower(User.name))).all())
    try:
        f = read_filters(request.args, actions, people)
    except BadFilter as bad:
        message = _("The parameter '%(name)s' is not valid: %(problem)s.", name=bad.name, problem=bad.message)
        return render_template("office/error.html", message=message), 400
    where = []
    if f["action"]:
        where.append(AuditEntry.action == f["action"])
    if f["person"]:
        where.append(AuditEntry.actor_id.is_(None) if f["person"] == CLI else AuditEntry.actor_id == f["person"])
    total = db.session.scalar(select(func.count()).select_from(AuditEntry).where(*where))
    pages = max((total + PER_PAGE - 1) // PER_PAGE, 1)
    page = min(f["page"], pages)  # past the end: the last page
    entries = db.session.scalars(select(AuditEntry).where(*where).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                                 .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    rows = [{"e": e, "action": action_name(e.action), "url": target_url(e)} for e in entries]

    def list_url(**changes):
        params = {k: v for k, v in {"action": f["action"], "person": f["person"], **changes}.items() if v}
        return url_for("office.audit", **params)

    return render_template("office/audit.html", rows=rows, f=f, actions=[(a, action_name(a)) for a in actions],
                           people=people, cli=CLI, total=total, page=page, pages=pages,
                           prev_url=list_url(page=page - 1) if page > 1 else None,
                           next_url=list_url(page=page + 1) if page < pages else None)
