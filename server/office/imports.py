"""Import customers and contacts (manager): upload, map the columns with a preview, dry run, run, summary.

The file is read at upload (an unreadable one makes no job) and kept in the job row; its headers
and first rows are kept in the job's options too, so the mapping page does not read it again.
The import itself is server/imports' (the same code as the CLI); this module is only its pages.
"""
from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from ..api.json_body import body_limit
from ..extensions import db
from ..imports.mapping import FIELDS, guess_mapping
from ..imports.read import UnreadableFile, read_table
from ..models import ImportJob, User
from . import import_jobs
from .access import bp, role_required

UPLOAD_LIMIT = 20 * 1024 * 1024  # 10 000 rows are 1.5–3 MB; the rest of the app keeps 2 MiB
SAMPLE_ROWS, PREVIEW_ROWS, JOBS_SHOWN = 10, 200, 20
DUPLICATES = {"skip": _l("Skip: leave the existing customer as it is."),
              "update": _l("Update: fill the existing customer's fields from the file (empty cells change nothing)."),
              "create": _l("Create: add a new customer anyway (never with a Business ID already in use).")}
LABELS = {
    "customer.name": _l("Customer name"), "customer.business_id": _l("Business ID"),
    "customer.kind": _l("Kind"), "customer.segment": _l("Segment"), "customer.stage": _l("Stage"),
    "customer.phone": _l("Phone"), "customer.email": _l("E-mail"), "customer.website": _l("Website"),
    "customer.street": _l("Street address"), "customer.postal_code": _l("Postal code"),
    "customer.city": _l("City"), "customer.country": _l("Country"),
    "customer.preferred_contact": _l("Preferred contact"), "customer.notes": _l("Notes"),
    "customer.do_not_contact": _l("Do not contact"), "customer.marketing_ban": _l("Marketing ban"),
    "customer.owner_email": _l("Owner (e-mail)"), "customer.latitude": _l("Latitude"),
    "customer.longitude": _l("Longitude"), "contact.name": _l("Contact person"),
    "contact.role": _l("Contact's role"), "contact.phone": _l("Contact's phone"),
    "contact.email": _l("Contact's e-mail"), "contact.marketing_ban": _l("Contact's marketing ban"),
    "contact.notes": _l("Contact's notes"),
}
STATUSES = {"uploaded": _l("Not run yet"), "running": _l("Running"), "done": _l("Imported"), "failed": _l("Failed")}
IGNORE = ""


