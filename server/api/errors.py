"""The one error shape of SPEC §4, for every failure under /api/."""
import logging

from flask import jsonify, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

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
    from ..sync.validation import flatten_errors
    fields = flatten_errors(messages)
    return error_body(status, "Some fields are not valid: " + ", ".join(sorted(fields)) + ".", "validation_error", fields)


def register(app) -> None:
    @app.errorhandler(ApiError)
    def _api_error(err: ApiError):
        return error_body(err.status, err.message, err.code, err.fields)

    @app.errorhandler(ValidationError)
    def _validation(err: ValidationError):
        return validation_error(err.messages if isinstance(err.messages, dict) else {"_schema": err.messages})

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        if not request.path.startswith("/api/"):
            return err
        if err.code == 413:
            return error_body(413, "The request body is too large.")
        return error_body(err.code or 500, err.description or err.name)

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        log.exception("unhandled error on %s", request.path)
        if not request.path.startswith("/api/"):
            raise err
        return error_body(500, "Something went wrong on the server; nothing was changed.")
