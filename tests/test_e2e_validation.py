"""Issue 17 item 5 in Chromium: the form checks every field with the server's published rules before
it saves, and a field the server still refuses never holds back the valid ones saved with it."""
import pytest
from e2e_support import api, eventually, rep_at_own_customer, wait_synced

pytestmark = pytest.mark.e2e

PHONE = "+358 40 765 4321"


def customer(live, customer_id) -> dict:
    return api(live, "GET", f"/api/customers/{customer_id}", "manager").json


def test_an_invalid_email_is_refused_in_finnish_and_the_phone_is_kept(live, phone):
    customer_id, page = rep_at_own_customer(live, phone, "/edit")
    page.fill("input[name=phone]", PHONE)
    page.fill("input[name=email]", "eiole@")
    page.click("#customer-form button[type=submit]")
    error = page.locator("[data-error=email]")
    error.wait_for()
    assert "Sähköpostiosoite ei kelpaa" in error.inner_text()
    assert page.locator("#customer-form").is_visible(), "not saved: the form stays open"
    assert "Tallennettu" not in (page.text_content("#toast") or "")
    assert page.input_value("input[name=phone]") == PHONE
    assert page.evaluate("document.activeElement.name") == "email"
    assert page.get_attribute("#sync-pill", "data-pending") == "0", "nothing was queued"

    page.fill("input[name=email]", "myynti@aalto.fi")
    page.click("#customer-form button[type=submit]")
    page.wait_for_selector("[data-testid=customer-card]")
    wait_synced(page)
    saved = eventually(lambda: (c := customer(live, customer_id))["phone"] == PHONE and c)
    assert saved and saved["email"] == "myynti@aalto.fi"


def test_a_field_the_server_refuses_does_not_hold_back_the_phone(live, phone):
    api(live, "POST", "/api/customers", "manager", {"name": "Leipomo Kivi", "business_id": "0112038-9"})
    customer_id, page = rep_at_own_customer(live, phone, "/edit", name="Salonki Sointu")
    page.fill("input[name=business_id]", "0112038-9")  # valid in itself: only the server knows it is taken
    page.fill("input[name=phone]", PHONE)
    page.click("#customer-form button[type=submit]")
    page.wait_for_selector("[data-testid=customer-card]")
    saved = eventually(lambda: customer(live, customer_id)["phone"] == PHONE, timeout=15)
    assert saved, "the phone reached the server although the Y-tunnus was refused"
    assert customer(live, customer_id)["business_id"] is None
    wait_synced(page)
    page.goto(f"{live.url}/#/attention")
    rejected = page.locator("[data-testid=rejected]")
    rejected.wait_for()
    assert rejected.locator("input[name=business_id]").input_value() == "0112038-9", "the refused value is there to review"
    assert rejected.locator("input[name=phone]").count() == 0, "the phone is not waiting for anything"
    assert " ".join(rejected.locator("[data-testid=others-sent]").inner_text().split()) == "Muut kentät lähetettiin: Puhelin"
