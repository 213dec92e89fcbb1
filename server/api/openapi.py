"""GET /api/openapi.json: an OpenAPI 3 document generated from the marshmallow schemas."""
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, current_app

from ..entities import ENTITIES
from ..schemas.entities import SCHEMAS
from .auth import LoginSchema

bp = Blueprint("openapi", __name__, url_prefix="/api")

ERROR = {"$ref": "#/components/schemas/Error"}


def _resp(description, schema=None):
    out = {"description": description}
    if schema:
        out["content"] = {"application/json": {"schema": schema}}
    return out


def _errors(*codes):
    return {str(c): _resp("Error", ERROR) for c in codes}


def build_spec() -> dict:
    spec = APISpec(title="Kenttä API", version="1.0.0", openapi_version="3.0.3", plugins=[MarshmallowPlugin()],
                   info={"description": "Offline-first CRM: REST resources and the sync protocol (v1)."})
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                       "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}}}}})
    spec.components.schema("Login", schema=LoginSchema)
    spec.path("/api/auth/token", operations={
        "post": {"summary": "Log in and get a bearer token", "security": [],
                 "requestBody": {"required": True, "content": {"application/json": {"schema": "Login"}}},
                 "responses": {"201": _resp("Token issued"), **_errors(400, 401, 422, 429)}},
        "delete": {"summary": "Revoke the presented token", "responses": {"204": _resp("Revoked"), **_errors(401)}}})
    spec.path("/api/me", operations={"get": {"summary": "The logged-in user and calendar URL",
                                             "responses": {"200": _resp("User"), **_errors(401)}}})
    spec.path("/api/me/calendar-token", operations={"post": {"summary": "Rotate the calendar URL",
                                                             "responses": {"201": _resp("New URL"), **_errors(401)}}})
    spec.path("/api/me/calendar", operations={"get": {
        "summary": "Calendar feed links (https, webcal; team feed for managers)",
        "responses": {"200": _resp("Links"), **_errors(401)}}})
    level_body = {"required": True, "content": {"application/json": {"schema": {"type": "object", "properties": {
        "visit_interval_days": {"type": "integer", "minimum": 1}, "followup_delay_days": {"type": "integer", "minimum": 0}}}}}}
    spec.path("/api/service-levels", operations={"get": {
        "summary": "Visit interval and follow-up delay per segment", "responses": {"200": _resp("Levels"), **_errors(401)}}})
    spec.path("/api/service-levels/{segment}", operations={"put": {
        "summary": "Set a segment's service level (managers)", "requestBody": level_body,
        "parameters": [{"name": "segment", "in": "path", "required": True, "schema": {"type": "string", "enum": list("ABCD")}}],
        "responses": {"200": _resp("Levels"), **_errors(400, 401, 403, 404, 415, 422)}}})
    subscription = {"required": True, "content": {"application/json": {"schema": {"type": "object", "properties": {
        "endpoint": {"type": "string"}, "keys": {"type": "object", "properties": {
            "p256dh": {"type": "string"}, "auth": {"type": "string"}}}}}}}}
    spec.path("/api/push/vapid-public-key", operations={"get": {
        "summary": "The server's VAPID public key (base64url)", "responses": {"200": _resp("Key"), **_errors(401, 503)}}})
    spec.path("/api/push/subscriptions", operations={
        "get": {"summary": "My push subscriptions", "responses": {"200": _resp("Subscriptions"), **_errors(401)}},
        "post": {"summary": "Register this browser's PushSubscription", "requestBody": subscription,
                 "responses": {"201": _resp("Registered"), **_errors(400, 401, 415, 422)}},
        "delete": {"summary": "Remove a PushSubscription", "requestBody": subscription,
                   "responses": {"204": _resp("Removed"), **_errors(400, 401, 404)}}})
    for name, entity in ENTITIES.items():
        title = name.capitalize()
        spec.components.schema(title, schema=SCHEMAS[name])
        ref = {"$ref": f"#/components/schemas/{title}"}
        page = {"type": "object", "properties": {"items": {"type": "array", "items": ref}, "total": {"type": "integer"},
                                                 "page": {"type": "integer"}, "per_page": {"type": "integer"}}}
        params = [{"name": p, "in": "query", "schema": {"type": "string"}} for p in ("q", "page", "per_page")]
        id_param = [{"name": "id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}]
        body = {"required": True, "content": {"application/json": {"schema": ref}}}
        spec.path(f"/api/{entity.plural}", operations={
            "get": {"summary": f"List {entity.plural}", "parameters": params,
                    "responses": {"200": _resp("A page", page), **_errors(400, 401)}},
            "post": {"summary": f"Create a {name}", "requestBody": body,
                     "responses": {"201": _resp("Created", ref), **_errors(400, 401, 403, 415, 422)}}})
        spec.path(f"/api/{entity.plural}/{{id}}", operations={
            "get": {"summary": f"One {name}", "parameters": id_param,
                    "responses": {"200": _resp("The record", ref), **_errors(401, 404)}},
            "patch": {"summary": f"Change a {name} (If-Match: version)", "parameters": id_param, "requestBody": body,
                      "responses": {"200": _resp("Changed", ref), **_errors(400, 401, 403, 404, 412, 422)}},
            "delete": {"summary": f"Delete a {name} (managers)", "parameters": id_param,
                       "responses": {"204": _resp("Deleted"), **_errors(401, 403, 404)}}})
    spec.path("/api/sync/push", operations={"post": {
        "summary": "Push an outbox of ops (SPEC §5)",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}},
        "responses": {"200": _resp("Per-op results"), **_errors(400, 401, 413)}}})
    spec.path("/api/sync/pull", operations={"get": {
        "summary": "Pull changes after a cursor",
        "parameters": [{"name": "cursor", "in": "query", "schema": {"type": "integer"}},
                       {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}}],
        "responses": {"200": _resp("A page of changes"), **_errors(400, 401)}}})
    doc = spec.to_dict()
    doc["security"] = [{"bearer": []}]
    return doc


@bp.get("/openapi.json")
def openapi():
    if "kentta.openapi" not in current_app.extensions:
        current_app.extensions["kentta.openapi"] = build_spec()
    return current_app.extensions["kentta.openapi"]
