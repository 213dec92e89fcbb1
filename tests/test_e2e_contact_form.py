"""Issue 17 (the card's add-contact form): the fields are checked with the server's published rules
before anything is queued, as the customer and visit forms are; the message stands beside its field."""
import pytest
from e2e_support import api, eventually, rep_at_own_customer, wait_synced

pytestmark = pytest.mark.e2e


def test_an_invalid_contact_email_is_named_beside_the_field_and_nothing_is_queued(live, phone):
    customer_id, page = rep_at_own_customer(live, phone)
    page.click("#contact-form >> xpath=.. >> summary")
    page.fill("#contact-form input[name=name]", "Aino Aalto")
    page.fill("#contact-form input[name=email]", "eiole@")
    page.click("#contact-form button[type=submit]")
    error = page.locator("#contact-form [data-error=email]")
    error.wait_for()
    page.wait_for_function("document.querySelector('#contact-form [data-error=email]').textContent !== ''")
    assert "Sähköpostiosoite ei kelpaa" in error.inner_text()
    assert page.locator("#contact-form").is_visible(), "not saved: the form stays open"
    assert page.input_value("#contact-form input[name=name]") == "Aino Aalto", "what was typed is kept"
    assert page.evaluate("document.activeElement.name") == "email"
    assert page.get_attribute("#sync-pill", "data-pending") == "0", "nothing was queued"
    assert api(live, "GET", f"/api/contacts?customer_id={customer_id}", "manager").json["items"] == []

    page.fill("#contact-form input[name=email]", "aino@aalto.fi")
    page.click("#contact-form button[type=submit]")
    wait_synced(page)
    saved = eventually(lambda: api(live, "GET", f"/api/contacts?customer_id={customer_id}", "manager").json["items"])
    assert saved and saved[0]["email"] == "aino@aalto.fi"
    assert page.locator("#contact-form [data-error=email]").inner_text() == ""
