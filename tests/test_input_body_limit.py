"""A body over 2 MiB is refused with 413 in the §4 shape on every route, announced or chunked (SPEC §4).

Sent to a real server socket: the werkzeug test client does not decode chunked bodies the way a
server does, and the hole was in exactly that path.
"""
import http.client
import json
import threading
import uuid

import pytest
from werkzeug.serving import make_server

from api_helpers import assert_error

LIMIT = 2 * 1024 * 1024
TWENTY_MB = 20_000_000


class Answer:
    """Enough of a response for assert_error."""

    def __init__(self, status, headers, data):
        self.status_code, self.headers, self.data = status, headers, data
        self.is_json = headers.get("Content-Type", "").startswith("application/json")
        self.json = json.loads(data) if self.is_json else None


@pytest.fixture
def live(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    server.server_close()
    thread.join()


def send(port, method, path, body: bytes, headers, chunked: bool, piece=64 * 1024):
    """One request on a fresh connection; chunked sends the body in pieces with no Content-Length."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        if chunked:
            pieces = (body[i:i + piece] for i in range(0, len(body), piece))
            conn.request(method, path, body=pieces, headers=headers, encode_chunked=True)
        else:
            conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return Answer(response.status, dict(response.getheaders()), response.read())
    finally:
        conn.close()


def json_of_size(size: int, key="padding", **other) -> bytes:
    """A JSON object of exactly `size` bytes."""
    head = json.dumps({**other, key: ""}).encode()
    return head[:-2] + b"x" * (size - len(head)) + b'"}'


def big_push(size: int) -> bytes:
    """A valid push of 500 new customers, padded in their notes to about `size` bytes."""
    notes = "n" * min(5000, size // 500 - 250)
    ops = [{"op_id": str(uuid.uuid4()), "entity": "customer", "id": str(uuid.uuid4()), "type": "put",
            "base_version": 0, "fields": {"name": f"Asiakas {i}", "notes": notes}, "edited_at": "2026-11-20T08:00:00Z"}
           for i in range(500)]
    body = json.dumps({"client_id": "phone-a", "ops": ops}).encode()
    assert len(body) >= size * 0.95, len(body)
    return body


def customers(client, users):
    return client.get("/api/customers", headers=users.manager_h).json["total"]


@pytest.mark.parametrize("chunked", [True, False], ids=["chunked", "announced"])
def test_a_push_over_the_limit_is_413_and_applies_nothing(client, users, live, chunked):
    body = big_push(LIMIT + LIMIT // 4)  # 2.5 MiB
    assert len(body) > LIMIT
    headers = {**users.rep_h, "Content-Type": "application/json"}
    assert_error(send(live, "POST", "/api/sync/push", body, headers, chunked), 413)
    assert customers(client, users) == 0


def test_twenty_megabytes_chunked_is_413_not_malformed(client, users, live):
    body = json_of_size(TWENTY_MB, client_id="phone-a", ops=[])
    headers = {**users.rep_h, "Content-Type": "application/json"}
    err = assert_error(send(live, "POST", "/api/sync/push", body, headers, chunked=True), 413)
    assert err["code"] == "payload_too_large"
    assert customers(client, users) == 0


@pytest.mark.parametrize("chunked", [True, False], ids=["chunked", "announced"])
def test_a_rest_body_over_the_limit_is_413(client, users, live, chunked):
    body = json_of_size(LIMIT + 1, key="notes", name="Kahvila Aalto")
    headers = {**users.manager_h, "Content-Type": "application/json"}
    assert_error(send(live, "POST", "/api/customers", body, headers, chunked), 413)
    assert customers(client, users) == 0


@pytest.mark.parametrize("chunked", [True, False], ids=["chunked", "announced"])
def test_a_body_at_the_limit_is_read(client, users, live, chunked):
    """Exactly 2 MiB is not over the limit: the schema sees it and names the too-long field."""
    body = json_of_size(LIMIT, key="notes", name="Kahvila Aalto")
    headers = {**users.manager_h, "Content-Type": "application/json"}
    assert_error(send(live, "POST", "/api/customers", body, headers, chunked), 422, "notes")


@pytest.mark.parametrize("chunked", [True, False], ids=["chunked", "announced"])
def test_an_office_form_over_the_limit_is_413(live, chunked):
    body = b"email=a%40example.com&password=" + b"x" * (LIMIT + LIMIT // 4)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    assert_error(send(live, "POST", "/office/login", body, headers, chunked), 413)


@pytest.mark.parametrize("path", ["/api/me", "/", "/office/login"])
def test_a_route_that_reads_no_body_still_refuses_one_over_the_limit(users, live, path):
    body = b"x" * (LIMIT + 1)
    assert_error(send(live, "GET", path, body, {**users.rep_h, "Content-Type": "text/plain"}, chunked=True), 413)


def test_a_small_chunked_push_still_works(client, users, live):
    body = json.dumps({"client_id": "phone-a", "ops": [
        {"op_id": str(uuid.uuid4()), "entity": "customer", "id": str(uuid.uuid4()), "type": "put",
         "base_version": 0, "fields": {"name": "Kahvila Aalto"}, "edited_at": "2026-11-20T08:00:00Z"}]}).encode()
    answer = send(live, "POST", "/api/sync/push", body, {**users.rep_h, "Content-Type": "application/json"}, True)
    assert answer.status_code == 200, answer.data[:300]
    assert answer.json["results"][0]["status"] == "applied"
    assert customers(client, users) == 1


def test_405_says_which_methods_are_allowed(client, users):
    """RFC 9110: a 405 carries Allow, also when the view itself refuses the method."""
    cid = client.post("/api/customers", json={"name": "Kahvila Aalto"}, headers=users.manager_h).json["id"]
    response = client.put(f"/api/customers/{cid}", json={}, headers=users.manager_h)
    assert_error(response, 405)
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "PATCH", "DELETE"}
    assert "PUT" not in response.headers["Allow"]
    response = client.post("/api/conflicts", json={}, headers=users.manager_h)
    assert_error(response, 405)
    assert "GET" in response.headers["Allow"].split(", ") and "POST" not in response.headers["Allow"]


def test_415_for_a_body_that_is_not_json(client, users):
    assert_error(client.post("/api/customers", data="name=x", headers={**users.manager_h,
                                                                      "Content-Type": "text/plain"}), 415)
