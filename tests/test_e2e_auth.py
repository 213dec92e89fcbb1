"""The PWA in Chromium when the server refuses its token: it asks for the password again, keeps the
outbox, and after logging in as the same user the waiting edit reaches the server."""
from datetime import timedelta

import pytest
from e2e_support import PASSWORD, api, eventually, login, wait_synced

from server.extensions import db
from server.models import ApiToken, Customer, utcnow

pytestmark = pytest.mark.e2e


def end_tokens(live, user_id, how):
    """Expire (unused for 91 days) or revoke every token of one user, server-side."""
    values = {"expired": {"last_used_at": utcnow() - timedelta(days=91)}, "revoked": {"revoked_at": utcnow()}}[how]
    with live.app.app_context():
        db.session.execute(ApiToken.__table__.update().where(ApiToken.user_id == user_id).values(**values))
        db.session.commit()


def phone_on_server(live, customer_id):
    with live.app.app_context():
        return db.session.get(Customer, customer_id).phone


@pytest.mark.parametrize("how", ["expired", "revoked"])
def test_a_refused_token_asks_for_the_password_and_the_outbox_survives(live, phone, how):
    customer_id = api(live, "POST", "/api/customers", "manager", {"name": "Kahvila Aalto", "city": "Tampere"}).json["id"]
    context, page = phone()
    login(page, live, "rep1")

    context.set_offline(True)
    page.goto(f"{live.url}/#/customers/{customer_id}/edit")
    page.fill("input[name=phone]", "+358 40 123 4567")
    page.click("#customer-form button[type=submit]")
    page.wait_for_selector("[data-testid=customer-card]")
    page.wait_for_selector("#sync-pill[data-pending='1']", state="attached")  # the pill counts the outbox a moment later

    end_tokens(live, live.users["rep1"], how)
    context.set_offline(False)  # the app syncs by itself, and the server answers 401
    page.wait_for_selector("[data-testid=login-again]")
    page.wait_for_selector("#sync-pill[data-pending='1']", state="attached")
    assert page.input_value("input[name=email]") == "rep1@example.com"
    assert phone_on_server(live, customer_id) is None

    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("[data-testid=today-visits]")
    wait_synced(page)
    assert eventually(lambda: phone_on_server(live, customer_id) == "+358 40 123 4567")
    page.goto(f"{live.url}/#/customers/{customer_id}")
    assert "+358 40 123 4567" in page.inner_text("[data-testid=customer-card]")


def test_the_app_says_how_long_to_wait_after_too_many_wrong_passwords(live, phone):
    _, page = phone()
    page.goto(live.url + "/")
    page.fill("input[name=email]", "rep2@example.com")
    for attempt in range(live.app.config["LOGIN_MAX_FAILURES"] + 1):
        page.evaluate("document.getElementById('login-error').textContent = ''")
        page.fill("input[name=password]", f"arvaus{attempt}")
        page.click("#login-form button[type=submit]")
        page.wait_for_function("document.getElementById('login-error').textContent.length > 0")
    assert "15 minuutin kuluttua" in page.inner_text("#login-error")


def test_the_back_office_works_under_the_security_headers(live, phone):
    """With the CSP enforced (no framing, no inline code, only our own origin) every office page works."""
    _, page = phone(bypass_csp=False)
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(live.url + "/office/login")
    page.fill("input[name=email]", "manager@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/office/dashboard")  # a manager lands on the dashboard: charts as data: images
    page.goto(live.url + "/office/")
    page.wait_for_selector("a[href^='webcal://']")
    page.focus("[data-testid=https]")  # focusing the link to copy selects all of it
    assert page.evaluate("(el => el.selectionEnd - el.selectionStart === el.value.length && el.value.length > 20)"
                         "(document.querySelector('[data-testid=https]'))")
    page.goto(live.url + "/office/reminders")
    page.wait_for_selector("[data-testid=subscriptions]", state="attached")
    page.click("header form button[type=submit]")  # log out: a form post under form-action 'self'
    page.wait_for_selector("input[name=password]")
    assert not problems, problems
