"""Tokens: log in, log out, throttling, hashing, and 401 on every endpoint without a valid token."""
import re

import pytest

from api_helpers import assert_error
from conftest import PASSWORD
from server.extensions import db
from server.models import ApiToken


def test_login_gives_a_token_and_me_describes_the_user(client, make_user):
    user = make_user("rep", "liisa@example.com", "Liisa Myyjä")
    r = client.post("/api/auth/token", json={"email": "Liisa@Example.com", "password": PASSWORD, "device_name": "Puhelin"})
    assert r.status_code == 201
    assert r.json["user"] == {"id": user.id, "email": "liisa@example.com", "name": "Liisa Myyjä", "role": "rep"}
    me = client.get("/api/me", headers={"Authorization": f"Bearer {r.json['token']}"}).json
    assert set(me) == {"id", "email", "name", "role", "calendar_url", "people"} and me["name"] == "Liisa Myyjä"
    assert me["people"] == {user.id: "Liisa Myyjä"}, "colleagues' names by id (a conflict says who changed the field)"
    assert me["calendar_url"].startswith("http") and user.id in me["calendar_url"]


def test_tokens_and_passwords_are_stored_hashed(client, make_user):
    user = make_user("rep")
    token = client.post("/api/auth/token", json={"email": user.email, "password": PASSWORD}).json["token"]
    assert len(token) >= 32
    stored = db.session.query(ApiToken).one()
    assert token not in stored.token_hash and stored.token_hash != token
    assert PASSWORD not in user.password_hash and user.check_password(PASSWORD)


@pytest.mark.parametrize("body", [{"email": "x@example.com", "password": "wrong"},
                                  {"email": "nobody@example.com", "password": PASSWORD}])
def test_wrong_credentials_are_401(client, make_user, body):
    make_user("rep", "x@example.com")
    assert_error(client.post("/api/auth/token", json=body), 401)


def test_repeated_failures_for_one_email_are_429_even_with_the_right_password(client, make_user):
    user = make_user("rep")
    for _ in range(3):
        assert_error(client.post("/api/auth/token", json={"email": user.email, "password": "guess"}), 401)
    assert_error(client.post("/api/auth/token", json={"email": user.email, "password": PASSWORD}), 429)
    other = make_user("rep")  # other accounts are not locked out
    assert client.post("/api/auth/token", json={"email": other.email, "password": PASSWORD}).status_code == 201


@pytest.mark.parametrize("body,field", [({"password": "x"}, "email"), ({"email": "not-an-email", "password": "x"}, "email"),
                                        ({"email": "a@example.com"}, "password"),
                                        ({"email": "a@example.com", "password": "x", "admin": True}, "admin")])
def test_login_bad_input_names_the_field(client, body, field):
    assert_error(client.post("/api/auth/token", json=body), 422, field)


def test_logout_revokes_only_the_presented_token(client, users, login):
    other = login(users.rep)
    assert client.delete("/api/auth/token", headers=users.rep_h).status_code == 204
    assert_error(client.get("/api/me", headers=users.rep_h), 401)
    assert client.get("/api/me", headers=other).status_code == 200


def _api_routes(app):
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.rule == "/api/openapi.json":
            continue
        path = rule.rule.replace("<uuid:record_id>", "00000000-0000-4000-8000-000000000000")
        path = re.sub(r"<any\(([^,)]+)[^>]*>", r"\1", path)  # e.g. a segment: its first choice
        assert "<" not in path, f"give {rule.rule} a sample value here"
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if (path, method) != ("/api/auth/token", "POST"):
                yield method, path


@pytest.mark.parametrize("auth", [None, "Bearer nonsense", "Basic dXNlcjpwdw==", "Bearer "])
def test_every_endpoint_needs_a_valid_token(app, client, auth):
    routes = list(_api_routes(app))
    assert len(routes) >= 30
    headers = {"Authorization": auth} if auth else {}
    for method, path in routes:
        response = client.open(path, method=method, headers=headers, json={})
        assert_error(response, 401)
