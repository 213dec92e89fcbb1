"""Service levels per segment: read by every user (the PWA's traffic light), set by managers."""
from flask import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from ..extensions import db
from ..models import ServiceLevel
from .auth import auth_required
from .json_body import json_body

bp = Blueprint("settings", __name__, url_prefix="/api/service-levels")


class LevelSchema(Schema):
    visit_interval_days = fields.Integer(required=True, strict=True, validate=validate.Range(1, 3650))
    followup_delay_days = fields.Integer(required=True, strict=True, validate=validate.Range(0, 365))


def levels_json() -> dict:
    rows = db.session.scalars(select(ServiceLevel).order_by(ServiceLevel.segment))
    return {"items": [{"segment": r.segment, "visit_interval_days": r.visit_interval_days,
                       "followup_delay_days": r.followup_delay_days} for r in rows]}


@bp.get("")
@auth_required()
def index():
    return levels_json()


@bp.put("/<any(A, B, C, D):segment>")
@auth_required("manager")
def update(segment):
    data = LevelSchema().load(json_body())
    level = db.session.get(ServiceLevel, segment) or ServiceLevel(segment=segment)
    level.visit_interval_days = data["visit_interval_days"]
    level.followup_delay_days = data["followup_delay_days"]
    db.session.add(level)
    db.session.commit()
    return levels_json()
