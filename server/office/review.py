"""Review: conflict records and rejected ops, side by side; restore, dismiss, fix and retry.

Managers review the whole team's, customer service their own (reps do it in the app). Every
write of a record, the restore and the conflict's `resolved` included, goes through writes.py;
a quarantined op is not synced, so marking it handled is a plain update.
"""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..api.records import load_one, record_json
from ..extensions import db
from ..models import Conflict, QuarantinedOp
from . import writes
from .access import bp, role_required
from .review_data import (PER_PAGE, REVIEWED, STATES, Filters, conflict_page, conflict_rows,
                          op_fields, record_link, record_name, rejected_page, rejected_rows, show, split_errors,
                          user_names)
from .review_form import form_rows, read_form
from .review_labels import ENTITY_LABELS


@bp.get("/review")
@role_required("service")
def review():
    manager = current_user.at_least("manager")
    filters = Filters.from_args(request.args, manager)
    cpage, rpage = _page("cpage"), _page("rpage")
    users = user_names()
    conflicts, conflict_total = conflict_page(current_user, filters, cpage)
    rejected, rejected_total = rejected_page(current_user, filters, rpage)
    return render_template(
        "office/review.html", filters=filters, manager=manager, users=users, entities=REVIEWED,
        entity_labels=ENTITY_LABELS, states=STATES, per_page=PER_PAGE, back=request.full_path.rstrip("?"),
        conflicts=conflict_rows(conflicts, users), conflict_total=conflict_total, cpage=cpage,
        rejected=rejected_rows(rejected, users), rejected_total=rejected_total, rpage=rpage)


@bp.post("/review/conflicts/<conflict_id>/restore")
@role_required("service")
def restore_conflict(conflict_id):
    conflict = _conflict(conflict_id)
    if conflict.resolved:
        return _back(_("This conflict was already handled."))
    entity, record_id, field, lost = conflict.entity, conflict.record_id, conflict.field, conflict.lost_value
    rec = load_one(entity, record_id)
    what = f"{ENTITY_LABELS.get(entity, entity)} “{record_name(entity, rec) or record_id[:8]}”"
    if rec is None or rec["deleted"]:
        return _back(_("Not restored: %(what)s was deleted after this conflict, so there is nothing to put the "
                       "value back on. Dismiss the conflict if it no longer matters.", what=what))
    if_match = _int(request.form.get("version")) or rec["version"]
    if field == "deleted":  # the lost edit was a delete that a concurrent change beat: delete after all
        outcome = writes.delete(entity, record_id, if_match=if_match)
    else:
        outcome = writes.save(entity, record_id, {field: lost}, if_match=if_match)
    if not outcome.ok:
        if outcome.kind == "stale":
            return _back(_("Not restored: %(what)s changed again after you opened this page. Look at its value "
                           "now and decide again.", what=what))
        details = " ".join(m for ms in outcome.fields.values() for m in ms)
        return _back(_("Not restored: %(why)s", why=f"{outcome.message} {details}".strip()))
    resolved = writes.save("conflict", conflict_id, {"resolved": True})
    if not resolved.ok:
        return _back(_("The value was restored, but the conflict could not be marked handled: %(why)s",
                       why=resolved.message))
    return _back(_("Restored: %(what)s has the lost value again.", what=what) if field != "deleted"
                 else _("Deleted: %(what)s was deleted as the lost edit wanted.", what=what))


@bp.post("/review/conflicts/<conflict_id>/dismiss")
@role_required("service")
def dismiss_conflict(conflict_id):
    conflict = _conflict(conflict_id)
    if conflict.resolved:
        return _back(_("This conflict was already handled."))
    outcome = writes.save("conflict", conflict_id, {"resolved": True})
    return _back(_("Dismissed: the current value stays.") if outcome.ok
                 else _("Not dismissed: %(why)s", why=outcome.message))


