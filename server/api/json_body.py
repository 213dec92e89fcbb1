"""Read a request's JSON body, or answer 400/415 in the §4 shape; write a JSON response.

Bodies are parsed with orjson: a 500-op sync push is ~300 KB, and the standard library's parser
took twice as long over it. orjson is stricter, which suits an API: NaN, Infinity, invalid UTF-8
and lone surrogates are refused as malformed instead of coming through as odd values.
"""
from datetime import date
from decimal import Decimal

import orjson
from flask import current_app, request

from .errors import ApiError


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
    """A JSON response made by orjson (a push's 500 results encode ~15 times faster than with
    Flask's sorted-keys json.dumps); decimals and dates come out as Flask would write them."""
    body = orjson.dumps(payload, default=_plain)
    return current_app.response_class(body, status=status, mimetype="application/json")


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")
