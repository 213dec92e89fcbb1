"""Customers: the register's table, the picker lookup, a customer's page, edit, archive, delete."""
from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ..extensions import db
from ..models import Activity, Contact, Customer, Delivery, Task, User
from ..sync.codec import CODECS
from . import customer_forms as forms
from . import handover  # noqa: F401  (adds the handover pages to the blueprint)
from . import timeline, writes
from .access import bp, role_required
from .customer_list import SEGMENTS, SORTS, STAGES, BadParam, find, lookup as find_names, parse, shown_last_contacts
from .lights import LIGHTS, intervals, light_of


def users_by_id(session) -> dict:
    """{id: User} of every user (a short table: one query serves names and the owner choices)."""
    return {u.id: u for u in session.scalars(select(User).order_by(func.lower(User.name)))}


def _wire(entity: str, record_id: str, parent_id: str | None = None):
    """A live record as wire values (id, version, fields), or None; a contact must be the customer's."""
    table = CODECS[entity].table
    row = db.session.execute(select(table).where(table.c.id == record_id)).mappings().first()
    if row is None or row["deleted"] or (parent_id and row["customer_id"] != parent_id):
        return None, None
    return CODECS[entity].record(row), row


@bp.get("/customers")
@role_required("service")
def customers():
    try:
        query = parse(request.args)
    except BadParam as bad:
        message = _("The parameter '%(name)s' is not valid: %(problem)s.", name=bad.name, problem=bad.message)
        return render_template("office/error.html", message=message), 400
    page = find(db.session, query, intervals(db.session))
    users = users_by_id(db.session)
    return render_template("office/customers.html", query=query, page=page, users=users.values(),
                           segments=SEGMENTS, stages=STAGES, lights=LIGHTS, sorts=SORTS, label=forms.label)


@bp.get("/customers/lookup")
@role_required("service")
def customer_lookup():
    return jsonify(find_names(db.session, request.args.get("q", "")))


def render_customer(customer_id: str, status: int = 200, **extra):
    """The customer page (with a contact form's input and errors in `extra` after a failed save)."""
    customer, row = _wire("customer", customer_id)
    if customer is None:
        abort(404)
    users = users_by_id(db.session)
    names = {uid: u.name for uid, u in users.items()}
    last = shown_last_contacts(db.session, [customer_id]).get(customer_id)
    contacts = [CODECS["contact"].record(r) for r in db.session.execute(
        select(Contact.__table__).where(Contact.customer_id == customer_id, Contact.deleted.is_(False))
        .order_by(func.lower(Contact.name))).mappings()]
    parent = _wire("customer", customer["parent_id"])[0] if customer["parent_id"] else None
    mine_only = None if current_user.at_least("manager") else current_user.id  # conflicts are private (§5)
    return render_template(
        "office/customer.html", c=customer, owner=names.get(customer["owner_id"]), parent=parent, contacts=contacts,
        last_contact=last, light=light_of(customer["segment"], last, intervals(db.session)),
        entries=timeline.load(db.session, customer_id, names, mine_only), label=forms.label,
        contact_fields=forms.CONTACT_FIELDS, **extra), status


@bp.get("/customers/<uuid:customer_id>")
@role_required("service")
def customer(customer_id):
    return render_customer(str(customer_id))


def _form_page(customer, values, errors=None, message="", changed=None, status=200):
    users = users_by_id(db.session)
    parent = _wire("customer", values.get("parent_id"))[0] if values.get("parent_id") else None
    return render_template("office/customer_edit.html", c=customer, values=values, errors=errors or {},
                           message=message, changed=changed or {}, fields=forms.CUSTOMER_FIELDS,
                           choices=forms.CHOICES, users=users.values(), parent=parent, label=forms.label), status


def _refused(outcome, customer, values):
    """Re-render the form with the user's input and why the save was refused."""
    status = {"forbidden": 403, "not_found": 404, "parent_deleted": 409, "duplicate": 409}.get(outcome.kind, 422)
    return _form_page(customer, values, forms.errors_by_field(outcome.fields), outcome.message, status=status)


@bp.route("/customers/new", methods=["GET", "POST"])
@role_required("service")
def customer_new():
    if request.method == "GET":
        return _form_page(None, {"kind": "customer", "stage": "new", "country": "FI", "owner_id": current_user.id})
    values = forms.submitted(request.form)
    outcome = writes.save("customer", None, forms.for_create(values))
    if not outcome.ok:
        return _refused(outcome, None, values)
    flash(_("Customer %(name)s created.", name=values["name"]))
    return redirect(url_for("office.customer", customer_id=outcome.id))


