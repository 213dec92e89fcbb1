"""The app's fence: security headers on every response, session cookie flags, logout that ends the
session on the server, and links never built from an untrusted Host header."""
import re

import pytest

from api_helpers import assert_error
from conftest import PASSWORD
from server import create_app
from server.config import TestConfig
from server.extensions import db

pytestmark = pytest.mark.usefixtures("own_contexts")


def office_login(client, user, password=PASSWORD):
    response = client.post("/office/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.data[:300]
    return response


def check_headers(response, what):
    policy = response.headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy, what
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy, what
    assert not re.search(r"https?:|\*|data:[^;]*script", policy), what  # no source outside the app
    assert response.headers.get("X-Frame-Options") == "DENY", what
    assert response.headers.get("X-Content-Type-Options") == "nosniff", what
    # Not no-referrer: over https Flask-WTF refuses a form post without a same-origin Referer.
    assert response.headers.get("Referrer-Policy") == "same-origin", what


def test_every_kind_of_response_carries_the_security_headers(client, users):
    feed = client.get("/api/me", headers=users.rep_h).json["calendar_url"].split("localhost", 1)[1]
    office = client.application.test_client()
    office_login(office, users.manager)
    for what, (who, path, headers) in {
        "app shell": (client, "/", {}), "service worker": (client, "/sw.js", {}),
        "manifest": (client, "/manifest.webmanifest", {}), "static file": (client, "/static/js/app.js", {}),
        "office login": (client, "/office/login", {}), "office page": (office, "/office/", {}),
        "office redirect": (client, "/office/", {}), "api": (client, "/api/me", users.rep_h),
        "api error": (client, "/api/me", {}), "openapi": (client, "/api/openapi.json", {}),
        "calendar feed": (client, feed, {}), "not found": (client, "/no/such/page", {}),
    }.items():
        with who.get(path, headers=headers) as response:
            assert response.status_code < 500, what
            check_headers(response, what)


def test_the_session_cookie_is_samesite_lax_and_secure_only_over_https(app, users):
    cookie = office_login(app.test_client(), users.rep).headers["Set-Cookie"]
    assert "SameSite=Lax" in cookie and "HttpOnly" in cookie and "Secure" not in cookie


@pytest.mark.parametrize("setting", [{"PUBLIC_BASE_URL": "https://crm.example.fi"},
                                     {"SESSION_COOKIE_SECURE": True}])
def test_the_session_cookie_is_secure_over_https(database_url, users, setting):
    config = TestConfig(database_url)
    for key, value in setting.items():
        setattr(config, key, value)
    secure_app = create_app(config)
    try:
        response = secure_app.test_client().post("/office/login", base_url="https://localhost",
                                                 data={"email": users.rep.email, "password": PASSWORD})
        cookie = response.headers["Set-Cookie"]
        assert response.status_code == 302 and "Secure" in cookie and "SameSite=Lax" in cookie
    finally:
        with secure_app.app_context():
            db.engine.dispose()


def test_a_session_cookie_copied_before_logout_is_dead_after_it(app, users):
    browser = app.test_client()
    office_login(browser, users.rep)
    copied = browser.get_cookie("session").value
    assert browser.post("/office/logout").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/office/")
    assert response.status_code == 302 and "/office/login" in response.headers["Location"]


def test_a_new_password_ends_existing_sessions(app, users):
    browser = app.test_client()
    office_login(browser, users.manager)
    assert browser.get("/office/").status_code == 200
    users.manager.set_password("uusi-salasana-2026")
    db.session.commit()
    assert browser.get("/office/").status_code == 302
    office_login(browser, users.manager, "uusi-salasana-2026")
    assert browser.get("/office/").status_code == 200


def test_a_host_header_cannot_choose_the_calendar_link(client, users):
    """Without PUBLIC_BASE_URL (demo, tests) only loopback names are served, so no link can point elsewhere."""
    response = client.get("/api/me", headers={**users.rep_h, "Host": "evil.example"})
    assert_error(response, 400)
    assert b"calendar" not in response.data
    assert client.get("/api/me", headers={**users.rep_h, "Host": "127.0.0.1:5000"}).json["calendar_url"].startswith(
        "http://127.0.0.1:5000/calendar/")
    office = client.get("/office/login", headers={"Host": "evil.example"})
    assert office.status_code == 400


@pytest.fixture
def public_app(database_url):
    """An installation with PUBLIC_BASE_URL and TRUSTED_HOSTS set, on the test database."""
    def make(**settings):
        config = TestConfig(database_url)
        for key, value in settings.items():
            setattr(config, key, value)
        made.append(create_app(config))
        return made[-1]
    made = []
    yield make
    for one in made:
        with one.app_context():
            db.engine.dispose()


def test_with_a_public_base_url_links_ignore_the_host_header(public_app, users):
    client = public_app(PUBLIC_BASE_URL="https://crm.example.fi").test_client()
    me = client.get("/api/me", headers={**users.rep_h, "Host": "evil.example"}).json
    assert me["calendar_url"].startswith("https://crm.example.fi/calendar/")


def test_trusted_hosts_refuse_every_other_host(public_app, users):
    client = public_app(PUBLIC_BASE_URL="https://crm.example.fi", TRUSTED_HOSTS=["crm.example.fi"]).test_client()
    assert client.get("/api/me", headers={**users.rep_h, "Host": "crm.example.fi"}).status_code == 200
    assert_error(client.get("/api/me", headers={**users.rep_h, "Host": "evil.example"}), 400)


def test_a_real_installation_refuses_to_start_without_a_public_base_url(database_url):
    config = TestConfig(database_url)
    config.DEMO = False
    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL"):
        create_app(config)
    config.PUBLIC_BASE_URL = "https://crm.example.fi"
    started = create_app(config)
    with started.app_context():
        db.engine.dispose()


def test_office_login_behind_a_tls_proxy_with_csrf(public_app, users):
    """The production shape: TLS ends at one proxy; the page's own Referer satisfies Flask-WTF's https check."""
    app = public_app(PUBLIC_BASE_URL="https://crm.example.fi", TRUSTED_PROXIES=1, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    via_proxy = {"Host": "crm.example.fi", "X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.2"}
    page = client.get("/office/login", headers=via_proxy)
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    form = {"email": users.rep.email, "password": PASSWORD, "csrf_token": token}
    assert client.post("/office/login", data=form, headers=via_proxy).status_code == 400  # no Referer at all
    response = client.post("/office/login", data=form,
                           headers={**via_proxy, "Referer": "https://crm.example.fi/office/login"})
    assert response.status_code == 302 and "Secure" in response.headers["Set-Cookie"]
