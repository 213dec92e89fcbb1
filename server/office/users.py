"""User administration for admins (issue 15 item 5): the list, a new user, a user's page and its actions.

The pages only collect input and show results; server/users.py does the work (the CLI uses it too)
and records the audit entries. A generated password is shown in the response to the POST that made
it, never flashed: the flash would sit in the (signed, not encrypted) session cookie.
"""
from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import users as ops
from ..extensions import db
from ..models import ROLES, User, WebPushSubscription
from .access import bp, role_required

ROLE_LABELS = {"rep": _l("Sales rep"), "service": _l("Customer service"), "manager": _l("Manager"),
               "admin": _l("Admin")}
STATE_LABELS = {"active": _l("in use"), "expired": _l("expired"), "revoked": _l("revoked")}


def _no_store(body: str, status: int = 200):
    """A page that may carry a password: no cache keeps a copy."""
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _list_page(form: dict | None = None, errors: dict | None = None, status: int = 200):
    return render_template("office/users.html", rows=ops.listing(), roles=ROLES, role_labels=ROLE_LABELS,
                           form=form or {"role": "rep"}, errors=errors or {}, min_length=ops.PASSWORD_MIN), status


def _user_or_404(user_id) -> User:
    user = db.session.get(User, str(user_id))
    if user is None:
        abort(404)
    return user


def _user_page(user: User, status: int = 200, errors: dict | None = None, password: str | None = None,
               confirm: bool = False):
    subscriptions = db.session.query(WebPushSubscription).filter_by(user_id=user.id).count()
    body = render_template("office/user.html", u=user, devices=ops.devices(user), state=ops.token_state,
                           state_labels=STATE_LABELS, roles=ROLES, role_labels=ROLE_LABELS, errors=errors or {},
                           subscriptions=subscriptions, password=password, confirm_deactivate=confirm,
                           is_me=user.id == current_user.id, min_length=ops.PASSWORD_MIN)
    return _no_store(body, status)


def _refused(user: User, err: ops.UserError):
    db.session.rollback()
    return _user_page(user, 422, {err.field or "form": err.message})


@bp.get("/users")
@role_required("admin")
def users():
    return _list_page()


@bp.post("/users")
@role_required("admin")
def user_create():
    form = {name: request.form.get(name, "").strip() for name in ("email", "name", "role")}
    try:
        user, generated = ops.create(current_user, form["email"], form["name"], form["role"],
                                     request.form.get("password") or None)
    except ops.UserError as err:
        db.session.rollback()
        # What was typed comes back, except the password: a page never carries one it did not make.
        return _list_page(form, {err.field or "form": err.message}, 422)
    flash(_("User %(email)s created.", email=user.email))
    if generated:
        return _user_page(user, password=generated)
    return redirect(url_for("office.user", user_id=user.id))


@bp.get("/users/<uuid:user_id>")
@role_required("admin")
def user(user_id):
    return _user_page(_user_or_404(user_id))


@bp.post("/users/<uuid:user_id>/role")
@role_required("admin")
def user_role(user_id):
    user = _user_or_404(user_id)
    try:
        before = user.role
        if ops.set_role(current_user, user, request.form.get("role", "")):
            flash(_("%(email)s: role %(before)s → %(after)s.", email=user.email,
                    before=ROLE_LABELS[before], after=ROLE_LABELS[user.role]))
    except ops.UserError as err:
        return _refused(user, err)
    return redirect(url_for("office.user", user_id=user.id))


@bp.post("/users/<uuid:user_id>/password")
@role_required("admin")
def user_password(user_id):
    user = _user_or_404(user_id)
    try:
        generated = ops.reset_password(current_user, user, request.form.get("password") or None)
    except ops.UserError as err:
        return _refused(user, err)
    flash(_("New password set for %(email)s; their sessions ended and their devices must log in again.",
            email=user.email))
    if generated:  # shown in this response only (the admin's own session, if it was theirs, ends after it)
        return _user_page(user, password=generated)
    return redirect(url_for("office.user", user_id=user.id))


@bp.route("/users/<uuid:user_id>/deactivate", methods=["GET", "POST"])
@role_required("admin")
def user_deactivate(user_id):
    user = _user_or_404(user_id)
    if request.method == "GET":  # the confirmation: what will stop working
        return _user_page(user, confirm=user.active)
    try:
        if ops.deactivate(current_user, user):
            flash(_("%(email)s was deactivated: tokens, calendar links, push and sessions cut off.",
                    email=user.email))
    except ops.UserError as err:
        return _refused(user, err)
    return redirect(url_for("office.user", user_id=user.id))


@bp.post("/users/<uuid:user_id>/reactivate")
@role_required("admin")
def user_reactivate(user_id):
    user = _user_or_404(user_id)
    if ops.reactivate(current_user, user):
        flash(_("%(email)s can log in again.", email=user.email))
    return redirect(url_for("office.user", user_id=user.id))


@bp.post("/users/<uuid:user_id>/tokens/<int:token_id>/revoke")
@role_required("admin")
def token_revoke(user_id, token_id):
    user = _user_or_404(user_id)
    token = ops.revoke_token(current_user, user, token_id)
    if token is None:
        abort(404)
    flash(_("The token of %(device)s was revoked; that device must log in again.",
            device=token.device_name or _("an unnamed device")))
    return redirect(url_for("office.user", user_id=user.id) + "#devices")
