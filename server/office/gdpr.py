"""A contact person's personal data (GDPR): what is held, the JSON download, the erasure.

Managers and admins only: the page shows everything about a person at once, and erasing cannot
be undone. The work is in server/gdpr.py; this module shows it and asks before erasing.
"""
import json

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user

from .. import gdpr
from ..extensions import db
from ..models import User
from .access import bp, role_required

def _held(contact_id) -> dict:
    held = gdpr.gather(db.session, str(contact_id))
    if held is None:
        abort(404)
    return held


def _page(template: str, held: dict, status: int = 200, **extra):
    users = dict(db.session.query(User.id, User.name).all())  # a team's users: one small query
    return render_template(template, held=held, c=held["contact"], names=users,
                           new_name=gdpr.placeholder(current_user), **extra), status


@bp.get("/gdpr/contacts/<uuid:contact_id>")
@role_required("manager")
def gdpr_contact(contact_id):
    return _page("office/gdpr.html", _held(contact_id))


@bp.get("/gdpr/contacts/<uuid:contact_id>/export.json")
@role_required("manager")
def gdpr_export(contact_id):
    held = _held(contact_id)
    gdpr.record_export(current_user, held)
    db.session.commit()
    day = held["generated_at"][:10]
    body = json.dumps(held, ensure_ascii=False, indent=2, sort_keys=False)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="personal-data-{held["contact"]["id"]}-{day}.json"',
        "Cache-Control": "no-store"})  # someone's whole file must not linger in a shared cache


@bp.route("/gdpr/contacts/<uuid:contact_id>/erase", methods=["GET", "POST"])
@role_required("manager")
def gdpr_erase(contact_id):
    held = _held(contact_id)
    if request.method == "GET":
        return _page("office/gdpr.html", held, confirm=True)
    if request.form.get("confirm") != "1":
        return _page("office/gdpr.html", held, 422, confirm=True,
                     error=_("Tick the box to confirm that the personal data is to be erased."))
    counts = gdpr.erase(current_user, held["contact"]["id"])
    if counts is None:  # deleted from the database between the two reads
        abort(404)
    flash(ngettext("The personal data was erased. Edit the %(num)d text that mentions the person by hand.",
                   "The personal data was erased. Edit the %(num)d texts that mention the person by hand.",
                   counts["mentions"]) if counts["mentions"] else _("The personal data was erased."))
    return redirect(url_for("office.gdpr_contact", contact_id=held["contact"]["id"]))
