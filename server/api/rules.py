"""GET /api/rules: the validation rules of every synced entity, as JSON Schema made from the
marshmallow schemas (server/schemas/entities.py, fields.py) the server itself validates with.

The app stores them and checks a form with pwa/static/js/validate.js before it saves, so a value
the server would refuse is caught under its field instead of being rejected after a sync. One
source: a new field or rule shows up here by itself. The checks JSON Schema has no word for are
named formats, each implemented in validate.js to the letter of its Python rule:

- "one-line" / "multi-line": Text (trimmed first; blank is null; lengths count the trimmed text;
  no control characters, a multi-line one keeps line breaks and tabs)
- "y-tunnus": BusinessId (1234567-8 and its modulo-11 check digit)
- "postal-code-fi": five digits when the record's `country` is FI (a new record without one is in
  Finland), else letters, digits, spaces or hyphens with a digit (fields.postal_code_problem)
- "web-address": WebAddress (an http(s) address with a dotted host; a bare host gets https://)
- "email", "date", "date-time", "uuid", "money", "quantity": as the field types of those names.
"""
import hashlib
import json

from flask import Blueprint, current_app, request
from marshmallow import fields as mf

from ..schemas import fields as kf
from ..schemas.entities import SCHEMAS
from .auth import auth_required
from .openapi_schemas import field_validators

bp = Blueprint("rules", __name__, url_prefix="/api")

RULES_VERSION = 1  # bumped when validate.js must learn a new keyword or format


def _text(field: kf.Text) -> dict:
    out = {"type": "string", "format": "multi-line" if field.multiline else "one-line", "maxLength": field.max_length}
    if field.min_length:
        out["minLength"] = field.min_length
    return out


def field_rule(field, name: str = "") -> dict:
    """One field's rule; order matters, as the custom fields subclass the plain ones."""
    if isinstance(field, kf.BusinessId):
        out = {"type": "string", "format": "y-tunnus"}
    elif isinstance(field, kf.WebAddress):
        out = {**_text(field), "format": "web-address"}
    elif isinstance(field, kf.Text):
        out = _text(field)
        if name == "postal_code":  # CustomerSchema._postal_code_fits_country, with the sibling `country`
            out["format"] = "postal-code-fi"
    elif isinstance(field, kf.UtcInstant):
        out = {"type": "string", "format": "date-time", "x-years": [kf.MIN_YEAR, kf.MAX_YEAR]}
    elif isinstance(field, kf.Day):
        out = {"type": "string", "format": "date", "x-years": [kf.MIN_YEAR, kf.MAX_YEAR]}
    elif isinstance(field, mf.Email):
        out = {"type": "string", "format": "email"}
    elif isinstance(field, mf.UUID):
        out = {"type": "string", "format": "uuid"}
    elif isinstance(field, mf.Boolean):
        out = {"type": "boolean"}
    elif isinstance(field, (kf.Money, kf.Quantity)):
        out = {"type": ["string", "number"], "format": "money" if isinstance(field, kf.Money) else "quantity",
               "pattern": "^" + field.text.pattern.replace(r"\Z", "$"), "minimum": float(field.low),
               "maximum": float(field.high)}
    elif isinstance(field, mf.Integer):
        out = {"type": "integer"}
    elif isinstance(field, mf.Number):  # a JSON number (the server also reads a numeric string; the app sends numbers)
        out = {"type": "number"}
    elif isinstance(field, mf.List):
        out = {"type": "array", "items": field_rule(field.inner)}
    elif isinstance(field, mf.Nested):
        out = entity_rules(field.schema)
    elif isinstance(field, mf.String):
        out = {"type": "string"}
    else:
        raise TypeError(f"No rule for {type(field).__name__}")
    out = field_validators(out, field)
    if field.allow_none:
        out["type"] = [*([out["type"]] if isinstance(out["type"], str) else out["type"]), "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    return out


def entity_rules(schema) -> dict:
    """A whole record (a create); an edit checks only the fields it sends."""
    props = {f.data_key or n: field_rule(f, n) for n, f in schema.fields.items() if not f.dump_only}
    out = {"type": "object", "properties": props, "additionalProperties": False}
    required = [f.data_key or n for n, f in schema.fields.items() if f.required]
    if required:
        out["required"] = required
    if "starts_at" in props and "ends_at" in props:  # ActivitySchema._ends_after_start
        out["x-not-before"] = {"ends_at": "starts_at"}
    return out


def build_rules() -> dict:
    return {"version": RULES_VERSION, "$schema": "https://json-schema.org/draft/2020-12/schema",
            "entities": {name: entity_rules(schema()) for name, schema in SCHEMAS.items()}}


@bp.get("/rules")
@auth_required()
def rules():
    """The rules with a strong ETag: the app asks with If-None-Match on every sync and mostly gets 304."""
    cached = current_app.extensions.get("kentta.rules")
    if cached is None:
        body = json.dumps(build_rules(), sort_keys=True, separators=(",", ":"))
        etag = hashlib.sha256(body.encode()).hexdigest()[:32]
        cached = current_app.extensions["kentta.rules"] = (body, etag)
    body, etag = cached
    headers = {"ETag": f'"{etag}"', "Cache-Control": "private, no-cache"}
    if etag in request.if_none_match:
        return "", 304, headers
    return current_app.response_class(body, 200, {**headers, "Content-Type": "application/json"})
