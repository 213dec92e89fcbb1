"""The one error shape of SPEC §4, for every failure under /api/ and a too-large body anywhere."""
import logging

from flask import current_app, jsonify, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from ..errors import flatten_errors
from ..operations import WriteRefused

log = logging.getLogger(__name__)

CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         409: "conflict", 412: "precondition_failed", 413: "payload_too_large", 415: "unsupported_media_type",
         422: "validation_error", 429: "too_many_requests", 500: "internal_error"}


class ApiError(Exception):
    """Raise anywhere in a request to answer with the §4 error JSON."""

    def __init__(self, status: int, message: str, code: str | None = None, fields: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.code, self.fields = status, message, code or CODES.get(status, "error"), fields


def error_body(status: int, message: str, code: str | None = None, fields: dict | None = None):
    err = {"code": code or CODES.get(status, "error"), "message": message}
    if fields:
        err["fields"] = fields
    response = jsonify({"error": err})
    response.status_code = status
    return response


def validation_error(messages: dict, status: int = 422):
    fields = flatten_errors(messages)
    return error_body(status, "Some fields are not valid: " + ", ".join(sorted(fields)) + ".", "validation_error", fields)


def _allowed_methods(refused: str) -> str:
    """The methods this URL's routes take, less the one its view refused, for an Allow header."""
    methods = set(current_app.url_map.bind_to_environ(request.environ).allowed_methods())
    methods.discard(refused)
    if "GET" not in methods:
        methods.discard("HEAD")  # werkzeug adds HEAD to every GET route
    return ", ".join(sorted(methods))


def _too_large(limit) -> str:
    size = f"{limit / 1024 / 1024:g} MiB" if limit and limit % (1024 * 1024) == 0 else f"{limit} bytes"
    return f"The request is too large (a body may be at most {size}); send less at a time. Nothing was changed."


# How the API answers a write the operations layer refused: (status, error code).
REFUSED = {"not_found": (404, "not_found"), "stale": (412, "precondition_failed"),
           "parent_deleted": (409, "parent_deleted"), "forbidden": (403, "forbidden"),
           "invalid": (422, "validation_error"), "duplicate": (409, "duplicate")}


def register(app) -> None:
    @app.errorhandler(WriteRefused)
    def _refused(err: WriteRefused):
        status, code = REFUSED[err.kind]
        return error_body(status, err.message, code, err.fields)

    @app.errorhandler(ApiError)
    def _api_error(err: ApiError):
        response = error_body(err.status, err.message, err.code, err.fields)
        if err.status == 405:  # a view refusing the method its route takes (POST a conflict)
            response.headers["Allow"] = _allowed_methods(refused=request.method)
        return response

    @app.errorhandler(ValidationError)
    def _validation(err: ValidationError):
        return validation_error(err.messages if isinstance(err.messages, dict) else {"_schema": err.messages})

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        if err.code == 413:  # on every route: a client that sent 20 MB wants a reason, not a page
            # The route's own cap (an import upload takes more than the 2 MiB of everything else).
            return error_body(413, _too_large(request.max_content_length or current_app.config.get("MAX_CONTENT_LENGTH")))
        if not request.path.startswith("/api/"):
            return err
        response = error_body(err.code or 500, err.description or err.name)
        if isinstance(err, MethodNotAllowed) and err.valid_methods:  # RFC 9110: a 405 says what is allowed
            response.headers["Allow"] = ", ".join(sorted(err.valid_methods))
        return response

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        log.exception("unhandled error on %s", request.path)
        if not request.path.startswith("/api/"):
            raise err
        return error_body(500, "Something went wrong on the server; nothing was changed.")
