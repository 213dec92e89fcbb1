"""`flask --app server geocode`: a real HTTP stand-in for Nominatim on 127.0.0.1 answers jsonv2; the
coordinates reach a rep's pull through the merge, misses are remembered, edits made meanwhile stay."""
import json
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from conftest import _fresh_postgres_db, app_on
from server import create_app
from server.config import TestConfig
from server.extensions import db
from server.geocode import MAX_ANSWER_BYTES, Geocoder, GeocoderError, address_of, parse, query
from server.geocode_run import run
from server.models import Customer, GeocodeMiss
from sync_helpers import make_customer, new_id, pull_all, push_one

HELSINKI = [{"place_id": 1, "lat": "60.1698557", "lon": "24.9383791", "display_name": "Mannerheimintie 1",
             "category": "building", "type": "yes", "importance": 0.5}]


class FakeNominatim:
    """Answers GET /search by the query's city: {city: (status, body bytes)}; default: nothing found."""

    def __init__(self, answers=None, on_request=None, clock=None):
        self.answers, self.on_request, self.clock = answers or {}, on_request, clock
        self.requests, self.in_flight, self.most_in_flight = [], 0, 0
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                with fake.lock:
                    fake.in_flight += 1
                    fake.most_in_flight = max(fake.most_in_flight, fake.in_flight)
                params = dict(parse_qsl(urlsplit(self.path).query))
                fake.requests.append({"path": urlsplit(self.path).path, "params": params,
                                      "agent": self.headers["User-Agent"], "at": fake.clock() if fake.clock else None})
                if fake.on_request:
                    fake.on_request(params)
                status, body = fake.answers.get(params.get("city"), (200, b"[]"))
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                with fake.lock:
                    fake.in_flight -= 1

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/search"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def app(request, database_url):
    """The module's tests on the test database and, marked postgres, on a fresh PostgreSQL one too."""
    if request.param == "sqlite":
        with app_on(database_url) as the_app:
            yield the_app
        return
    server = request.getfixturevalue("postgres_url")
    url = _fresh_postgres_db(server)
    first = create_app(TestConfig(url))
    with first.app_context():
        upgrade(directory=first.extensions["migrate"].directory)
        db.engine.dispose()
    with app_on(url) as fresh:
        yield fresh
    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{sa.engine.make_url(url).database}" WITH (FORCE)'))
    engine.dispose()


def configure(app, url, **more):
    app.config.update(GEOCODER_URL=url, GEOCODER_USER_AGENT="Kentta-test (test@example.fi)",
                      GEOCODER_MIN_INTERVAL=0, **more)


def geocode(app, *args):
    return app.test_cli_runner().invoke(args=["geocode", *args])


def coords(cid):
    db.session.expire_all()
    row = db.session.get(Customer, cid)
    return row.latitude, row.longitude


def test_the_query_is_structured_and_only_a_city_makes_an_address():
    address = address_of({"street": " Mannerheimintie  1 ", "postal_code": "00100", "city": "Helsinki",
                          "country": None})
    assert query(address) == {"street": "Mannerheimintie 1", "postalcode": "00100", "city": "Helsinki",
                              "countrycodes": "fi", "format": "jsonv2", "limit": "1"}
    assert address_of({"street": "Kauppakatu 1", "postal_code": "40100", "city": " "}) is None
    assert parse(b"[]") is None and parse(json.dumps(HELSINKI).encode()) == (60.1698557, 24.9383791)


@pytest.mark.parametrize("body,named", [(b"<html>busy</html>", "not JSON"), (b'{"error": "bad query"}', "bad query"),
                                        (b'[{"lat": "north", "lon": "1"}]', "lat/lon"),
                                        (b'[{"lat": "95", "lon": "24"}]', "out of range")])
def test_a_broken_answer_is_named(body, named):
    with pytest.raises(GeocoderError, match=named):
        parse(body)


@pytest.mark.parametrize("url", ["http://nominatim.example.fi/search", "ftp://localhost/search",
                                 "https://user:pw@geo.example.fi/search", "/search"])
def test_only_an_https_url_or_localhost_is_accepted(url):
    with pytest.raises(GeocoderError) as err:
        Geocoder(url, "ua")
    assert err.value.fatal
    Geocoder("https://geo.example.fi/search", "ua")
    Geocoder("http://localhost:8080/search", "ua")


def test_without_a_geocoder_the_command_says_how_to_configure_one(app):
    result = geocode(app)
    assert result.exit_code == 1 and "GEOCODER_URL" in result.output and "Traceback" not in result.output
    app.config.update(GEOCODER_URL="http://geo.example.fi/search")
    result = geocode(app)
    assert result.exit_code == 1 and "https" in result.output


