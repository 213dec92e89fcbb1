"""Read request bodies with a cap (413), a JSON body or 400/415 in the §4 shape; write a JSON response.

Bodies are parsed with orjson: a 500-op sync push is ~300 KB, and the standard library's parser
took twice as long over it. orjson is stricter, which suits an API: NaN, Infinity, invalid UTF-8
and lone surrogates are refused as malformed instead of coming through as odd values.
"""
import io
from datetime import date
from decimal import Decimal

import orjson
from flask import Request, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.utils import cached_property
from werkzeug.wsgi import get_input_stream

from .body_coding import decoded_body
from .errors import ApiError


class CappedRequest(Request):
    """A request whose body is read whole through MAX_CONTENT_LENGTH, announced or chunked (SPEC §4)."""

    @property
    def max_content_length(self) -> int | None:
        # A view's own cap (body_limit) comes with the matched route, so it holds for whoever reads
        # the body first: CSRF protection reads an office form before any view-level hook runs.
        view = current_app.view_functions.get(self.endpoint) if current_app and self.url_rule else None
        own = getattr(view, "body_limit", None)
        return own or super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value) -> None:
        self._max_content_length = value

    @cached_property
    def stream(self):
        limit = self.max_content_length
        if limit is None:
            return get_input_stream(self.environ)
        # werkzeug refuses a Content-Length over the limit, but a chunked body it only cuts off at
        # the limit (a 20 MB push arrived as broken JSON). Reading one byte past the limit tells
        # "over" from "exactly at", and never buffers more than that.
        body = get_input_stream(self.environ, max_content_length=limit + 1).read()
        if len(body) > limit:
            raise RequestEntityTooLarge()
        coding = self.headers.get("Content-Encoding", "").strip().lower()
        if coding and coding != "identity":
            # The limit holds for what the body decodes to, too (SPEC §4; a zip bomb gets 413).
            body = decoded_body(body, coding, limit)
        return io.BytesIO(body)


def body_limit(limit: int):
    """Let one view take a body of up to `limit` bytes instead of MAX_CONTENT_LENGTH (an import file)."""
    def decorator(view):
        view.body_limit = limit
        return view
    return decorator


def install(app) -> None:
    """Read every body through the cap before any view, and refuse NUL in query and form fields."""
    app.request_class = CappedRequest
    app.before_request(_check_input)


def _check_input() -> None:
    request.stream  # noqa: B018  (reading the property reads the body: 413 here, even where a view ignores it)
    # PostgreSQL text cannot hold NUL: a search or a log-in name with one was a 500. JSON fields are
    # the schemas' to check (a push refuses only the op that has one).
    sources = (request.args, request.form) if request.mimetype in _FORM_TYPES else (request.args,)
    bad = sorted({key for source in sources for key, value in source.items(multi=True)
                  if "\x00" in key or "\x00" in value})
    if bad:
        raise ApiError(400, "The request holds a NUL character in: " + ", ".join(map(repr, bad)) + ".",
                       "bad_request", {key: ["Must not contain the NUL character."] for key in bad})


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def json_body(kind=dict):
    if not request.is_json:
        raise ApiError(415, "Send JSON with 'Content-Type: application/json'.")
    try:
        data = orjson.loads(request.get_data(cache=True))
    except orjson.JSONDecodeError:
        raise ApiError(400, "The body is not valid JSON.", "malformed_json")
    if not isinstance(data, kind):
        raise ApiError(400, f"The body must be a JSON {'object' if kind is dict else 'array'}.", "malformed_json")
    return data


def json_response(payload, status: int = 200):
    """A JSON response made by orjson (a push's 500 results encode many times faster than with
    Flask's sorted-keys json.dumps); decimals and dates come out as Flask would write them."""
    body = orjson.dumps(payload, default=_plain)
    return current_app.response_class(body, status=status, mimetype="application/json")


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")
