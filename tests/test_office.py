"""Back office: session login with CSRF, calendar links with a how-to, the reminders report, roles."""
import pytest

from conftest import PASSWORD
from office_helpers import csrf_token, office_login

pytestmark = pytest.mark.usefixtures("own_contexts")


@pytest.fixture
def client(app):
    return app.test_client()


def test_login_needs_csrf_and_the_right_password(client, users, csrf_on):
    no_token = client.post("/office/login", data={"email": users.rep.email, "password": PASSWORD})
    assert no_token.status_code == 400 and "Lomake vanheni" in no_token.get_data(as_text=True)
    wrong = office_login(client, users.rep, password="nope")
    assert wrong.status_code == 401 and "Väärä sähköposti tai salasana" in wrong.get_data(as_text=True)
    assert client.get("/office/").status_code == 302  # still logged out
    ok = office_login(client, users.rep)
    assert ok.status_code == 302 and ok.headers["Location"] == "/office/"


def test_home_shows_calendar_links_and_howto(client, users, csrf_on):
    office_login(client, users.rep)
    page = client.get("/office/").get_data(as_text=True)
    me = client.get("/api/me", headers=users.rep_h).json
    assert me["calendar_url"] in page
    assert me["calendar_url"].replace("http://", "webcal://") in page
    assert "Outlook" in page and "Google" in page and "Tiimin kalenteri" not in page  # Finnish by default
    manager = client.application.test_client()
    office_login(manager, users.manager)
    team = manager.get("/office/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert "Team calendar" in team and "/calendar/team/" in team


def test_rotating_the_link_kills_the_old_feed(client, users, csrf_on):
    old = client.get("/api/me", headers=users.rep_h).json["calendar_url"]
    assert client.get(old).status_code == 200
    office_login(client, users.rep)
    token = csrf_token(client, "/office/")
    assert client.post("/office/calendar/rotate", data={}).status_code == 400  # no CSRF token
    assert client.get(old).status_code == 200
    assert client.post("/office/calendar/rotate", data={"csrf_token": token}).status_code == 302
    assert client.get(old).status_code == 404
    new = client.get("/api/me", headers=users.rep_h).json["calendar_url"]
    assert new != old and client.get(new).status_code == 200


def test_reminders_report_is_for_service_and_up(client, users):
    office_login(client, users.rep)
    assert client.get("/office/reminders").status_code == 403
    service = client.application.test_client()
    office_login(service, users.service)
    page = service.get("/office/reminders", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "what was sent and what failed" in page and "Nothing sent yet." in page


def test_login_redirect_stays_on_this_site(client, users):
    for target in ("//evil.example/x", "https://evil.example/", "/office/reminders"):
        fresh = client.application.test_client()
        r = fresh.post(f"/office/login?next={target}", data={"email": users.service.email, "password": PASSWORD})
        assert r.headers["Location"] == ("/office/reminders" if target.startswith("/office") else "/office/dashboard")


def test_logout_is_a_post_with_csrf(client, users, csrf_on):
    office_login(client, users.rep)
    assert client.get("/office/logout").status_code == 405
    assert client.post("/office/logout", data={}).status_code == 400
    assert client.post("/office/logout", data={"csrf_token": csrf_token(client, "/office/")}).status_code == 302
    assert client.get("/office/").status_code == 302


def test_translations_are_compiled_and_complete():
    import subprocess
    import sys
    result = subprocess.run([sys.executable, "scripts/i18n.py", "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
