"""Export (manager): customers, contacts, activities or orders as CSV or .xlsx, with the customer list's filters.

The filters are the customer list's own (customer_list.parse/conditions), so a link from
/office/customers carries its query string here and exports exactly the customers it showed
(for contacts, activities and orders: the records of those customers). The download is a POST
with the CSRF token: it writes an audit entry. The file is built in a spooled temporary file
(memory, then disk) so the row count is known for the audit entry before the first byte is sent.
"""
import tempfile

from flask import render_template, request, send_file
from flask_babel import gettext as _
from flask_login import current_user

from ..audit import record
from .. import exports as exporting  # the module, not its names: server.exports imports office.customer_list
from ..exports.columns import ENTITY_NAMES, entity_of
from ..exports.write import FORMATS
from ..extensions import db
from .access import bp, role_required
from .customer_forms import label
from .customer_list import SEGMENTS, STAGES, BadParam, Query, parse
from .customers import users_by_id
from .lights import LIGHTS
from .task_forms import today_local

FILTERS = ("q", "segment", "owner", "stage", "light", "archived", "stage_month")
SPOOL = 8 * 1024 * 1024  # bytes kept in memory before the file moves to disk
MIME = {"csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _page(values: dict, query: Query, errors: dict | None = None, status: int = 200):
    return render_template("office/exports.html", values=values, query=query, errors=errors or {},
                           entities=ENTITY_NAMES, formats=FORMATS, segments=SEGMENTS, stages=STAGES,
                           lights=LIGHTS, users=users_by_id(db.session).values(), label=label), status


def _read(form) -> tuple[dict, Query | None, dict]:
    """(the typed choices, the filters, {field: message}) from a GET's query or a POST's form."""
    values = {"entity": form.get("entity", "customers").strip().lower() or "customers",
              "format": form.get("format", "xlsx").strip().lower() or "xlsx",
              "marketing": form.get("marketing", "") in ("1", "on", "true")}
    errors = {}
    if entity_of(values["entity"]) is None:
        errors["entity"] = _("Entity: use one of %(choices)s.", choices=", ".join(ENTITY_NAMES))
    if values["format"] not in FORMATS:
        errors["format"] = _("Format: use one of %(choices)s.", choices=", ".join(FORMATS))
    try:
        query = parse(form)
    except BadParam as bad:
        errors[bad.name] = _("The parameter '%(name)s' is not valid: %(problem)s.", name=bad.name,
                             problem=bad.message)
        query = None
    return values, query, errors


def _typed(form) -> Query:
    """The filters as typed, unchecked: to show them again beside the message."""
    return Query(**{name: form.get(name, "").strip()[:200] for name in FILTERS})


@bp.get("/exports")
@role_required("manager")
def exports():
    values, query, errors = _read(request.args)
    if values["entity"] == "orders":
        values["entity"] = "deliveries"
    return _page(values, query or _typed(request.args), errors, 400 if errors else 200)


@bp.post("/exports")
@role_required("manager")
def export_download():
    values, query, errors = _read(request.form)
    if errors:  # the form again with what was chosen
        return _page(values, query or _typed(request.form), errors, 400)
    entity = entity_of(values["entity"])
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL)
    count = exporting.export(db.session, values["entity"], out, values["format"], query, values["marketing"])
    filters = {k: v for k, v in query.args().items() if k not in ("sort", "dir", "page")}
    record(current_user._get_current_object(), "export",
           f"Exported {count} {entity} rows to {values['format']}" + (" (marketing)" if values["marketing"] else ""),
           target_type=entity, details={"rows": count, "format": values["format"],
                                        "marketing": values["marketing"], "filters": filters})
    db.session.commit()
    out.seek(0)
    plural = ENTITY_NAMES[["customer", "contact", "activity", "delivery"].index(entity)]
    name = f"kentta-{plural}{'-marketing' if values['marketing'] else ''}-{today_local().isoformat()}.{values['format']}"
    return send_file(out, mimetype=MIME[values["format"]], as_attachment=True, download_name=name)
