"""One log line per request (server/observe/logs.py): id, method, path without secrets, status, time, user."""
import io
import json
import logging
import re

import pytest

from office_helpers import office_login

pytestmark = pytest.mark.usefixtures("own_contexts")  # a real server's `g` is per request; so must the tests' be


@pytest.fixture
def lines():
    """lines() -> the request-log lines written so far in this test."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("kentta.request")
    logger.addHandler(handler)
    try:
        yield lambda: stream.getvalue().splitlines()
    finally:
        logger.removeHandler(handler)


@pytest.fixture
def json_format(app):
    app.config["LOG_FORMAT"] = "json"


def test_a_text_line_names_the_request_and_the_user(client, users, lines):
    r = client.get("/api/me?x=1", headers=users.rep_h)
    assert r.status_code == 200
    [line] = lines()
    request_id = r.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert re.fullmatch(rf"\S+Z {request_id} GET /api/me 200 \d+(\.\d)?ms user={users.rep.id} remote=127\.0\.0\.1",
                        line), line


def test_a_json_line_has_every_field(client, users, lines, json_format):
    r = client.post("/api/customers", json={"name": "Kahvila Aalto", "owner_id": users.rep.id},
                    headers={**users.manager_h, "X-Request-ID": "proxy-7f3a9c01"})
    assert r.status_code == 201 and r.headers["X-Request-ID"] == "proxy-7f3a9c01"
    [line] = lines()
    entry = json.loads(line)
    assert set(entry) == {"time", "request_id", "method", "path", "status", "duration_ms", "user_id", "remote_addr"}
    assert entry["request_id"] == "proxy-7f3a9c01"
    assert (entry["method"], entry["path"], entry["status"]) == ("POST", "/api/customers", 201)
    assert entry["user_id"] == str(users.manager.id) and entry["remote_addr"] == "127.0.0.1"
    assert isinstance(entry["duration_ms"], float) and entry["duration_ms"] >= 0
    assert entry["time"].endswith("Z")


def test_no_user_when_none_logged_in_and_errors_logged_too(client, users, lines, json_format):
    assert client.get("/api/me").status_code == 401
    assert client.get("/api/customers", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/no/such/page").status_code == 404
    entries = [json.loads(line) for line in lines()]
    assert [(e["path"], e["status"], e["user_id"]) for e in entries] == [
        ("/api/me", 401, None), ("/api/customers", 401, None), ("/no/such/page", 404, None)]


def test_the_query_string_and_calendar_tokens_stay_out_of_the_log(client, users, lines, json_format):
    url = client.get("/api/me", headers=users.rep_h).json["calendar_url"]
    path = "/" + url.split("/", 3)[3]
    token = path.rsplit("/", 1)[1].removesuffix(".ics")
    assert client.get(path).status_code == 200
    assert client.get(path.replace(token, token[:-2] + "xx")).status_code == 404
    client.get("/api/customers?q=salainen-haku", headers=users.rep_h)
    text = "\n".join(lines())
    assert token not in text and token[:-2] not in text and "salainen" not in text
    paths = [json.loads(line)["path"] for line in lines()]
    assert paths[1:] == [f"/calendar/{users.rep.id}/[redacted]"] * 2 + ["/api/customers"]


@pytest.mark.parametrize("incoming", ["short", "has spaces in it", "x" * 200, "ünïcode-id-123", "<script>alert</script>"])
def test_an_odd_request_id_is_replaced(client, lines, incoming):
    r = client.get("/healthz", headers={"X-Request-ID": incoming})
    assert re.fullmatch(r"[0-9a-f]{32}", r.headers["X-Request-ID"])
    [line] = lines()
    assert r.headers["X-Request-ID"] in line and incoming not in line


def test_an_office_session_names_its_user(app, users, lines, json_format):
    browser = app.test_client()
    assert office_login(browser, users.manager).status_code == 302
    assert browser.get("/office/").status_code in (200, 302)
    entries = [json.loads(line) for line in lines()]
    assert entries[-1]["path"] == "/office/" and entries[-1]["user_id"] == str(users.manager.id)
