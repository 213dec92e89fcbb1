"""The REST resources of SPEC §4, one generic blueprint per entity; every write goes through the merge."""
import uuid

from flask import Blueprint, current_app, g, request
from marshmallow import ValidationError

from ..entities import ENTITIES
from ..operations import write_one
from .auth import auth_required
from .errors import ApiError, validation_error
from .json_body import json_body
from .records import ALIASES, FILTERS, list_page, load_one, record_json

MAX_PER_PAGE = 200


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, f"'{name}' must be a whole number.", "bad_request", {name: ["Not a valid integer."]})
    if not low <= value <= high:
        raise ApiError(400, f"'{name}' must be between {low} and {high}.", "bad_request",
                       {name: [f"Must be between {low} and {high}."]})
    return value


def _filters(entity) -> dict:
    """Parse filter query arguments through the entity's schema fields, refusing unknown ones."""
    allowed = FILTERS[entity.name]
    schema = entity.schema()
    out, errors = {}, {}
    for key, raw in request.args.items():
        if key in ("q", "page", "per_page"):
            continue
        name = ALIASES.get(key, key)
        if name not in allowed:
            errors[key] = [f"Unknown filter; use one of: q, page, per_page, {', '.join(allowed)}."]
            continue
        if raw in ("", "null"):
            out[name] = None
            continue
        field = schema.fields.get(name)
        try:
            # a flag takes only true/false in a body, but a query argument is always text
            value = raw if field is None else getattr(field, "from_query", field.deserialize)(raw)
        except ValidationError as err:
            errors[key] = err.messages if isinstance(err.messages, list) else [str(err.messages)]
            continue
        out[name] = str(value) if hasattr(value, "hex") else value
    if errors:
        raise ApiError(400, "Some query parameters are not valid.", "bad_request", errors)
    return out


def _if_match():
    raw = request.headers.get("If-Match")
    if raw is None:
        return None
    try:
        return int(raw.strip().removeprefix("W/").strip('"'))
    except ValueError:
        raise ApiError(400, "If-Match must be the record's version, e.g. If-Match: 12.")


def _visible(entity):
    """Conflicts are private to the user whose value lost, and to managers."""
    if entity.name == "conflict" and not g.actor.at_least("manager"):
        return entity.table.c.lost_by == g.actor.id
    return None


def _respond_record(entity, record_id, status=200):
    row = load_one(entity.name, record_id)
    if row is None or row["deleted"]:
        raise ApiError(404, f"No {entity.name} with id {record_id}.")
    visible = _visible(entity)
    if visible is not None and row["lost_by"] != g.actor.id:
        raise ApiError(404, f"No {entity.name} with id {record_id}.")
    response = current_app.json.response(record_json(entity.name, row))
    response.status_code = status
    response.headers["ETag"] = f'"{row["version"]}"'
    return response


def make_blueprint(entity_name: str) -> Blueprint:
    entity = ENTITIES[entity_name]
    bp = Blueprint(entity.plural, __name__, url_prefix=f"/api/{entity.plural}")

    @bp.get("")
    @auth_required()
    def index():
        page = _int_arg("page", 1, 1, 10**6)
        per_page = _int_arg("per_page", 50, 1, MAX_PER_PAGE)
        q = request.args.get("q", "").strip()[:200] or None
        rows, total = list_page(entity, q, _filters(entity), page, per_page, _visible(entity))
        return {"items": [record_json(entity.name, r) for r in rows], "total": total,
                "page": page, "per_page": per_page}

    @bp.get("/<uuid:record_id>")
    @auth_required()
    def show(record_id):
        return _respond_record(entity, str(record_id))

    # Conflict records are made by the server and never deleted (only marked resolved): they get
    # no POST or DELETE route, so werkzeug answers 405 with the Allow header that is true.
    writable = entity.name != "conflict"

    @auth_required()
    def create():
        body = json_body()
        record_id = body.pop("id", None)
        if record_id is not None:
            try:
                record_id = str(uuid.UUID(str(record_id)))
            except ValueError:
                return validation_error({"id": ["Not a valid id (UUID)."]})
            if load_one(entity.name, record_id) is not None:
                raise ApiError(409, f"A {entity.name} with id {record_id} already exists.")
        for key in ("version", "deleted", "created_at", "updated_at"):
            body.pop(key, None)
        result = write_one(g.actor, entity.name, record_id, "put", body)
        return _respond_record(entity, result["id"], 201)

    @bp.patch("/<uuid:record_id>")
    @auth_required()
    def update(record_id):
        record_id = str(record_id)
        body = json_body()
        for key in ("id", "version", "deleted", "created_at", "updated_at"):
            body.pop(key, None)
        row = load_one(entity.name, record_id)
        if row is None or row["deleted"]:
            raise ApiError(404, f"No {entity.name} with id {record_id}.")
        if not body:  # a patch that changes nothing is a client's mistake, not a no-op to hide
            raise ApiError(422, "The body must name at least one field to change.", "validation_error",
                           {"_schema": ["Name at least one field to change."]})
        write_one(g.actor, entity.name, record_id, "put", body, if_match=_if_match())
        return _respond_record(entity, record_id)

    @auth_required()  # who may delete what is the permission rule's to say (server/permissions.py)
    def destroy(record_id):
        write_one(g.actor, entity.name, str(record_id), "delete", {}, if_match=_if_match())
        return "", 204

    if writable:
        bp.post("")(create)
        bp.delete("/<uuid:record_id>")(destroy)
    return bp
