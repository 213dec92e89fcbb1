"""The PWA in real Chromium: works offline after one visit, and offline edits reach the server."""
import pytest
from sqlalchemy import select

from e2e_support import (api, browser_type_launch_args, eventually, live, live_session, login,  # noqa: F401
                         new_id, phone, wait_synced)
from server.extensions import db
from server.models import Activity, Customer

pytestmark = pytest.mark.e2e


def server_rows(live, model, **where):
    with live.app.app_context():
        return db.session.scalars(select(model).filter_by(**where)).all()


def test_offline_create_customer_and_log_visit_then_sync(live, phone):
    context, page = phone()
    login(page, live, "rep1")

    context.set_offline(True)
    page.reload()
    page.wait_for_selector("[data-testid=today-visits]")
    assert page.locator("#banner").is_visible()

    # A new customer, offline.
    page.goto(live.url + "/#/customers/new")
    page.fill("input[name=name]", "Kahvila Äänekoski")
    page.fill("input[name=city]", "Jyväskylä")
    page.click("#customer-form button[type=submit]")
    page.wait_for_selector("[data-testid=customer-card]")
    assert "Kahvila Äänekoski" in page.inner_text("[data-testid=customer-card]")

    # Log a visit from the card: Log visit, notes, Save.
    page.click("[data-testid=card-log-visit]")
    title = page.input_value("input[name=title]")
    assert title.startswith("Kahvila Äänekoski – Jyväskylä – ")
    page.fill("[data-testid=visit-notes]", "Tilasivat uutuuskakkuja kokeiluun.")
    page.click("[data-testid=save-visit]")
    page.wait_for_selector("[data-testid=timeline-activity]")
    assert page.get_attribute("#sync-pill", "data-pending") == "2"

    # Still offline, after a reload (and a fresh start of the app): both are there.
    page.reload()
    page.wait_for_selector("[data-testid=customer-card]")
    assert "Tilasivat uutuuskakkuja" in page.inner_text("[data-testid=timeline]")
    assert not server_rows(live, Customer, name="Kahvila Äänekoski")

    # Back online: the app syncs by itself and the server has both.
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_synced(page)
    [customer] = eventually(lambda: server_rows(live, Customer, name="Kahvila Äänekoski"))
    [visit] = server_rows(live, Activity, customer_id=customer.id)
    assert visit.status == "done" and visit.notes == "Tilasivat uutuuskakkuja kokeiluun."
    assert visit.owner_id == live.users["rep1"]
