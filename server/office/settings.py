"""Organisation settings: service levels per segment and the follow-up delay, and the organisation's name.

Service levels are checked by the REST API's LevelSchema (one validator for both doors); only the
message is the office's own, so it can name the segment and the field in the reader's language.
The organisation's name is an admin's to change (SPEC §2); a manager sees it.
"""
import re

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from marshmallow import ValidationError, validate
from sqlalchemy import select

from ..api.settings import LevelSchema
from ..extensions import db
from ..models import DEFAULT_FOLLOWUP_DELAY_DAYS, DEFAULT_SERVICE_LEVELS, OrgSetting, ServiceLevel
from .access import bp, role_required

SEGMENTS = ("A", "B", "C", "D")
FIELDS = {"visit_interval_days": _l("Visit interval (days)"), "followup_delay_days": _l("Follow-up delay (days)")}
ORG_NAME, ORG_NAME_MAX = "org_name", 100
_INTEGER = re.compile(r"[+-]?\d{1,9}")


def stored_levels(session) -> dict:
    """{segment: {field: days}} with the defaults for a segment never saved."""
    rows = {row.segment: row for row in session.scalars(select(ServiceLevel))}
    return {seg: {"visit_interval_days": rows[seg].visit_interval_days if seg in rows else DEFAULT_SERVICE_LEVELS[seg],
                  "followup_delay_days": rows[seg].followup_delay_days if seg in rows else DEFAULT_FOLLOWUP_DELAY_DAYS}
            for seg in SEGMENTS}


def _range(field: str) -> tuple:
    """The allowed (min, max) as LevelSchema states them, for the message."""
    rule = next(v for v in LevelSchema().fields[field].validators if isinstance(v, validate.Range))
    return rule.min, rule.max


def parse_levels(form) -> tuple[dict, dict]:
    """({segment: loaded levels}, {"<segment>-<field>": message}) from the submitted form."""
    levels, errors = {}, {}
    for seg in SEGMENTS:
        raw = {}
        for field in FIELDS:
            text = (form.get(f"{seg}-{field}") or "").strip()
            if text:  # a missing value is left out, so the schema says it is required
                raw[field] = int(text) if _INTEGER.fullmatch(text) else text
        try:
            levels[seg] = LevelSchema().load(raw)
        except ValidationError as err:
            for field in err.messages:
                low, high = _range(field)
                errors[f"{seg}-{field}"] = _("Segment %(segment)s, %(field)s: a whole number from %(min)d to %(max)d.",
                                             segment=seg, field=FIELDS[field], min=low, max=high)
    return levels, errors


def parse_org_name(form, errors: dict) -> str:
    name = (form.get(ORG_NAME) or "").strip()
    if not name:
        errors[ORG_NAME] = _("Organisation name: enter the name.")
    elif len(name) > ORG_NAME_MAX:
        errors[ORG_NAME] = _("Organisation name: at most %(max)d characters.", max=ORG_NAME_MAX)
    return name


def _org_name() -> str:
    row = db.session.get(OrgSetting, ORG_NAME)
    return row.value if row else ""


def _page(values: dict, org_name: str, errors: dict | None = None, status: int = 200):
    return render_template("office/settings.html", segments=SEGMENTS, fields=FIELDS, values=values,
                           org_name=org_name, can_rename=current_user.at_least("admin"), errors=errors or {}), status


@bp.get("/settings")
@role_required("manager")
def settings():
    return _page(stored_levels(db.session), _org_name())


@bp.post("/settings")
@role_required("manager")
def save_settings():
    levels, errors = parse_levels(request.form)
    can_rename = current_user.at_least("admin")
    org_name = parse_org_name(request.form, errors) if can_rename else _org_name()
    if errors:  # nothing is saved until every field is right; what was typed stays in the form
        typed = {seg: {field: request.form.get(f"{seg}-{field}", "") for field in FIELDS} for seg in SEGMENTS}
        return _page(typed, request.form.get(ORG_NAME, "") if can_rename else org_name, errors, 422)
    for seg, data in levels.items():
        level = db.session.get(ServiceLevel, seg) or ServiceLevel(segment=seg)
        level.visit_interval_days = data["visit_interval_days"]
        level.followup_delay_days = data["followup_delay_days"]
        db.session.add(level)
    if can_rename:
        row = db.session.get(OrgSetting, ORG_NAME) or OrgSetting(key=ORG_NAME)
        row.value = org_name
        db.session.add(row)
    db.session.commit()
    flash(_("The settings were saved."))
    return redirect(url_for("office.settings"))
