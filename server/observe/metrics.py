"""Prometheus metrics at GET /metrics, served only when METRICS_ENABLED=1 or PROMETHEUS_MULTIPROC_DIR is set.

Under gunicorn each worker is its own process with its own counters, so one scrape would see one
worker's share. With PROMETHEUS_MULTIPROC_DIR (scripts/serve sets it) prometheus_client writes every
process's values to files in that folder and a scrape adds them up: all workers, the dead ones' counts
too (counters never go down), and the reminder loop when it shares the folder. The folder must be
emptied before the server starts (scripts/serve does) and must be set before prometheus_client is
imported, which is why it is an environment variable and not an app setting.
"""
import os
import time
from collections import Counter as Tally

from flask import Blueprint, Flask, Response, current_app, g, request
from prometheus_client import (CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram,
                               generate_latest, multiprocess)

from ..api.errors import ApiError

bp = Blueprint("observe_metrics", __name__)
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}  # anything else is "other"

REQUESTS = Counter("kentta_http_requests_total", "HTTP requests answered, by method, route rule and status.",
                   ["method", "route", "status"])
LATENCY = Histogram("kentta_http_request_duration_seconds", "Time to answer a request, in seconds.",
                    ["method", "route", "status"],
                    buckets=(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30))
PUSH_OPS = Counter("kentta_sync_push_ops_total", "Sync push ops answered, by result (applied, conflict, rejected).",
                   ["status"])
REMINDERS = Counter("kentta_reminders_total", "Reminder sends finished, by outcome (sent, failed, retry, gone, "
                    "skipped).", ["outcome"])


def enabled(app: Flask) -> bool:
    return bool(app.config.get("METRICS_ENABLED")) or bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


def install(app: Flask) -> None:
    """Serve /metrics and time requests when metrics are on; otherwise /metrics answers 404."""
    app.register_blueprint(bp)
    if enabled(app):
        app.before_request(_start)
        app.after_request(_finish)


@bp.get("/metrics")
def metrics_view():
    # No login: scrapers rarely carry one. Keep it off the public site instead (see README).
    if not enabled(current_app):
        raise ApiError(404, "Metrics are off: set METRICS_ENABLED=1 (or PROMETHEUS_MULTIPROC_DIR).")
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return Response(generate_latest(registry), headers={"Cache-Control": "no-store"}, content_type=CONTENT_TYPE_LATEST)


def _start() -> None:
    g.metrics_started = time.perf_counter()


def _finish(response):
    started = g.get("metrics_started")
    if started is not None:
        method = request.method if request.method in METHODS else "other"
        # The rule, not the path: one series per route, and no record id or calendar token in a label.
        route = request.url_rule.rule if request.url_rule is not None else "unmatched"
        labels = (method, route, str(response.status_code))
        REQUESTS.labels(*labels).inc()
        LATENCY.labels(*labels).observe(time.perf_counter() - started)
    return response


def count_push_results(results: list) -> None:
    """Count one push's op results by status."""
    for status, n in Tally(result["status"] for result in results).items():
        PUSH_OPS.labels(status).inc(n)


def count_reminders(counts: dict) -> None:
    """Count one send-reminders run's outcomes (the 'queued' tally is not a send)."""
    for outcome, n in counts.items():
        if outcome != "queued" and n:
            REMINDERS.labels(outcome).inc(n)