def test_coordinates_reach_a_reps_pull_through_the_merge(app, client, users):
    cid, _ = make_customer(client, users.rep_h, name="Kahvila", street="Mannerheimintie 1", postal_code="00100",
                           city="Helsinki")
    no_city, _ = make_customer(client, users.rep_h, name="Ei kaupunkia", street="Jokukatu 1")
    _, cursor = pull_all(client, users.rep_h)
    with FakeNominatim({"Helsinki": (200, json.dumps(HELSINKI).encode())}) as fake:
        configure(app, fake.url)
        result = geocode(app)
    assert result.exit_code == 0, result.output
    assert "1 / 1" in result.output and "found 1, not found 0, failed 0" in result.output
    assert [r["params"] for r in fake.requests] == [{"street": "Mannerheimintie 1", "postalcode": "00100",
                                                     "city": "Helsinki", "countrycodes": "fi", "format": "jsonv2",
                                                     "limit": "1"}]
    assert fake.requests[0]["path"] == "/search" and fake.requests[0]["agent"] == "Kentta-test (test@example.fi)"
    changes, _ = pull_all(client, users.rep_h, cursor)
    [change] = [c for c in changes if c["id"] == cid]
    assert change["version"] > cursor and (change["data"]["latitude"], change["data"]["longitude"]) == (
        60.1698557, 24.9383791)
    assert coords(no_city) == (None, None)
    with FakeNominatim() as again:  # nothing left to ask
        configure(app, again.url)
        assert geocode(app).exit_code == 0 and again.requests == []


def test_not_found_is_remembered_until_retry_failed_or_a_new_address(app, client, users):
    cid, _ = make_customer(client, users.rep_h, name="Outo", street="Olematon 9", city="Eimissään")
    broken, _ = make_customer(client, users.rep_h, name="Rikki", city="Rikkinäinen")
    with FakeNominatim({"Rikkinäinen": (200, b"not json")}) as fake:
        configure(app, fake.url)
        first = geocode(app)
        assert first.exit_code == 0 and "not found 1, failed 1" in first.output, first.output
        assert "the geocoder's answer is not JSON" in first.output
        assert {m.customer_id: m.outcome for m in db.session.query(GeocodeMiss)} == {cid: "not_found",
                                                                                   broken: "failed"}
        second = geocode(app)
        assert len(fake.requests) == 2 and "2 skipped" in second.output
        assert geocode(app, "--retry-failed").exit_code == 0 and len(fake.requests) == 4
        version = client.get(f"/api/customers/{cid}", headers=users.rep_h).json["version"]
        push_one(client, users.rep_h, {"op_id": new_id(), "entity": "customer", "id": cid, "type": "put",
                                       "base_version": version, "fields": {"city": "Helsinki"},
                                       "edited_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")})
        fake.answers["Helsinki"] = (200, json.dumps(HELSINKI).encode())
        assert geocode(app).exit_code == 0 and fake.requests[-1]["params"]["city"] == "Helsinki"
    assert coords(cid) == (60.1698557, 24.9383791)
    assert db.session.get(GeocodeMiss, cid) is None


def test_a_dry_run_asks_but_writes_nothing(app, client, users):
    cid, _ = make_customer(client, users.rep_h, name="Kahvila", city="Helsinki")
    gone, _ = make_customer(client, users.rep_h, name="Tuntematon", city="Eimissään")
    with FakeNominatim({"Helsinki": (200, json.dumps(HELSINKI).encode())}) as fake:
        configure(app, fake.url)
        result = geocode(app, "--dry-run")
    assert result.exit_code == 0 and "found 1, not found 1" in result.output and len(fake.requests) == 2
    assert coords(cid) == (None, None) and db.session.query(GeocodeMiss).count() == 0


def _rep_edit(app, users, cid, fields):
    """A rep's phone pushes an edit of `cid` now (called by the stand-in while it is asked)."""
    client = app.test_client()
    version = client.get(f"/api/customers/{cid}", headers=users.rep_h).json["version"]
    result = push_one(client, users.rep_h, {"op_id": new_id(), "entity": "customer", "id": cid, "type": "put",
                                            "base_version": version, "fields": fields,
                                            "edited_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")},
                      client_id="phone-b")
    assert result["status"] == "applied", result


