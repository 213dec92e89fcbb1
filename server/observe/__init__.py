"""What an operator watches: /healthz and /readyz, one log line per request, Prometheus metrics."""
from flask import Flask, request
from werkzeug.http import HTTP_STATUS_CODES

from ..api.errors import CODES, error_body
from . import health, logs, metrics

# The observe routes live outside /api/, where the app's error handler would answer with an HTML page;
# a probe or a scraper reads JSON more easily than a page.
OWN_PATHS = ("/healthz", "/readyz", "/metrics")


def install(app: Flask) -> None:
    """Register the health routes, the request log and (when enabled) the metrics."""
    app.register_blueprint(health.bp)
    logs.install(app)
    metrics.install(app)
    app.after_request(_json_errors)


def _json_errors(response):
    if response.status_code < 400 or request.path not in OWN_PATHS or response.is_json:
        return response
    status = response.status_code
    body = error_body(status, HTTP_STATUS_CODES.get(status, "Error") + ".", CODES.get(status, "error"))
    for name in ("Allow", "Retry-After"):
        if name in response.headers:
            body.headers[name] = response.headers[name]
    return body
