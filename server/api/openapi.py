"""GET /api/openapi.json: an OpenAPI 3 document of every /api/ operation and each status it can answer.

Request bodies come from the marshmallow schemas, records from the stored columns
(see openapi_schemas.py); the paths below list, per operation, the statuses of SPEC §4.
"""
from copy import deepcopy

from flask import Blueprint, current_app

from ..entities import ENTITIES
from ..schemas.entities import SCHEMAS
from .auth import LoginSchema
from ..reminders import hosts
from ..sync.envelope import CLIENT_ID_RE
from .openapi_schemas import INSTANT_OUT, UUID, char_class, components, ecma, field_schema, input_schema
from .records import ALIASES, FILTERS

bp = Blueprint("openapi", __name__, url_prefix="/api")

REASONS = {
    400: "Malformed request: not JSON, a body that is not an object, or a bad query parameter or header",
    401: "Not logged in: no bearer token, or a revoked or expired one (code `token_expired`)",
    403: "The role may not do this",
    404: "No such record (or not visible to this user)",
    405: "Not allowed on this resource",
    409: "Conflicts with the present state: the id exists, a parent is deleted (code `parent_deleted`), "
         "or another customer has this Y-tunnus (code `duplicate`)",
    412: "If-Match names a version that is no longer the record's",
    413: "The body is over the size limit (announced or chunked)",
    415: "The body is not sent as application/json",
    422: "Validation failed; `fields` names each bad field",
    429: "Too many failed logins; wait for Retry-After seconds",
    503: "Web Push is not configured on this server",
}
BODY_ERRORS = (400, 413, 415, 422)
ETAG = {"ETag": {"description": "The record's version, quoted.", "schema": {"type": "string", "pattern": r'^"[0-9]+"$'}}}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def ok(description: str, schema=None, headers=None) -> dict:
    out = {"description": description}
    if schema is not None:
        out["content"] = {"application/json": {"schema": schema}}
    if headers:
        out["headers"] = headers
    return out


def errors(*codes) -> dict:
    out = {}
    for code in sorted(set(codes)):
        out[str(code)] = ok(REASONS[code], ref("Error"))
    if 429 in codes:
        out["429"]["headers"] = {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer", "minimum": 1}}}
    return out


def body(schema) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def obj(required: dict, optional: dict | None = None) -> dict:
    """A closed JSON object with these required and optional properties."""
    return {"type": "object", "required": list(required), "additionalProperties": False,
            "properties": {**required, **(optional or {})}}


BIG = 2**53 - 1  # the largest integer a JavaScript client holds exactly
QUERY_TEXT = {"type": "string", "pattern": "^[^\\u0000]*$"}  # a NUL in a query is 400 (PostgreSQL cannot hold one)
STR, INT, URL = {"type": "string"}, {"type": "integer"}, {"type": "string", "format": "uri"}
USER = obj({"id": UUID, "email": STR, "name": STR, "role": {"type": "string", "enum": ["rep", "service", "manager", "admin"]}})
LINKS = obj({"https": URL, "webcal": STR}, {"team_https": URL, "team_webcal": STR})
LEVEL = obj({"segment": {"type": "string", "enum": list("ABCD")}, "visit_interval_days": INT, "followup_delay_days": INT})
SUBSCRIPTION = obj({"id": INT, "endpoint": URL, "created_at": INSTANT_OUT,
                    "last_success_at": {**INSTANT_OUT, "nullable": True}})
SUBSCRIPTION_IN = {"type": "object", "required": ["endpoint", "keys"], "properties": {
    "endpoint": {"type": "string", "format": "push-endpoint", "maxLength": 1000,
                 "description": "An https URL on a known push service's host (or one in PUSH_ALLOWED_HOSTS)."},
    "expirationTime": {"description": "Sent by browsers; any value, ignored."},
    "keys": {"type": "object", "required": ["p256dh", "auth"], "properties": {
        "p256dh": {"type": "string", "format": "p256dh", "description": "The browser's P-256 public key, base64url."},
        "auth": {"type": "string", "format": "push-auth", "description": "The 16-byte auth secret, base64url."}}}}}


def _in_no_url(char: str) -> bool:
    """Characters no push endpoint has (spaces, controls): the server refuses them before looking one up."""
    pattern = getattr(hosts, "NOT_IN_URL", None)
    return pattern.search(char) is not None if pattern is not None else char.isspace()


def sync_paths(spec: dict) -> None:
    op = {"type": "object", "required": ["op_id", "entity", "id", "type", "base_version", "edited_at"], "properties": {
        "op_id": UUID, "entity": {"type": "string", "enum": sorted(SCHEMAS)}, "id": UUID,
        "type": {"type": "string", "enum": ["put", "delete"]},
        "base_version": {"type": "integer", "minimum": 0, "maximum": BIG,
                         "description": "The record's version as the client last saw it."},
        "seq": {"type": "integer", "minimum": 0, "maximum": BIG,
                "description": "The op's place in this client's outbox (SPEC §5); absent: ordered by arrival."},
        "fields": {"type": "object", "description": "The entity's fields to set; each checked as by REST."},
        "edited_at": {"type": "string", "format": "date-time"}},
        "description": "Unknown keys are ignored (newer clients may send more)."}
    result = obj({"op_id": UUID, "status": {"type": "string", "enum": ["applied", "conflict", "rejected"]},
                  "version": {"type": "integer", "minimum": 0},
                  "conflicts": {"type": "array", "items": obj({"field": STR, "kept_value": {}, "lost_value": {}})},
                  "errors": {"type": "object", "additionalProperties": {"type": "array", "items": STR}}},
                 {"reason": {"type": "string", "enum": ["invalid", "forbidden"]}})
    change = obj({"entity": {"type": "string", "enum": sorted(ENTITIES)}, "id": UUID,
                  "version": {"type": "integer", "minimum": 1}, "deleted": {"type": "boolean"},
                  "data": {"type": "object", "description": "The record's fields (as in its REST shape, without id, "
                                                             "version and deleted)."}})
    spec["paths"]["/api/sync/push"] = {"post": {
        "summary": "Push an outbox of ops (SPEC §5); all applied in one transaction",
        "requestBody": body(obj({"client_id": {"type": "string", "minLength": 1, "maxLength": 64,
                                               "pattern": ecma(CLIENT_ID_RE)},
                                 "ops": {"type": "array", "items": op,
                                         "description": "At most 500 ops and 2 MiB, else 413 and nothing applied."}})),
        "responses": {"200": ok("A result per op", obj({"results": {"type": "array", "items": result}, "cursor": INT})),
                      **errors(400, 401, 413, 415)}}}
    spec["paths"]["/api/sync/pull"] = {"get": {
        "summary": "Changes after a cursor, in version order",
        "parameters": [
            {"name": "cursor", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 0},
             "description": "The last version seen; beyond the server's newest → 400."},
            {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 500}},
            {"name": "omit_empty", "in": "query", "schema": {"type": "string", "enum": ["0", "1"], "default": "0"},
             "description": "1: fields at their empty value are left out of `data`; `fill` says what they are."}],
        "responses": {"200": ok("A page of changes", obj({"changes": {"type": "array", "items": change}, "cursor": INT,
                                                          "more": {"type": "boolean"}},
                                                         {"latest": {**INT, "description": "The server's newest version "
                                                                     "when the page was read (for a progress estimate)"},
                                                          "fill": {"type": "object", "description": "With omit_empty=1: "
                                                                   "per entity, each field's value when absent"}})),
                      **errors(400, 401),
                      "410": ok("The cursor is older than pruned deletes (code `resync_required`): pull from "
                                "cursor 0 again, keeping the outbox", ref("Error"))}}}