@bp.post("/review/rejected/<int:op_id>/dismiss")
@role_required("service")
def dismiss_rejected(op_id):
    quarantined = _rejected(op_id)
    quarantined.resolved = True
    db.session.commit()
    return _back(_("Dismissed: the rejected change will not be applied."))


@bp.route("/review/rejected/<int:op_id>", methods=["GET", "POST"])
@role_required("service")
def fix_rejected(op_id):
    quarantined = _rejected(op_id)
    if request.method == "GET":
        return _fix_page(quarantined)
    if quarantined.resolved:
        return _fix_page(quarantined, message=_("This change was already handled."), status=409)
    entity, record_id = quarantined.entity, quarantined.record_id
    if (quarantined.op or {}).get("type") == "delete":
        outcome = writes.delete(entity, record_id)
        if not outcome.ok:
            return _fix_page(quarantined, message=outcome.message, status=_status(outcome.kind))
    else:
        fields, errors = read_form(quarantined, request.form, user_names())
        omitted = request.form.getlist("omit")
        if errors:
            return _fix_page(quarantined, form=request.form, errors=errors, omitted=omitted, status=422,
                             message=_("Not saved: check the fields marked below."))
        outcome = writes.save(entity, record_id, fields)
        if not outcome.ok:
            return _fix_page(quarantined, form=request.form, errors=outcome.fields, omitted=omitted,
                             message=outcome.message, status=_status(outcome.kind))
    quarantined.resolved = True
    db.session.commit()
    flash(_("Done: the corrected change is applied.") if (quarantined.op or {}).get("type") != "delete"
          else _("Done: the record is deleted."))
    return redirect(url_for("office.fix_rejected", op_id=op_id))


def _fix_page(quarantined, form=None, errors=None, omitted=(), message=None, status=200):
    users = user_names()
    rec = load_one(quarantined.entity, quarantined.record_id)
    rec = record_json(quarantined.entity, rec) if rec is not None else None
    row = rejected_rows([quarantined], users)[0]
    inputs = form_rows(quarantined, users, submitted=form, errors=errors, omitted=omitted)
    if rec is not None:  # what the record holds now, beside each input: the fix may no longer be wanted
        for row_input in inputs:
            row_input["now"] = show(quarantined.entity, row_input["name"], rec.get(row_input["name"]), users, {})
    _by_field, general = split_errors(quarantined.entity, quarantined.errors or {} if errors is None else errors,
                                      op_fields(quarantined))
    return render_template(
        "office/review_fix.html", row=row, rec=rec, message=message, general=general, inputs=inputs,
        link=record_link(quarantined.entity, quarantined.record_id, rec),
        someone_else=quarantined.user_id != current_user.id, back=url_for("office.review")), status


def _conflict(conflict_id) -> Conflict:
    """The conflict, if this user may act on it: managers on anyone's, others on their own (403)."""
    conflict = db.session.get(Conflict, conflict_id)
    if conflict is None or conflict.deleted:
        abort(404)
    if not current_user.at_least("manager") and conflict.lost_by != current_user.id:
        abort(403)
    return conflict


def _rejected(op_id) -> QuarantinedOp:
    quarantined = db.session.get(QuarantinedOp, op_id)
    if quarantined is None:
        abort(404)
    if not current_user.at_least("manager") and quarantined.user_id != current_user.id:
        abort(403)
    return quarantined


def _back(message: str):
    """Back to the list the button was on (its filters and page), with what happened."""
    flash(message)
    target = request.form.get("back") or ""
    if not target.startswith("/office/review") or target.startswith("//"):
        target = url_for("office.review")
    return redirect(target)


def _status(kind: str) -> int:
    return {"invalid": 422, "forbidden": 403, "not_found": 404}.get(kind, 409)


def _page(name: str) -> int:
    return max(1, _int(request.args.get(name)) or 1)


def _int(text) -> int | None:
    try:
        return int(text)
    except (TypeError, ValueError):
        return None
