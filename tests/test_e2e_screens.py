"""The rep's screens in Chromium: visit logging in few taps, planning, language, re-login, logout."""
from datetime import UTC, datetime, timedelta

import pytest
from e2e_support import PASSWORD, api, back_online, eventually, login, new_customer_offline, wait_synced
from sqlalchemy import select

from server.extensions import db
from server.models import Activity, ApiToken, Customer

pytestmark = pytest.mark.e2e


def activities(live, **where):
    with live.app.app_context():
        return db.session.scalars(select(Activity).filter_by(**where)).all()


def test_log_a_visit_from_today_in_three_taps(live, phone):
    api(live, "POST", "/api/customers", "manager", {"name": "Kahvila Aalto", "city": "Tampere", "owner_id": live.users["rep1"]})
    _, page = phone()
    login(page, live, "rep1")
    taps = 0

    def tap(selector):
        nonlocal taps
        taps += 1
        page.click(selector)
    tap("[data-testid=log-visit]")
    tap("#pick-results [data-testid=customer-row] >> text=Kahvila Aalto")
    page.fill("[data-testid=visit-notes]", "Kysyivät joulutuotteista.")
    tap("[data-testid=save-visit]")
    page.wait_for_selector("[data-testid=timeline-activity]")
    assert taps <= 4
    wait_synced(page)
    [visit] = eventually(lambda: activities(live, status="done"))
    assert visit.title == "Kahvila Aalto – Tampere – asiakaskäynti"
    assert visit.notes == "Kysyivät joulutuotteista." and visit.type == "visit"


def test_plan_a_visit_then_close_it_from_today(live, phone):
    customer_id = api(live, "POST", "/api/customers", "manager", {"name": "Salonki Sointu", "city": "Oulu"}).json["id"]
    _, page = phone()
    login(page, live, "rep1")
    page.goto(f"{live.url}/#/customers/{customer_id}/plan")
    now = datetime.now()
    page.fill("input[name=date]", now.strftime("%Y-%m-%d"))
    page.fill("input[name=time]", (now + timedelta(minutes=5)).strftime("%H:%M"))
    page.click("[data-testid=save-visit]")
    page.wait_for_selector("[data-testid=customer-card]")
    page.goto(f"{live.url}/#/today")
    row = page.locator("[data-testid=visit-row]", has_text="Salonki Sointu")
    row.locator("[data-testid=close-visit]").click()  # 1 tap
    page.fill("[data-testid=visit-notes]", "Tilaus tehty.")
    page.click("[data-testid=save-visit]")  # 2 taps
    page.wait_for_selector("[data-testid=customer-card]")
    wait_synced(page)
    [visit] = eventually(lambda: activities(live, customer_id=customer_id, status="done"))
    assert visit.notes == "Tilaus tehty."
    starts = visit.starts_at.replace(tzinfo=UTC)
    assert abs(starts - datetime.now(UTC)) < timedelta(minutes=10)  # local time sent as UTC
    page.goto(f"{live.url}/#/today")
    assert page.locator("[data-testid=visit-row]", has_text="Salonki Sointu").count() == 0


@pytest.mark.parametrize("locale, tab", [("fi-FI", "Asiakkaat"), ("en-US", "Customers")])
def test_language_follows_the_browser(live, phone, locale, tab):
    _, page = phone(locale=locale)
    login(page, live, "rep1")
    assert page.inner_text("#tabs [data-tab=customers]") == tab


def test_switch_language_in_settings(live, phone):
    _, page = phone(locale="en-US")
    login(page, live, "rep1")
    page.goto(f"{live.url}/#/settings")
    page.select_option("#lang", "fi")
    page.wait_for_function("document.querySelector('#tabs [data-tab=settings]').textContent === 'Asetukset'")
    page.reload()
    page.wait_for_selector("#tabs [data-tab=settings] >> text=Asetukset")


