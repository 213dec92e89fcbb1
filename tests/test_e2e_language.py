"""The Finnish app speaks Finnish (issue 17 items 2, 6, 7, 8, 9): the server's and the browser's English
messages, plurals, money and dates, and the Y-tunnus example, as a rep sees them at 360×740."""
import re

import pytest
from e2e_support import api, login, wait_synced

pytestmark = pytest.mark.e2e


def text(page, selector) -> str:
    return page.inner_text(selector).replace("\u00a0", " ").replace("\u202f", " ")


def test_a_wrong_password_is_told_in_finnish(live, phone):
    _, page = phone()
    page.goto(live.url + "/")
    page.fill("input[name=email]", "rep1@example.com")
    page.fill("input[name=password]", "väärä-salasana")
    page.click("#login-form button[type=submit]")
    page.wait_for_function("document.getElementById('login-error').textContent !== ''")
    assert page.inner_text("#login-error") == "Väärä sähköposti tai salasana."


def test_settings_offline_says_no_connection_in_finnish(live, phone):
    context, page = phone()
    login(page, live, "rep1")
    page.goto(f"{live.url}/#/settings")
    context.set_offline(True)
    page.click("[data-testid=sync-now]")
    page.wait_for_function("document.getElementById('sync-pill').dataset.status === 'offline'")
    page.goto(f"{live.url}/#/today")  # Settings opened again: the failed sync's reason is drawn
    page.goto(f"{live.url}/#/settings")
    page.wait_for_selector("[data-testid=sync-state] .error")
    message = page.inner_text("[data-testid=sync-state] .error")
    assert message.startswith("Ei yhteyttä palvelimeen"), message
    assert "fetch" not in message.lower()


def test_a_rejected_change_shows_the_servers_reason_in_finnish(live, phone):
    customer_id = api(live, "POST", "/api/customers", "manager",
                      {"name": "Kahvila Aalto", "city": "Tampere", "owner_id": live.users["rep1"]}).json["id"]
    _, page = phone()
    login(page, live, "rep1")
    # Past the form's own checks, the way an older app version or a changed rule would send it.
    page.evaluate("""id => import('/static/js/core.js').then(({ app }) =>
        app.put('customer', id, { email: 'eiole@' }))""", customer_id)
    page.goto(f"{live.url}/#/attention")
    page.wait_for_selector("[data-testid=rejected] .error")
    reasons = page.inner_text("[data-testid=rejected]")
    assert "Virheellinen sähköpostiosoite." in reasons
    assert "Not a valid" not in reasons


def test_one_customer_is_1_asiakas(live, phone):
    api(live, "POST", "/api/customers", "manager", {"name": "Kahvila Aalto", "city": "Tampere",
                                                    "owner_id": live.users["rep1"]})
    _, page = phone()
    login(page, live, "rep1")
    page.goto(f"{live.url}/#/customers")
    page.wait_for_selector("[data-testid=customer-row]")
    assert page.inner_text("[data-testid=result-count]") == "1 asiakas"


def test_money_and_dates_on_the_card_are_finnish(live, phone):
    customer_id = api(live, "POST", "/api/customers", "manager", {"name": "Kahvila Aalto", "city": "Tampere",
                                                                  "owner_id": live.users["rep1"]}).json["id"]
    made = api(live, "POST", "/api/deliveries", "manager", {
        "customer_id": customer_id, "order_no": "T-7", "status": "delivered", "delivered_on": "2026-12-06",
        "lines": [{"product": "Juustokakku", "quantity": 1, "unit_price": "995.00"}], "total": "995.00"})
    assert made.status_code == 201, made.json
    _, page = phone()
    login(page, live, "rep1")
    page.goto(f"{live.url}/#/customers/{customer_id}")
    page.wait_for_selector("[data-testid=timeline] >> text=T-7")
    timeline = text(page, "[data-testid=timeline]")
    assert "995,00 €" in timeline and "995.00" not in timeline
    assert "su 6.12.2026" in timeline


def test_the_form_tells_do_not_contact_apart_and_gives_a_valid_y_tunnus_example(live, phone):
    _, page = phone()
    login(page, live, "rep1")
    page.goto(f"{live.url}/#/customers/new")
    page.wait_for_selector("#customer-form")
    assert page.get_attribute("input[name=business_id]", "placeholder") == "0112038-9"
    form = page.inner_text("#customer-form")
    assert "Ei saa ottaa yhteyttä" in form and "Ei yhteydenottoja" not in form
    valid = page.evaluate("""() => import('/static/js/domain.js').then(({ validBusinessId }) =>
        validBusinessId(document.querySelector('input[name=business_id]').placeholder))""")
    assert valid


def test_today_says_no_contact_logged_in_other_words(live, phone):
    api(live, "POST", "/api/customers", "manager", {"name": "Kahvila Aalto", "city": "Tampere", "segment": "A",
                                                    "owner_id": live.users["rep1"]})
    api(live, "PUT", "/api/service-levels/A", "manager", {"visit_interval_days": 30})
    _, page = phone()
    login(page, live, "rep1")
    wait_synced(page)
    page.goto(f"{live.url}/#/today")
    page.wait_for_selector("text=Kahvila Aalto")
    today = page.inner_text("#view")
    assert re.search("ei kirjattuja yhteydenottoja", today, re.I), today
