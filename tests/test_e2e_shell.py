"""The app's frame at 360x740 in Finnish (issue 17 items 1, 3, 4, 10, 11): the tab bar and pill when
logged out, the pill's words, Settings telling the same sync state as the pill, the header after a
language switch, scroll on a new screen, the toast beside a new row, the tab bar with a badge."""
import pytest
from e2e_support import PASSWORD, api, back_online, last_sync, login, new_customer_offline

pytestmark = pytest.mark.e2e

BOX = "sel => { const r = document.querySelector(sel).getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }"


def overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_login_screen_has_no_tab_bar_and_no_pill(live, phone):
    _, page = phone()
    page.goto(live.url + "/")
    page.wait_for_selector("#login-form")
    assert not page.locator("#tabs").is_visible()
    assert not page.locator("#sync-pill").is_visible()


def test_pill_before_the_first_sync_says_so_in_plain_finnish(live, phone):
    _, page = phone()
    page.route("**/api/sync/**", lambda route: route.abort())  # the first sync cannot finish
    page.goto(live.url + "/")
    page.fill("input[name=email]", "rep1@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("[data-testid=today-visits]")
    page.wait_for_function("['offline', 'error'].includes(document.getElementById('sync-pill').dataset.status)")
    assert page.inner_text("#sync-pill") == "Ei vielä synkronoitu"


def test_settings_tell_a_change_waits_offline_and_agree_with_the_pill(live, phone):
    context, page = phone()
    login(page, live, "rep1")
    new_customer_offline(live, context, page, "Odottava Oy")
    page.goto(f"{live.url}/#/settings")
    assert page.inner_text("[data-testid=sync-status]") == "odottaa lähetystä (1)"
    assert page.inner_text("[data-testid=pending-count]") == "1"

    back_online(context, page)
    assert page.inner_text("[data-testid=sync-status]") == "ajan tasalla"
    # Sync now (the button keeps the focus): when the pill says synced, Settings says so at that moment.
    since = last_sync(page)
    page.click("[data-testid=sync-now]")
    status = page.wait_for_function(
        "since => Number(document.getElementById('sync-pill').dataset.lastSync || 0) > since"
        " && document.querySelector('[data-testid=sync-status]').textContent", arg=since).json_value()
    assert status == "ajan tasalla"


def test_language_switch_redraws_the_header_title(live, phone):
    _, page = phone()
    login(page, live, "rep1")
    page.goto(f"{live.url}/#/settings")
    assert page.inner_text("#title") == "Asetukset"
    page.select_option("#lang", "en")
    page.wait_for_function("document.querySelector('#tabs [data-tab=settings]').textContent === 'Settings'")
    assert page.inner_text("#title") == "Settings"
    assert page.title().startswith("Settings")
    assert page.inner_text("[data-testid=sync-now]") == "Sync now"


def test_a_new_screen_opens_at_the_top_and_back_returns_to_the_place(live, phone):
    for n in range(40):
        api(live, "POST", "/api/customers", "manager", {"name": f"Asiakas {n:02d}", "owner_id": live.users["rep1"]})
    _, page = phone()
    login(page, live, "rep1")
    page.goto(f"{live.url}/#/customers")
    page.wait_for_selector("[data-testid=customer-row] >> text=Asiakas 39")
    page.evaluate("window.scrollTo(0, 1200)")
    page.wait_for_function("window.scrollY >= 1000")
    row = page.locator("[data-testid=customer-row]").nth(30)
    row.scroll_into_view_if_needed()
    scrolled = page.evaluate("window.scrollY")
    row.click()
    page.wait_for_selector("[data-testid=customer-card]")
    assert page.evaluate("window.scrollY") == 0
    page.go_back()
    page.wait_for_selector("[data-testid=customer-row] >> text=Asiakas 39")
    assert page.evaluate("window.scrollY") == scrolled


def test_toast_after_a_saved_visit_covers_neither_the_new_row_nor_the_content(live, phone):
    customer_id = api(live, "POST", "/api/customers", "manager", {
        "name": "Kahvila Aalto", "city": "Tampere", "phone": "+358 40 123 4567", "owner_id": live.users["rep1"]}).json["id"]
    api(live, "POST", "/api/contacts", "manager", {"customer_id": customer_id, "name": "Aino Aalto", "phone": "+358 40 1"})
    _, page = phone()
    login(page, live, "rep1")
    page.goto(f"{live.url}/#/customers/{customer_id}/visit")
    page.fill("[data-testid=visit-notes]", "Uusi käynti.")
    page.click("[data-testid=save-visit]")
    page.wait_for_selector("[data-testid=timeline-activity]")
    page.wait_for_selector("#toast:not([hidden])")
    toast = page.evaluate(BOX, "#toast")
    assert not overlaps(toast, page.evaluate(BOX, "[data-testid=timeline-activity]"))
    # Wherever a new row lands (the end of a list, often just above the tab bar), the toast is not over
    # the screen's content at all: it sits on the header.
    assert toast[3] <= page.evaluate(BOX, "header.top")[3]


def test_attention_badge_keeps_the_tab_bar_one_line_high(live, phone):
    api(live, "POST", "/api/customers", "manager", {"name": "Konepaja Oy", "business_id": "0737546-2"})
    context, page = phone()
    login(page, live, "rep1")
    before = page.evaluate(BOX, "#tabs")
    # the phone cannot know the Y-tunnus is taken: the server rejects it
    new_customer_offline(live, context, page, "Konepaja Toinen", "0737546-2")
    back_online(context, page)
    page.wait_for_selector("#tabs [data-tab=attention] .count")
    assert page.inner_text("#tabs [data-tab=attention] .count").strip("() \n") == "1"
    assert page.evaluate(BOX, "#tabs") == before
    label = page.evaluate("""() => { const a = document.querySelector('#tabs [data-tab=attention]');
        return [a.scrollWidth <= a.clientWidth, a.getBoundingClientRect().height]; }""")
    assert label == [True, 52]
