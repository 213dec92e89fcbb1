"""Prometheus metrics at /metrics (server/observe/metrics.py): off unless configured; requests by route rule,
push ops by status, reminders by outcome; right with several gunicorn workers (multiprocess mode)."""
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from push_receiver import PushReceiver, configure_app
from server import create_app
from server.config import TestConfig
from server.extensions import db
from sync_helpers import new_id, op, push
from test_serve import STARTUP, alive, get, running_server, stop


def sample(text: str, name: str, **labels) -> float:
    """The value of one sample in a scrape (0 when it is not there yet)."""
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return s.value
    return 0.0


@pytest.fixture
def scrape(database_url, app):
    """(client, scrape()) of a second app on the test database with metrics on."""
    config = TestConfig(database_url)
    config.METRICS_ENABLED = True
    metered = create_app(config)
    client = metered.test_client()

    def read() -> str:
        r = client.get("/metrics")
        assert r.status_code == 200 and r.content_type.startswith("text/plain")
        return r.get_data(as_text=True)
    yield client, read
    with metered.app_context():  # its own engine: close its connections before the database is dropped
        db.session.remove()
        db.engine.dispose()


def test_metrics_are_off_unless_configured(client):
    r = client.get("/metrics")
    assert r.status_code == 404 and r.json["error"]["code"] == "not_found"
    assert "METRICS_ENABLED" in r.json["error"]["message"]


def test_requests_are_counted_and_timed_by_route_rule(scrape, users):
    client, read = scrape
    before = read()
    labels = dict(method="GET", route="/api/me", status="200")
    for _ in range(3):
        assert client.get("/api/me", headers=users.rep_h).status_code == 200
    missing = str(uuid.uuid4())
    assert client.get(f"/api/customers/{missing}", headers=users.rep_h).status_code == 404
    after = read()
    assert sample(after, "kentta_http_requests_total", **labels) - sample(before, "kentta_http_requests_total", **labels) == 3
    count = "kentta_http_request_duration_seconds_count"
    assert sample(after, count, **labels) - sample(before, count, **labels) == 3
    assert sample(after, "kentta_http_requests_total", route="/api/customers/<uuid:record_id>", status="404") >= 1
    assert missing not in after  # the rule, never the raw path


def test_push_ops_are_counted_by_status(scrape, users):
    client, read = scrape
    before = read()
    cid = new_id()
    first = push(client, users.rep_h, [op("customer", cid, {"name": "Kahvila Aalto"}),
                                       op("customer", new_id(), {"name": ""})], client_id="phone-a")
    assert [r["status"] for r in first["results"]] == ["applied", "rejected"]
    version = first["results"][0]["version"]
    push(client, users.rep_h, [op("customer", cid, {"name": "Kahvila Aalto Oy"}, base=version, minute=5)],
         client_id="phone-a")
    late = push(client, users.rep_h, [op("customer", cid, {"name": "Aalto & Co"}, base=version, minute=6)],
                client_id="phone-b")
    assert late["results"][0]["status"] == "conflict"
    after = read()

    def delta(status):
        return sample(after, "kentta_sync_push_ops_total", status=status) - \
            sample(before, "kentta_sync_push_ops_total", status=status)
    assert (delta("applied"), delta("conflict"), delta("rejected")) == (2, 1, 1)


def test_reminders_are_counted_by_outcome(app, client, users, scrape, tmp_path, runner):
    _metered, read = scrape
    configure_app(app, tmp_path)
    due = (datetime.now(timezone.utc) - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    customer = client.post("/api/customers", json={"name": "Kahvila Aalto", "owner_id": users.rep.id},
                           headers=users.manager_h).json["id"]

    def task():
        body = {"customer_id": customer, "title": "Soita", "kind": "info", "due_on": "2026-12-01",
                "remind_at": due, "assignee_id": users.rep.id}
        assert client.post("/api/tasks", json=body, headers=users.service_h).status_code == 201
    before = read()
    with PushReceiver() as receiver:
        browsers = [receiver.browser(name) for name in ("phone", "laptop")]
        for browser in browsers:
            assert client.post("/api/push/subscriptions", json=browser.subscription,
                               headers=users.rep_h).status_code == 201
        task()
        assert "sent 2" in runner.invoke(args=["send-reminders"]).output
        for browser in browsers:  # the push service refuses the next one for good (403: no retry)
            receiver.script[browser.endpoint.removeprefix(receiver.base_url)] = [403]
        task()
        assert "failed 2" in runner.invoke(args=["send-reminders"]).output
    after = read()
    for outcome in ("sent", "failed"):
        assert sample(after, "kentta_reminders_total", outcome=outcome) - \
            sample(before, "kentta_reminders_total", outcome=outcome) == 2


def _counter_files(folder: Path, workers: list) -> set:
    return {pid for pid in workers if (folder / f"counter_{pid}.db").exists()}


def test_several_gunicorn_workers_add_up_and_a_restart_starts_from_zero(tmp_path):
    folder = tmp_path / "metrics"
    labels = dict(method="GET", route="/readyz", status="200")
    proc, base, pids = running_server(tmp_path, PROMETHEUS_MULTIPROC_DIR=str(folder))
    sent = 0
    try:
        # Rounds of parallel requests until both workers have answered some (the kernel picks who
        # accepts; on a loaded machine the second worker may still be importing the app for a while).
        deadline = time.monotonic() + STARTUP
        while time.monotonic() < deadline:
            threads = [threading.Thread(target=lambda: get(base + "/readyz")) for _ in range(10)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            sent += len(threads)
            if len(_counter_files(folder, pids["workers"])) == 2:
                break
        assert len(_counter_files(folder, pids["workers"])) == 2, "one worker took every request"
        status, _headers, body = get(base + "/metrics")
        assert status == 200
        assert sample(body.decode(), "kentta_http_requests_total", **labels) == sent
    finally:
        assert stop(proc) == 0
        proc.communicate()
    assert not any(alive(pid) for pid in pids["workers"])
    proc, base, pids = running_server(tmp_path, PROMETHEUS_MULTIPROC_DIR=str(folder))  # same folder
    try:
        for _ in range(3):
            assert get(base + "/readyz")[0] == 200
        text = get(base + "/metrics")[2].decode()
        assert sample(text, "kentta_http_requests_total", **labels) == 3  # the last run's counts were cleared
    finally:
        assert stop(proc) == 0
        proc.communicate()