def _filter_params(entity) -> list:
    schema = entity.schema()
    out = [{"name": "q", "in": "query", "schema": QUERY_TEXT, "description": "Search text."},
           {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 10**6, "default": 1}},
           {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}}]
    names = [(n, n) for n in FILTERS[entity.name]] + [(a, n) for a, n in ALIASES.items() if n in FILTERS[entity.name]]
    for param, name in names:
        field = schema.fields.get(name)  # a filter the schema does not know is compared as text
        keep = ("type", "format", "enum", "pattern")
        value = {k: v for k, v in field_schema(field).items() if k in keep} if field else QUERY_TEXT
        if "enum" in value:  # an empty or `null` value asks for records without one
            schema_ = {"type": "string", "enum": [v for v in value["enum"] if v is not None] + ["", "null"]}
        else:
            schema_ = {"anyOf": [value, {"type": "string", "enum": ["", "null"]}]}
        out.append({"name": param, "in": "query", "schema": schema_,
                    "description": f"Only records with this {name}; empty or `null` for none."})
    return out


def resource_paths(spec: dict) -> None:
    id_param = {"name": "id", "in": "path", "required": True, "schema": UUID}
    if_match = {"name": "If-Match", "in": "header", "required": False, "schema": {"type": "string", "pattern": r'^(W/)?"?[0-9]+"?$'},
                "description": "The version the change is based on; a stale one → 412."}
    for name, entity in ENTITIES.items():
        title, plural = name.capitalize(), entity.plural
        page = obj({"items": {"type": "array", "items": ref(title)}, "total": INT, "page": INT, "per_page": INT})
        collection = {"get": {"summary": f"List {plural}", "parameters": _filter_params(entity),
                              "responses": {"200": ok("A page", page), **errors(400, 401)}}}
        item = {
            "get": {"summary": f"One {name}", "parameters": [id_param],
                    "responses": {"200": ok("The record", ref(title), ETAG), **errors(401, 404)}},
            "patch": {"summary": f"Change a {name}'s listed fields", "parameters": [id_param, if_match],
                      "requestBody": body(ref(f"{title}Patch")),
                      "responses": {"200": ok("The record as changed", ref(title), ETAG),
                                    **errors(*BODY_ERRORS, 401, 403, 404, 409, 412)}}}
        if name != "conflict":
            collection["post"] = {"summary": f"Create a {name}", "requestBody": body(ref(f"{title}Create")),
                                  "responses": {"201": ok("Created", ref(title), ETAG),
                                                **errors(*BODY_ERRORS, 401, 403, 409)}}
            item["delete"] = {"summary": f"Delete a {name} and its children (SPEC §2 says who may)",
                              "parameters": [id_param, if_match],
                              "responses": {"204": ok("Deleted"), **errors(400, 401, 403, 404, 412)}}
        spec["paths"][f"/api/{plural}"] = collection
        spec["paths"][f"/api/{plural}/{{id}}"] = item


