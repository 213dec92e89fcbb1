"""The customer form says at once what the server would refuse, and sends a web address as the server stores it."""
import pytest
from e2e_support import eventually, login, wait_synced
from sqlalchemy import select

from server.extensions import db
from server.models import Customer

pytestmark = pytest.mark.e2e


def customers(live):
    with live.app.app_context():
        return db.session.scalars(select(Customer)).all()


def test_a_bad_postal_code_and_website_are_named_on_the_spot_and_a_bare_host_gets_https(live, phone):
    _, page = phone()
    login(page, live, "rep1")
    page.goto(f"{live.url}/#/customers/new")
    page.fill("input[name=name]", "Kahvila Aalto")
    page.fill("input[name=postal_code]", "ABCDE")
    page.fill("input[name=website]", "notaurl")
    page.click("#customer-form button[type=submit]")
    # The rules are checked a moment after the tap (they come from IndexedDB): wait for the words.
    page.wait_for_selector("[data-error=postal_code]:not(:empty)")
    page.wait_for_selector("[data-error=website]:not(:empty)")
    assert page.get_attribute("#sync-pill", "data-pending") in (None, "0")  # nothing queued
    page.fill("input[name=postal_code]", "33100")
    page.fill("input[name=website]", "www.aalto.fi")
    page.click("#customer-form button[type=submit]")
    page.wait_for_selector("[data-testid=customer-card]")
    wait_synced(page)
    [customer] = eventually(lambda: customers(live))
    assert (customer.postal_code, customer.website) == ("33100", "https://www.aalto.fi")
