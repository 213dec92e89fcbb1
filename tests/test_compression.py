"""Compressed answers and request bodies (issue 18 item 1; server/compression.py, api/body_coding.py)."""
import gzip
import json
import zlib
from urllib.parse import urlsplit

import brotli
import pytest

from api_helpers import assert_error
from sync_helpers import make_customer, new_id, op, pull_all

BIG = 2 * 1024 * 1024


def decode(response) -> bytes:
    coding = response.headers.get("Content-Encoding")
    if coding == "br":
        return brotli.decompress(response.data)
    if coding == "gzip":
        return gzip.decompress(response.data)
    assert coding is None, coding
    return response.data


@pytest.fixture
def page(client, users):
    """A pull answer well over the 500-byte floor."""
    for i in range(12):
        make_customer(client, users.rep_h, name=f"Kahvila {i}", city="Tampere", street=f"Kauppakatu {i}")
    return "/api/sync/pull?cursor=0&limit=1000"


@pytest.mark.parametrize("accept, expected", [
    ("gzip", "gzip"), ("br", "br"), ("gzip, deflate, br", "br"), ("br;q=0.5, gzip", "gzip"),
    ("br;q=0, gzip;q=0.1", "gzip"), ("br;q=0, gzip;q=0", None), ("identity", None), ("*", "br"),
    ("", None), (None, None)])
def test_the_client_s_accept_encoding_chooses_the_coding(client, users, page, accept, expected):
    headers = dict(users.rep_h) | ({"Accept-Encoding": accept} if accept is not None else {})
    response = client.get(page, headers=headers)
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding") == expected
    assert "Accept-Encoding" in response.headers["Vary"]
    plain = client.get(page, headers=users.rep_h)
    assert json.loads(decode(response)) == plain.json
    if expected:
        assert len(response.data) < len(plain.data) / 3
        assert int(response.headers["Content-Length"]) == len(response.data)


def test_small_answers_and_compressed_files_are_left_alone(client, users):
    me = client.get("/api/me", headers=users.rep_h | {"Accept-Encoding": "br, gzip"})
    assert len(me.data) < 500 and "Content-Encoding" not in me.headers
    for icon in ("/static/icons/icon-192.png", "/static/icons/icon-512.png"):
        png = client.get(icon, headers={"Accept-Encoding": "br, gzip"})
        assert png.status_code == 200 and png.mimetype == "image/png"
        assert "Content-Encoding" not in png.headers
        png.close()


