"""A phone whose clock lies: its own edits stand in the order its user made them (SPEC §5 `seq`)."""
from datetime import datetime, timedelta, timezone

import pytest
from e2e_support import api, eventually, last_sync, login

from server.extensions import db
from server.models import Customer

pytestmark = pytest.mark.e2e


def edit_phone_number(page, live, customer_id: str, number: str) -> None:
    page.goto(f"{live.url}/#/customers/{customer_id}/edit")
    page.fill("input[name=phone]", number)
    page.click("#customer-form button[type=submit]")
    page.wait_for_selector("[data-testid=customer-card]")


def back_online(context, page) -> None:
    """As e2e_support.back_online, but a sync counts as new when its time differs from the last
    one's: with the clock set back, a newer sync can carry an earlier time."""
    before = last_sync(page)
    context.set_offline(False)
    page.wait_for_function(
        "before => { const p = document.getElementById('sync-pill');"
        " return p && p.dataset.pending === '0' && Number(p.dataset.lastSync || 0) !== before; }", arg=before)


@pytest.mark.parametrize("synced_between", [True, False], ids=["synced-between", "one-batch"])
def test_edits_after_the_clock_is_corrected_are_not_dropped(live, phone, synced_between):
    """Issue 12 #1 in the browser: the phone's clock says 2030, then NTP corrects it (and later it
    is set three days back by hand). Each edit is newer than the last one; the server must end
    with the last, whatever the clock said when each was made."""
    customer_id = api(live, "POST", "/api/customers", "manager", {"name": "Kahvila Kello"}).json["id"]
    context, page = phone()
    now = datetime.now(timezone.utc)
    context.clock.install(time=now)  # the page's clock, set and corrected below; time still flows
    login(page, live, "rep1")

    context.set_offline(True)
    for number, clock in (("+358 40 100 2030", datetime(2030, 1, 1, tzinfo=timezone.utc)),
                          ("+358 40 200 0000", now),
                          ("+358 40 300 0003", now - timedelta(days=3))):
        page.clock.set_system_time(clock)
        edit_phone_number(page, live, customer_id, number)
        if synced_between:
            back_online(context, page)
            context.set_offline(True)
    back_online(context, page)

    def on_server():
        with live.app.app_context():
            return db.session.get(Customer, customer_id).phone
    assert eventually(lambda: on_server() == "+358 40 300 0003"), on_server()
    page.goto(f"{live.url}/#/customers/{customer_id}")
    page.wait_for_selector("[data-testid=customer-card] >> text=+358 40 300 0003")
    page.goto(f"{live.url}/#/attention")
    assert page.locator("[data-testid=conflict]").count() == 0  # a phone never conflicts with itself
