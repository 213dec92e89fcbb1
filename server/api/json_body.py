"""Read a request's JSON body, or answer 400/415 in the §4 shape."""
from flask import request

from .errors import ApiError


def json_body(kind=dict):
    if not request.is_json:
        raise ApiError(415, "Send JSON with 'Content-Type: application/json'.")
    data = request.get_json(silent=True)
    if data is None:
        raise ApiError(400, "The body is not valid JSON.", "malformed_json")
    if not isinstance(data, kind):
        raise ApiError(400, f"The body must be a JSON {'object' if kind is dict else 'array'}.", "malformed_json")
    return data