def test_a_record_s_version_etag_stays_an_if_match_token(client, users):
    cid, _version = make_customer(client, users.rep_h, notes="x" * 2000)
    response = client.get(f"/api/customers/{cid}", headers=users.rep_h | {"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and response.headers["ETag"].strip('"').isdigit()
    assert "Content-Encoding" not in response.headers


@pytest.mark.parametrize("coding", ["br", "gzip"])
def test_static_files_html_openapi_compressed_and_304_with_the_suffixed_etag(client, users, coding):
    accept = {"Accept-Encoding": coding}
    for path in ("/static/js/sync.js", "/static/css/app.css", "/static/i18n/fi.json", "/manifest.webmanifest"):
        first = client.get(path, headers=accept)
        assert first.status_code == 200 and first.headers["Content-Encoding"] == coding, path
        plain = client.get(path)
        assert decode(first) == plain.data and "Content-Encoding" not in plain.headers
        tag = first.headers["ETag"]
        # RFC 9110 8.8.3: not the identity body's strong tag, but still strong and still matching
        assert tag != plain.headers["ETag"] and tag.endswith(f':{coding}"') and not tag.startswith("W/")
        again = client.get(path, headers=accept | {"If-None-Match": tag})
        assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == tag, path
        assert client.get(path, headers={"If-None-Match": plain.headers["ETag"]}).status_code == 304
        cached = client.get(path, headers=accept)  # the second time from the cache: the same bytes
        assert cached.data == first.data and cached.headers["ETag"] == tag
        for response in (first, plain, cached):
            response.close()
    for path in ("/", "/sw.js", "/api/openapi.json"):
        response = client.get(path, headers=users.rep_h | accept)
        assert response.headers["Content-Encoding"] == coding, path
        assert decode(response) == client.get(path, headers=users.rep_h).data


def test_rules_304_with_compression(client, users):
    accept = users.rep_h | {"Accept-Encoding": "gzip, br"}
    first = client.get("/api/rules", headers=accept)
    assert first.headers["Content-Encoding"] == "br" and json.loads(decode(first))["entities"]
    tag = first.headers["ETag"]
    again = client.get("/api/rules", headers=accept | {"If-None-Match": tag})
    assert again.status_code == 304 and again.headers["ETag"] == tag
    changed = client.get("/api/rules", headers=accept | {"If-None-Match": '"other:br"'})
    assert changed.status_code == 200 and decode(changed) == decode(first)


def test_the_calendar_feed_compressed_with_304(client, users, create_record):
    cid = create_record("customer", users.rep, name="Kahvila Aalto")
    for day in range(1, 20):
        create_record("activity", users.rep, customer_id=cid, type="visit", title=f"Käynti {day}",
                      starts_at=f"2026-12-{day:02d}T08:00:00Z", owner_id=users.rep.id)
    url = urlsplit(client.get("/api/me", headers=users.rep_h).json["calendar_url"]).path
    plain = client.get(url)
    first = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert first.headers["Content-Encoding"] == "gzip" and decode(first) == plain.data
    assert first.headers["Content-Type"] == "text/calendar; charset=utf-8"
    for inm in (first.headers["ETag"], "W/" + first.headers["ETag"]):
        again = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": inm})
        assert again.status_code == 304 and again.headers["ETag"] == first.headers["ETag"]
    since = client.get(url, headers={"Accept-Encoding": "gzip", "If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304


def _push_raw(client, headers, body: bytes, coding: str):
    return client.post("/api/sync/push", data=body, headers=headers | {
        "Content-Type": "application/json", "Content-Encoding": coding})


@pytest.mark.parametrize("coding, pack", [("gzip", gzip.compress), ("br", brotli.compress)])
def test_a_compressed_push_is_applied(client, users, coding, pack):
    ops = [op("customer", new_id(), {"name": f"Kahvila {i}", "city": "Oulu"}, seq=i + 1) for i in range(50)]
    body = json.dumps({"client_id": "phone-z", "ops": ops}).encode()
    response = _push_raw(client, users.rep_h, pack(body), coding)
    assert response.status_code == 200, response.data[:300]
    assert [r["status"] for r in response.json["results"]] == ["applied"] * 50
    assert len([c for c in pull_all(client, users.rep_h)[0] if c["entity"] == "customer"]) == 50


@pytest.mark.parametrize("coding, pack", [("gzip", gzip.compress), ("br", brotli.compress)])
def test_a_zip_bomb_is_413_and_nothing_applied(client, users, coding, pack):
    ops = json.dumps({"client_id": "phone-z", "ops": [op("customer", new_id(), {"name": "Pommi"})]})
    bomb = pack(ops.encode()[:-1] + b', "padding": "' + b"0" * 10_000_000 + b'"}')
    assert len(bomb) < 40_000  # ten megabytes in a few kilobytes on the wire
    assert_error(_push_raw(client, users.rep_h, bomb, coding), 413)
    assert pull_all(client, users.rep_h)[0] == []
    # just under the limit decoded is still taken
    body = json.dumps({"client_id": "phone-z", "ops": [op("customer", new_id(), {"name": "Iso"})]})
    body = body.encode() + b" " * (BIG - len(body))  # JSON may end in blanks
    assert len(body) <= BIG
    taken = _push_raw(client, users.rep_h, pack(body), coding)
    assert taken.status_code == 200, taken.json
    assert taken.json["results"][0]["status"] == "applied"


def test_corrupt_and_unknown_codings(client, users):
    body = json.dumps({"client_id": "phone-z", "ops": [op("customer", new_id(), {"name": "X"})]}).encode()
    packed = gzip.compress(body)
    for broken in (b"not gzip at all", packed[:len(packed) // 2], packed[:10] + b"\xff" * 20 + packed[30:]):
        assert_error(_push_raw(client, users.rep_h, broken, "gzip"), 400)
    assert_error(_push_raw(client, users.rep_h, b"\x01\x02garbage", "br"), 400)
    for coding in ("compress", "zstd", "deflate, gzip"):
        assert_error(_push_raw(client, users.rep_h, packed, coding), 415)
    assert _push_raw(client, users.rep_h, body, "identity").status_code == 200
    assert pull_all(client, users.rep_h)[0][0]["data"]["name"] == "X"


def test_a_raw_deflate_stream_is_not_taken_for_gzip(client, users):
    body = json.dumps({"client_id": "phone-z", "ops": []}).encode()
    assert_error(_push_raw(client, users.rep_h, zlib.compress(body), "gzip"), 400)


def test_off_when_a_proxy_compresses(database_url):
    from server import create_app
    from server.config import TestConfig

    config = TestConfig(database_url)
    config.COMPRESS_RESPONSES = False
    app = create_app(config)
    response = app.test_client().get("/static/js/sync.js", headers={"Accept-Encoding": "br"})
    assert "Content-Encoding" not in response.headers
    response.close()