def test_a_customer_edited_between_read_and_write_keeps_the_edit(app, client, users):
    notes, _ = make_customer(client, users.rep_h, name="A muistiinpano", city="Helsinki")
    tapped, _ = make_customer(client, users.rep_h, name="B napautus", city="Helsinki")
    moved, _ = make_customer(client, users.rep_h, name="C muutto", city="Helsinki")
    edits = {notes: {"notes": "Ovikoodi 1234"}, tapped: {"latitude": 61.5, "longitude": 23.75},
             moved: {"city": "Tampere"}}
    order = iter([notes, tapped, moved])  # asked in name order: each is edited while it is being asked about

    def edit_while_asked(_params):
        cid = next(order)
        _rep_edit(app, users, cid, edits[cid])
    with FakeNominatim({"Helsinki": (200, json.dumps(HELSINKI).encode())}, on_request=edit_while_asked) as fake:
        configure(app, fake.url)
        result = geocode(app)
    assert result.exit_code == 0, result.output
    assert "2 were edited meanwhile" in result.output
    assert coords(notes) == (60.1698557, 24.9383791) and db.session.get(Customer, notes).notes == "Ovikoodi 1234"
    assert coords(tapped) == (61.5, 23.75)  # the rep's tap stands
    assert coords(moved) == (None, None) and db.session.get(Customer, moved).city == "Tampere"
    with FakeNominatim() as again:  # the new address is asked about on the next run
        configure(app, again.url)
        geocode(app)
    assert [r["params"]["city"] for r in again.requests] == ["Tampere"]


def test_one_request_at_a_time_and_the_interval_between_them(app, client, users):
    for n in range(4):
        make_customer(client, users.rep_h, name=f"Asiakas {n}", city="Helsinki")
    now = [0.0]
    with FakeNominatim(clock=lambda: now[0]) as fake:
        geocoder = Geocoder(fake.url, "ua", min_interval=1.5, sleep=lambda s: now.__setitem__(0, now[0] + s),
                            clock=lambda: now[0])
        counts = run(db.session, geocoder, echo=lambda line: None)
    assert counts.asked == 4 and len(fake.requests) == 4 and fake.most_in_flight == 1
    times = [r["at"] for r in fake.requests]
    assert all(b - a >= 1.5 for a, b in zip(times, times[1:])), times


def test_a_stopped_geocoder_stops_the_run_and_keeps_what_was_found(app, client, users):
    first, _ = make_customer(client, users.rep_h, name="A", city="Helsinki")
    make_customer(client, users.rep_h, name="B", city="Kiireinen")
    make_customer(client, users.rep_h, name="C", city="Helsinki")
    with FakeNominatim({"Helsinki": (200, json.dumps(HELSINKI).encode()), "Kiireinen": (429, b"slow down")}) as fake:
        configure(app, fake.url)
        result = geocode(app)
    assert result.exit_code == 1 and "HTTP 429" in result.output and "Traceback" not in result.output
    assert len(fake.requests) == 2 and coords(first) == (60.1698557, 24.9383791)
    assert db.session.query(GeocodeMiss).count() == 0  # the geocoder's fault, not the address's
    configure(app, "http://127.0.0.1:9/search")  # nothing listens on the discard port
    result = geocode(app)
    assert result.exit_code == 1 and "unreachable" in result.output


def test_ctrl_c_keeps_what_was_written_before_it(app, client, users):
    ids = [make_customer(client, users.rep_h, name=f"Asiakas {n}", city="Helsinki")[0] for n in range(4)]
    with FakeNominatim({"Helsinki": (200, json.dumps(HELSINKI).encode())}) as fake:
        geocoder = Geocoder(fake.url, "ua", min_interval=0)
        asked = geocoder.lookup

        def lookup(address):  # the admin presses Ctrl-C during the third request
            if len(fake.requests) == 2:
                raise KeyboardInterrupt
            return asked(address)
        geocoder.lookup = lookup
        counts = run(db.session, geocoder, echo=lambda line: None)
    assert counts.interrupted and counts.written == 2
    assert [coords(cid) != (None, None) for cid in ids] == [True, True, False, False]


def test_an_oversized_answer_is_refused(app, client, users):
    make_customer(client, users.rep_h, name="Iso", city="Helsinki")
    huge = json.dumps(HELSINKI * (MAX_ANSWER_BYTES // 100)).encode()
    with FakeNominatim({"Helsinki": (200, huge)}) as fake:
        configure(app, fake.url)
        result = geocode(app)
    assert result.exit_code == 0 and "failed: the geocoder's answer is larger than 256 kB" in result.output


def test_migration_0009_adds_the_misses_table_and_goes_back(tmp_path):
    from flask_migrate import downgrade
    the_app = create_app(TestConfig(f"sqlite:///{tmp_path / 'm.db'}"))
    with the_app.app_context():
        folder = the_app.extensions["migrate"].directory
        upgrade(directory=folder)
        assert "geocode_misses" in sa.inspect(db.engine).get_table_names()
        downgrade(directory=folder, revision="0008")
        assert "geocode_misses" not in sa.inspect(db.engine).get_table_names()
        upgrade(directory=folder)
        db.engine.dispose()
