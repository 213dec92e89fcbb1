"""One log line per request: request id, method, path, status, duration, user and client address.

Plain text by default, one JSON object per line with LOG_FORMAT=json. The lines go to the
`kentta.request` logger, which writes to stderr (gunicorn and systemd keep stderr) unless the operator
configures logging otherwise; gunicorn's own access log stays off, this line replaces it.
"""
import json
import logging
import re
import sys
import time
import uuid
from datetime import datetime, timezone

from flask import Flask, current_app, g, request
from sqlalchemy import inspect as sa_inspect

log = logging.getLogger("kentta.request")
# A proxy's or client's id is kept when it looks like one (UUIDs, hex, trace ids): anything else could
# forge log lines or carry junk into every system that greps for it.
SANE_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")
HEADER = "X-Request-ID"


def install(app: Flask) -> None:
    """Time every request and log it when its response is ready."""
    _own_handler()
    app.before_request(_start)
    app.after_request(_finish)


def _own_handler() -> None:
    """Give the logger a stderr handler once per process, unless someone configured one."""
    # Alembic's env.py runs logging.config.fileConfig, which disables every logger that existed before
    # it; migrations run in-process (tests, init-db) must not silence the request log of a later app.
    log.disabled = False
    if log.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False  # an operator's root handler would print every line twice


def _start() -> None:
    g.request_started = time.perf_counter()
    incoming = request.headers.get(HEADER, "")
    g.request_id = incoming if SANE_ID.fullmatch(incoming) else uuid.uuid4().hex


def _finish(response):
    # A request that failed before before_request ran (a bad Host header) still gets a line and an id.
    request_id = g.get("request_id") or uuid.uuid4().hex
    started = g.get("request_started")
    duration_ms = round((time.perf_counter() - started) * 1000, 1) if started else 0.0
    response.headers[HEADER] = request_id
    if log.isEnabledFor(logging.INFO):
        fields = {"time": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                  "request_id": request_id, "method": request.method, "path": safe_path(request.path),
                  "status": response.status_code, "duration_ms": duration_ms, "user_id": user_id(),
                  "remote_addr": request.remote_addr}
        log.info(format_line(fields, current_app.config.get("LOG_FORMAT", "text")))
    return response


def safe_path(path: str) -> str:
    """The path without secrets: a calendar feed's URL is its password, so its last part is hidden."""
    if path.startswith("/calendar/"):
        head, _, _last = path.rpartition("/")
        return head + "/[redacted]"
    return path


def user_id() -> str | None:
    """The id of the user this request acted as, when it got that far (never a new query)."""
    user = g.get("user")  # set by the API's bearer-token check
    if user is None:
        user = g.get("_login_user")  # Flask-Login's user of an office session, once something loaded it
    if user is None:
        return None
    # The id from the identity map, not the attribute: after a commit the attribute is expired and
    # reading it would query the database again for a log line (the anonymous user has no identity).
    state = sa_inspect(user, raiseerr=False)
    identity = state.identity if state is not None else None
    return str(identity[0]) if identity else None


def format_line(fields: dict, fmt: str) -> str:
    """One line of text, or one JSON object, from the request's fields."""
    if (fmt or "").lower() == "json":
        return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    user = fields["user_id"] or "-"
    return (f"{fields['time']} {fields['request_id']} {fields['method']} {fields['path']} {fields['status']} "
            f"{fields['duration_ms']}ms user={user} remote={fields['remote_addr'] or '-'}")