@bp.get("/imports")
@role_required("manager")
def imports(error: str | None = None, status: int = 200):
    jobs = db.session.execute(select(ImportJob.id, ImportJob.filename, ImportJob.created_at, ImportJob.status,
                                     ImportJob.total, ImportJob.result, User.name.label("who"))
                              .outerjoin(User, User.id == ImportJob.created_by)
                              .order_by(ImportJob.created_at.desc()).limit(JOBS_SHOWN)).all()
    return render_template("office/imports.html", jobs=jobs, error=error, statuses=STATUSES, limit_mb=UPLOAD_LIMIT // 1048576), status


@bp.post("/imports")
@body_limit(UPLOAD_LIMIT)
@role_required("manager")
def upload_import():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return imports(_("File: choose a .csv or .xlsx file to import."), 422)
    data = upload.read()
    try:
        table = read_table(upload.filename, data)
    except UnreadableFile as err:
        return imports(_("%(file)s could not be read: %(reason)s", file=upload.filename, reason=str(err)), 422)
    if not table.rows:
        return imports(_("%(file)s has column names but no rows to import.", file=upload.filename), 422)
    options = {"headers": table.headers, "sample": table.rows[:SAMPLE_ROWS], "rows": len(table.rows),
               "mapping": {str(col): field for col, field in guess_mapping(table.headers).items()},
               "duplicates": "skip", "encoding": table.encoding, "delimiter": table.delimiter, "sheet": table.sheet}
    job = ImportJob(created_by=current_user.id, filename=upload.filename[:200], data=data, options=options)
    db.session.add(job)
    db.session.commit()
    return redirect(url_for("office.import_job", job_id=job.id))


def _job(job_id: str) -> ImportJob:
    return db.session.get(ImportJob, job_id) or abort(404)


def _page(job: ImportJob, mapping: dict | None = None, duplicates: str | None = None, preview=None,
          errors: dict | None = None, status: int = 200):
    """The job's page: the mapping form (with what was chosen or typed), a dry run's results, or the progress."""
    if mapping is None:
        mapping = {int(col): field for col, field in job.options.get("mapping", {}).items()}
    return render_template("office/import_job.html", job=job, opts=job.options, mapping=mapping,
                           duplicates=duplicates or job.options.get("duplicates", "skip"), modes=DUPLICATES,
                           fields=FIELDS, labels=LABELS, preview=preview, errors=errors or {},
                           state=import_jobs.status_of(job), preview_rows=PREVIEW_ROWS,
                           statuses=STATUSES), status


@bp.get("/imports/<job_id>")
@role_required("manager")
def import_job(job_id):
    return _page(_job(job_id))


def parse_mapping(form, headers: list) -> tuple[dict, dict]:
    """({column: field}, {form field: message}) from the mapping form; every column's choice is checked."""
    mapping, errors, used = {}, {}, {}
    for col, header in enumerate(headers):
        field = form.get(f"col-{col}", IGNORE)
        if field == IGNORE:
            continue
        if field not in FIELDS:
            errors[f"col-{col}"] = _("Column %(column)s: choose a field from the list.", column=header or col + 1)
        elif field in used:
            errors[f"col-{col}"] = _("Column %(column)s: %(field)s is already taken by column %(other)s.",
                                     column=header or col + 1, field=LABELS[field], other=headers[used[field]] or used[field] + 1)
        else:
            used[field] = col
        mapping[col] = field
    if "customer.name" not in used and not errors:
        errors["mapping"] = _("Choose the column that holds the customer's name: every row needs one.")
    return mapping, errors


@bp.post("/imports/<job_id>/preview")
@role_required("manager")
def preview_import(job_id):
    job = _job(job_id)
    if job.status != "uploaded":
        flash(_("This import has been run already; upload the file again to import it again."))
        return redirect(url_for("office.import_job", job_id=job.id))
    mapping, errors = parse_mapping(request.form, job.options["headers"])
    duplicates = request.form.get("duplicates", "")
    if duplicates not in DUPLICATES:
        errors["duplicates"] = _("Duplicates: choose skip, update or create.")
    if errors:  # nothing saved; the choices made stay on the form
        return _page(job, mapping, duplicates, errors=errors, status=422)
    job.options = dict(job.options, mapping={str(col): f for col, f in mapping.items()}, duplicates=duplicates,
                       previewed=True)
    db.session.commit()
    try:
        table, the_plan = import_jobs.plan_of(job)
    except ValueError as err:  # the core's own check of a mapping (ours above should have caught it)
        return _page(job, mapping, duplicates, errors={"mapping": str(err)}, status=422)
    shown = sorted(the_plan.rows, key=lambda row: (row.action != "invalid", row.line))[:PREVIEW_ROWS]
    return _page(job, preview={"counts": the_plan.counts, "rows": shown, "total": len(the_plan.rows),
                               "names": names_by_line(table, mapping, {row.line for row in shown})})


def names_by_line(table, mapping: dict, lines: set) -> dict:
    """{line: (customer name, contact name)} as the file has them (a skipped row writes no fields)."""
    col = {field: index for index, field in mapping.items()}
    cell = lambda cells, field: cells[col[field]].strip() if field in col else ""  # noqa: E731
    return {line: (cell(cells, "customer.name"), cell(cells, "contact.name"))
            for line, cells in zip(table.lines, table.rows) if line in lines}


@bp.post("/imports/<job_id>/run")
@role_required("manager")
def run_import(job_id):
    job = _job(job_id)
    if not job.options.get("previewed"):  # the run takes the mapping a dry run saved
        flash(_("Make a dry run first: it saves the mapping the import uses."))
    elif not import_jobs.claim(job.id, current_user.id):
        flash(_("This import has been started already: a file is imported once."))
    elif current_app.config.get("IMPORT_JOBS_INLINE"):  # tests: the same work, without the thread
        import_jobs.execute(job.id)
    else:
        import_jobs.start(current_app._get_current_object(), job.id)
    return redirect(url_for("office.import_job", job_id=job.id))


@bp.get("/imports/<job_id>/status")
@role_required("manager")
def import_status(job_id):
    return jsonify(import_jobs.status_of(_job(job_id)))