def account_paths(spec: dict) -> None:
    paths = spec["paths"]
    paths["/api/auth/token"] = {
        "post": {"summary": "Log in and get a bearer token", "security": [],
                 "requestBody": body(input_schema(LoginSchema())),
                 "responses": {"201": ok("Token issued", obj({"token": STR, "user": USER})),
                               **errors(*BODY_ERRORS, 401, 429)}},
        "delete": {"summary": "Revoke the presented token", "responses": {"204": ok("Revoked"), **errors(401)}}}
    me = deepcopy(USER)
    me["required"].append("calendar_url")
    me["properties"].update(calendar_url=URL, team_calendar_url=URL,
                            people={"type": "object", "additionalProperties": STR, "description": "Active users' names by id"})
    paths["/api/me"] = {"get": {"summary": "The logged-in user and calendar URL",
                                "responses": {"200": ok("User", me), **errors(401)}}}
    paths["/api/me/calendar"] = {"get": {"summary": "Calendar feed links (https, webcal; team feed for managers)",
                                         "responses": {"200": ok("Links", LINKS), **errors(401)}}}
    rotated = deepcopy(LINKS)
    rotated["required"].append("calendar_url")
    rotated["properties"]["calendar_url"] = URL
    paths["/api/me/calendar-token"] = {"post": {"summary": "Rotate the calendar token; the old URLs answer 404",
                                                "responses": {"201": ok("New links", rotated), **errors(401)}}}
    levels = obj({"items": {"type": "array", "items": LEVEL}})
    from .settings import LevelSchema
    paths["/api/service-levels"] = {"get": {"summary": "Visit interval and follow-up delay per segment",
                                            "responses": {"200": ok("Levels", levels), **errors(401)}}}
    paths["/api/service-levels/{segment}"] = {"put": {
        "summary": "Set a segment's service level (managers)", "requestBody": body(input_schema(LevelSchema())),
        "parameters": [{"name": "segment", "in": "path", "required": True, "schema": {"type": "string", "enum": list("ABCD")}}],
        "responses": {"200": ok("Levels", levels), **errors(*BODY_ERRORS, 401, 403, 404)}}}
    paths["/api/rules"] = {"get": {  # server/api/rules.py; a matching If-None-Match answers 304
        "summary": "The validation rules per entity, as JSON Schema from the server's own schemas",
        "responses": {"200": ok("Rules", obj({"version": INT, "$schema": STR, "entities": {"type": "object"}}),
                                {"ETag": {"description": "The rules' version.", "schema": STR}}),
                      "304": ok("Not modified since the If-None-Match ETag"), **errors(401)}}}
    paths["/api/push/vapid-public-key"] = {"get": {
        "summary": "The server's VAPID public key (base64url)",
        "responses": {"200": ok("Key", obj({"public_key": STR})), **errors(401, 503)}}}
    paths["/api/push/subscriptions"] = {
        "get": {"summary": "My push subscriptions",
                "responses": {"200": ok("Subscriptions", obj({"items": {"type": "array", "items": SUBSCRIPTION}})),
                              **errors(401)}},
        "post": {"summary": "Register this browser's PushSubscription", "requestBody": body(SUBSCRIPTION_IN),
                 "responses": {"201": ok("Registered", SUBSCRIPTION), **errors(*BODY_ERRORS, 401)}},
        "delete": {"summary": "Remove a PushSubscription (by `endpoint` in the body; a non-empty query one wins)",
                   "parameters": [{"name": "endpoint", "in": "query",
                                   "schema": {"type": "string", "pattern": f"^[^{char_class(_in_no_url)}]*$"}}],
                   "requestBody": body({"type": "object", "required": ["endpoint"], "properties": {
                       "endpoint": {"type": "string", "pattern": f"^[^{char_class(_in_no_url)}]+$"}}}),
                   "responses": {"204": ok("Removed"), **errors(*BODY_ERRORS, 401, 404)}}}


def build_spec() -> dict:
    spec = {"openapi": "3.0.3",
            "info": {"title": "Kenttä API", "version": "1.0.0",
                     "description": "Offline-first CRM: REST resources and the sync protocol (v1). Every error has "
                                    "the shape of `Error`; a method a path does not list answers 405 with `Allow`."},
            "paths": {}, "security": [{"bearer": []}],
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
                           "schemas": components()}}
    account_paths(spec)
    resource_paths(spec)
    sync_paths(spec)
    return spec


@bp.get("/openapi.json")
def openapi():
    if "kentta.openapi" not in current_app.extensions:
        current_app.extensions["kentta.openapi"] = build_spec()
    return current_app.extensions["kentta.openapi"]
