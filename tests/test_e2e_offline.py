"""The PWA in real Chromium: works offline after one visit, and offline edits reach the server."""
import pytest
from e2e_support import api, back_online, eventually, login, wait_synced
from sqlalchemy import select

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
    title = page.input_value("[data-testid=visit-form] input[name=title]")
    assert title.startswith("Kahvila Äänekoski – Jyväskylä – ")
    page.fill("[data-testid=visit-notes]", "Tilasivat uutuuskakkuja kokeiluun.")
    page.click("[data-testid=save-visit]")
    page.wait_for_selector("[data-testid=timeline-activity]")
    page.wait_for_selector("#sync-pill[data-pending='2']", state="attached")  # counted a moment after the save

    # Still offline, after a reload (and a fresh start of the app): both are there.
    page.reload()
    page.wait_for_selector("[data-testid=customer-card]")
    assert "Tilasivat uutuuskakkuja" in page.inner_text("[data-testid=timeline]")
    assert not server_rows(live, Customer, name="Kahvila Äänekoski")

    # Back online: the app syncs by itself and the server has both.
    back_online(context, page)
    [customer] = eventually(lambda: server_rows(live, Customer, name="Kahvila Äänekoski"))
    [visit] = server_rows(live, Activity, customer_id=customer.id)
    assert visit.status == "done" and visit.notes == "Tilasivat uutuuskakkuja kokeiluun."
    assert visit.owner_id == live.users["rep1"]


def test_same_field_edited_offline_on_two_phones(live, phone):
    """rep1 and rep2 change one customer's phone offline; the later edit wins, rep1 sees and restores."""
    customer_id = api(live, "POST", "/api/customers", "manager",
                      {"name": "Leipomo Kuu", "phone": "+358 40 100 0000"}).json["id"]
    ctx1, page1 = phone()
    ctx2, page2 = phone()
    login(page1, live, "rep1")
    login(page2, live, "rep2")
    for ctx in (ctx1, ctx2):
        ctx.set_offline(True)

    for page, number in ((page1, "+358 40 111 1111"), (page2, "+358 40 222 2222")):
        page.goto(f"{live.url}/#/customers/{customer_id}/edit")
        page.fill("input[name=phone]", number)
        page.click("#customer-form button[type=submit]")
        page.wait_for_selector("[data-testid=customer-card]")
        page.wait_for_timeout(50)  # rep2's edit is the later one

    for ctx, page in ((ctx2, page2), (ctx1, page1)):  # the later edit arrives first: order must not matter
        back_online(ctx, page)

    def phone_on_server():
        with live.app.app_context():
            return db.session.get(Customer, customer_id).phone
    assert phone_on_server() == "+358 40 222 2222"

    page2.goto(f"{live.url}/#/attention")
    assert page2.locator("[data-testid=conflict]").count() == 0

    page1.goto(f"{live.url}/#/attention")
    conflict = page1.locator("[data-testid=conflict]")
    conflict.wait_for()
    assert conflict.locator("[data-testid=lost]").inner_text() == "+358 40 111 1111"
    assert conflict.locator("[data-testid=kept]").inner_text() == "+358 40 222 2222"
    assert "(1)" in page1.inner_text("#tabs [data-tab=attention]")

    conflict.locator("[data-testid=restore]").click()
    wait_synced(page1)
    assert eventually(lambda: phone_on_server() == "+358 40 111 1111")
    page1.wait_for_function("document.querySelectorAll('[data-testid=conflict]').length === 0")

    # rep2 pulls the restored value.
    page2.goto(f"{live.url}/#/customers/{customer_id}")
    page2.click("#sync-pill")
    page2.wait_for_selector("[data-testid=customer-card] >> text=+358 40 111 1111")


def test_visit_logged_offline_survives_a_deleted_customer(live, phone):
    customer_id = api(live, "POST", "/api/customers", "manager", {"name": "Salonki Sointu", "city": "Oulu"}).json["id"]
    context, page = phone()
    login(page, live, "rep1")
    context.set_offline(True)

    page.goto(f"{live.url}/#/customers/{customer_id}/visit")
    page.fill("[data-testid=visit-notes]", "Haluavat näytteitä uudesta sarjasta.")
    page.click("[data-testid=save-visit]")
    page.wait_for_selector("[data-testid=timeline-activity]")

    assert api(live, "DELETE", f"/api/customers/{customer_id}", "manager").status_code == 204
    with live.app.app_context():
        assert db.session.get(Customer, customer_id).deleted

    back_online(context, page)

    with live.app.app_context():
        customer = db.session.get(Customer, customer_id)
        [visit] = db.session.scalars(select(Activity).filter_by(customer_id=customer_id)).all()
        assert not customer.deleted and not visit.deleted
        assert visit.notes == "Haluavat näytteitä uudesta sarjasta."
    page.goto(f"{live.url}/#/customers/{customer_id}")
    page.wait_for_selector("[data-testid=timeline-activity]")
    assert "Haluavat näytteitä" in page.inner_text("[data-testid=timeline]")