def test_expired_login_asks_again_and_keeps_the_outbox(live, phone):
    customer_id = api(live, "POST", "/api/customers", "manager", {"name": "Leipomo Kuu"}).json["id"]
    _, page = phone()
    login(page, live, "rep1")
    with live.app.app_context():  # the token is revoked on the server (e.g. by an admin)
        db.session.query(ApiToken).delete()
        db.session.commit()
    page.goto(f"{live.url}/#/customers/{customer_id}/edit")
    page.fill("input[name=city]", "Lahti")
    page.click("#customer-form button[type=submit]")
    page.click("#sync-pill")
    page.wait_for_selector("#banner[data-kind=auth]")
    page.wait_for_selector("#sync-pill[data-pending='1']", state="attached")  # counted a moment after the save
    page.click("#sync-pill")  # takes the rep to the login screen
    page.wait_for_selector("#login-form")
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    wait_synced(page)
    with live.app.app_context():
        assert eventually(lambda: db.session.get(Customer, customer_id).city == "Lahti")


def test_logout_warns_about_unsynced_changes(live, phone):
    context, page = phone()
    login(page, live, "rep1")
    new_customer_offline(live, context, page, "Unsynced Oy")
    page.goto(f"{live.url}/#/settings")
    messages = []
    page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.dismiss()))
    page.click("[data-testid=logout]")
    assert messages and "1" in messages[0]
    page.wait_for_selector("#sync-pill[data-pending='1']", state="attached")  # still logged in, nothing lost
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=logout]")
    page.wait_for_selector("#login-form")
    left = page.evaluate("""() => import('/static/js/core.js').then(async ({ app }) =>
        [(await app.store.listOps()).length, (await app.store.all('customer')).length, await app.store.getMeta('token')])""")
    assert left == [0, 0, None]


def test_rejected_change_is_shown_fixed_and_sent_again(live, phone):
    api(live, "POST", "/api/customers", "manager", {"name": "Konepaja Oy", "business_id": "0737546-2"})
    context, page = phone()
    login(page, live, "rep1")
    # the phone cannot know the Y-tunnus is taken
    new_customer_offline(live, context, page, "Konepaja Toinen", "0737546-2")
    back_online(context, page)

    page.goto(f"{live.url}/#/attention")
    item = page.locator("[data-testid=rejected]")
    item.wait_for()
    assert "Y-tunnus" in item.inner_text()  # the error names the field
    item.locator("input[name=business_id]").fill("")
    item.locator("button[data-action=resend]").click()
    wait_synced(page)
    with live.app.app_context():
        [fixed] = eventually(lambda: db.session.scalars(select(Customer).filter_by(name="Konepaja Toinen")).all())
        assert fixed.business_id is None
    page.wait_for_function("document.querySelectorAll('[data-testid=rejected]').length === 0")


def test_every_screen_fits_a_360_px_phone(live, phone):
    customer_id = api(live, "POST", "/api/customers", "manager", {
        "name": "Erittäin Pitkäniminen Leipomo- ja Kahvilaketju Oy Ab", "city": "Kauniainen",
        "email": "tilaukset.pitkanimisempi.osoite@leipomo-ja-kahvilaketju.example.fi"}).json["id"]
    _, page = phone()
    login(page, live, "rep1")
    routes = ["today", "customers", f"customers/{customer_id}", f"customers/{customer_id}/edit",
              f"customers/{customer_id}/visit", f"customers/{customer_id}/plan", "visit", "tasks", "attention", "settings"]
    for route in routes:
        page.goto(f"{live.url}/#/{route}")
        page.wait_for_timeout(100)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"#/{route} is {width} px wide"


def test_settings_show_the_calendar_link_as_webcal_and_https(live, phone):
    _, page = phone()
    login(page, live, "rep1")
    page.goto(f"{live.url}/#/settings")
    https = page.input_value("[data-testid=calendar-https]")
    assert https.startswith("http://") and https.endswith(".ics")
    assert page.get_attribute("[data-testid=webcal-link]", "href") == "webcal://" + https.split("://", 1)[1]
    assert page.locator("[data-testid=team-webcal]").count() == 0  # reps have no team feed
    with live.app.test_client() as client:
        feed = client.get(https.split(live.url, 1)[1])
        assert feed.status_code == 200 and feed.mimetype == "text/calendar"