@bp.route("/customers/<uuid:customer_id>/edit", methods=["GET", "POST"])
@role_required("service")
def customer_edit(customer_id):
    current, row = _wire("customer", str(customer_id))
    if current is None:
        abort(404)
    if request.method == "GET":
        return _form_page(current, current)
    values = {**forms.submitted(request.form), "version": forms.version_of(request.form)}
    if values["version"] != current["version"]:
        return _stale(current, row, values)
    fields = forms.changes({k: v for k, v in values.items() if k != "version"}, current)
    if not fields:
        flash(_("Nothing changed."))
        return redirect(url_for("office.customer", customer_id=current["id"]))
    outcome = writes.save("customer", current["id"], fields, if_match=values["version"])
    if outcome.kind == "stale":  # changed between our read and the write
        current, row = _wire("customer", current["id"])
        return _stale(current, row, values)
    if not outcome.ok:
        return _refused(outcome, current, values)
    flash(_("Saved."))
    return redirect(url_for("office.customer", customer_id=current["id"]))


def _stale(current, row, values):
    """Keep what the user typed, mark what others changed, and let a second save keep the user's values."""
    names = {uid: u.name for uid, u in users_by_id(db.session).items()}
    changed = forms.changed_since(row, "customer", values["version"] or 0, names)
    message = _("Someone changed this customer while you were editing it. Nothing was saved. Your input is kept "
                "below; the marked fields show what is stored now. Save again to keep your values.")
    for name, info in changed.items():
        info["value"] = current.get(name)
    return _form_page(current, {**values, "version": current["version"]}, message=message, changed=changed,
                      status=409)


@bp.post("/customers/<uuid:customer_id>/archive")
@role_required("service")
def customer_archive(customer_id):
    archive = request.form.get("archived") == "1"
    outcome = writes.save("customer", str(customer_id), {"archived": archive})
    if outcome.ok:
        flash(_("Customer archived.") if archive else _("Customer restored from the archive."))
    else:
        flash(outcome.message)
    return redirect(url_for("office.customer", customer_id=customer_id))


@bp.route("/customers/<uuid:customer_id>/delete", methods=["GET", "POST"])
@role_required("manager")
def customer_delete(customer_id):
    customer_id = str(customer_id)
    if request.method == "GET":
        counts = {model.__tablename__: db.session.scalar(
            select(func.count()).select_from(model).where(model.customer_id == customer_id, model.deleted.is_(False)))
            for model in (Contact, Activity, Task, Delivery)}
        counts["outlets"] = db.session.scalar(select(func.count()).select_from(Customer).where(
            Customer.parent_id == customer_id, Customer.deleted.is_(False)))
        return render_customer(customer_id, confirm_delete=counts)
    outcome = writes.delete("customer", customer_id)
    if not outcome.ok:
        flash(outcome.message)
        return redirect(url_for("office.customer", customer_id=customer_id))
    flash(_("The customer and everything under it were deleted."))
    return redirect(url_for("office.customers"))


def _contact_refused(customer_id, outcome, contact_id, values):
    status = {"forbidden": 403, "stale": 409, "not_found": 404}.get(outcome.kind, 422)
    return render_customer(customer_id, status, contact_form={
        "id": contact_id, "values": values, "errors": forms.errors_by_field(outcome.fields),
        "message": outcome.message})


@bp.post("/customers/<uuid:customer_id>/contacts")
@role_required("service")
def contact_new(customer_id):
    customer_id = str(customer_id)
    values = forms.submitted(request.form, forms.CONTACT_FIELDS)
    outcome = writes.save("contact", None, {**forms.for_create(values), "customer_id": customer_id})
    if not outcome.ok:
        return _contact_refused(customer_id, outcome, None, values)
    flash(_("Contact %(name)s added.", name=values["name"]))
    return redirect(url_for("office.customer", customer_id=customer_id) + "#contacts")


@bp.post("/customers/<uuid:customer_id>/contacts/<uuid:contact_id>")
@role_required("service")
def contact_edit(customer_id, contact_id):
    customer_id, contact_id = str(customer_id), str(contact_id)
    current = _contact_of(customer_id, contact_id)
    values = forms.submitted(request.form, forms.CONTACT_FIELDS)
    fields = forms.changes(values, current)
    if fields:
        outcome = writes.save("contact", contact_id, fields, if_match=forms.version_of(request.form))
        if not outcome.ok:
            return _contact_refused(customer_id, outcome, contact_id, values)
        flash(_("Contact %(name)s saved.", name=values["name"]))
    return redirect(url_for("office.customer", customer_id=customer_id) + "#contacts")


@bp.post("/customers/<uuid:customer_id>/contacts/<uuid:contact_id>/delete")
@role_required("service")
def contact_delete(customer_id, contact_id):
    customer_id, contact_id = str(customer_id), str(contact_id)
    current = _contact_of(customer_id, contact_id)
    outcome = writes.delete("contact", contact_id)
    flash(_("Contact %(name)s deleted.", name=current["name"]) if outcome.ok else outcome.message)
    return redirect(url_for("office.customer", customer_id=customer_id) + "#contacts")


def _contact_of(customer_id: str, contact_id: str) -> dict:
    """The contact's stored wire values, if it is this customer's; else 404."""
    current, _row = _wire("contact", contact_id, customer_id)
    if current is None:
        abort(404)
    return current
