"""Issue 17 item 12 in Chromium: the visit's customer picker and the Customers search say what the
list is (own customers first, labelled; "N osumaa"; "refine your search" when capped at 30 of N),
and a row found by a contact's name (or Y-tunnus, phone) says so with the matched part marked."""
import pytest
from e2e_support import api, login

pytestmark = pytest.mark.e2e


def seed(live):
    rep = live.users["rep1"]
    for n in range(33):  # more than the picker's 30, none of them the rep's
        api(live, "POST", "/api/customers", "manager", {"name": f"Asiakas {n:02d}", "city": "Oulu"})
    api(live, "POST", "/api/customers", "manager", {"name": "Zeta Oma", "city": "Tampere", "owner_id": rep})
    kivi = api(live, "POST", "/api/customers", "manager", {"name": "Leipomo Kivi", "city": "Lahti",
                                                          "phone": "+358 40 765 4321"}).json["id"]
    api(live, "POST", "/api/contacts", "manager", {"customer_id": kivi, "name": "Matti Virtanen"})


def test_the_picker_says_own_first_counts_matches_and_why_a_row_matched(live, phone):
    seed(live)
    _, page = phone()
    login(page, live, "rep1")
    page.click("[data-testid=log-visit]")
    page.wait_for_selector("#pick-results [data-testid=customer-row]")
    assert page.inner_text("[data-testid=pick-head]") == "Omat asiakkaat ensin"
    rows = page.locator("#pick-results [data-testid=customer-row]")
    assert "Zeta Oma" in rows.first.inner_text(), "the rep's own customer first, though last by name"
    heads = page.locator("#pick-results .section-head").all_inner_texts()
    assert [h.strip().lower() for h in heads] == ["omat", "muut"]
    assert rows.count() == 30
    assert page.inner_text("[data-testid=pick-refine]") == "Tarkenna hakua — näytetään 30 / 35"

    page.fill("[data-testid=pick-search]", "virtanen")
    page.wait_for_function("document.querySelector('[data-testid=pick-head]').textContent === '1 osuma'")
    assert page.is_hidden("[data-testid=pick-refine]")
    row = rows.first
    assert "Leipomo Kivi" in row.inner_text()
    assert row.locator("[data-testid=match-reason]").inner_text() == "Yhteyshenkilö: Matti Virtanen"
    assert row.locator("[data-testid=match-reason] mark").inner_text() == "Virtanen"
    assert row.get_attribute("href").endswith("/visit"), "a tap opens the visit form"

    page.fill("[data-testid=pick-search]", "asiakas")
    page.wait_for_function("document.querySelector('[data-testid=pick-head]').textContent === '33 osumaa'")
    assert page.inner_text("[data-testid=pick-refine]") == "Tarkenna hakua — näytetään 30 / 33"
    assert rows.first.locator("strong mark").inner_text() == "Asiakas"
    assert rows.first.locator("[data-testid=match-reason]").count() == 0, "the name explains it"

    page.fill("[data-testid=pick-search]", "040 765")  # the phone as a Finn types it
    page.wait_for_function("document.querySelector('[data-testid=pick-head]').textContent === '1 osuma'")
    assert rows.first.locator("[data-testid=match-reason]").inner_text() == "Puhelin: +358 40 765 4321"


def test_customers_search_counts_matches_and_shows_why_in_english(live, phone):
    seed(live)
    _, page = phone(locale="en-GB")
    login(page, live, "rep1")
    page.goto(f"{live.url}/#/customers")
    page.wait_for_selector("[data-testid=customer-row]")
    assert page.inner_text("[data-testid=result-count]") == "35 customers"
    assert page.is_hidden("[data-testid=refine]")
    page.fill("[data-testid=customer-search]", "matti")
    page.wait_for_function("document.querySelector('[data-testid=result-count]').textContent === '1 match'")
    reason = page.locator("[data-testid=customer-results] [data-testid=match-reason]")
    assert reason.inner_text() == "Contact: Matti Virtanen"
    assert reason.locator("mark").inner_text() == "Matti"
    page.fill("[data-testid=customer-search]", "o")
    page.wait_for_function("document.querySelector('[data-testid=result-count]').textContent === '35 matches'")
    assert page.is_hidden("[data-testid=refine]")  # 35 rows fit the 50 the screen shows
