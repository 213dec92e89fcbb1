"""The PWA in real Chromium: a phone whose cursor is older than pruned tombstones gets 410 on pull,
resyncs from cursor 0 and keeps its outbox (issue 16 item 6)."""
import pytest
from e2e_support import api, back_online, eventually, login

from server.extensions import db
from server.maintenance.prune import prune
from server.models import Customer
from server.sync.pull import pruned_horizon

pytestmark = pytest.mark.e2e

# Every note the app shows, in order: the toast hides itself again after a few seconds.
RECORD_NOTES = """() => {
  window.notes = [];
  const toast = document.getElementById("toast");
  new MutationObserver(() => { if (!toast.hidden) window.notes.push(toast.textContent); })
    .observe(toast, { attributes: true, childList: true, characterData: true, subtree: true });
}"""


def test_a_phone_behind_the_pruned_horizon_resyncs_and_keeps_its_offline_edit(live, phone):
    kept = api(live, "POST", "/api/customers", "manager", {"name": "Pysyvä Oy", "city": "Oulu"}).json["id"]
    doomed = api(live, "POST", "/api/customers", "manager", {"name": "Poistuva Oy", "city": "Kemi"}).json["id"]
    context, page = phone()
    login(page, live, "rep1")
    cursor = page.evaluate("""() => new Promise((resolve) => {
      indexedDB.open("kentta").onsuccess = (e) => {
        const meta = e.target.result.transaction("meta").objectStore("meta");
        meta.get("cursor").onsuccess = (r) => resolve(r.target.result);
      };
    })""")
    page.goto(f"{live.url}/#/customers")
    page.wait_for_selector("text=Poistuva Oy")

    context.set_offline(True)
    page.goto(f"{live.url}/#/customers/{kept}/edit")
    page.fill("input[name=phone]", "+358 40 123 4567")
    page.click("#customer-form button[type=submit]")
    page.wait_for_selector("[data-testid=customer-card]")
    page.wait_for_selector("#sync-pill[data-pending='1']", state="attached")  # counted a moment after the save

    # Meanwhile the office deletes a customer and the server prunes its tombstone at once.
    assert api(live, "DELETE", f"/api/customers/{doomed}", "manager").status_code == 204
    with live.app.app_context():
        counts = prune(db.session, {"LEDGER_RETENTION_DAYS": 90, "REJECTED_RETENTION_DAYS": 180,
                                    "TOMBSTONE_RETENTION_DAYS": 0})
        assert counts["tombstones"]["customer"] == 1 and db.session.get(Customer, doomed) is None
        assert pruned_horizon(db.session) > cursor  # the phone has not seen the delete
        db.session.remove()

    page.evaluate(RECORD_NOTES)
    back_online(context, page)  # push the edit; pull answers 410; the app pulls everything from 0

    def phone_on_server():
        with live.app.app_context():
            return db.session.get(Customer, kept).phone
    assert eventually(lambda: phone_on_server() == "+358 40 123 4567")
    assert page.evaluate("window.notes") == ["Kaikki tiedot ladattiin palvelimelta uudelleen. "
                                             "Lähettämättömät muutokset säilyivät."]
    page.goto(f"{live.url}/#/customers")
    page.wait_for_selector("text=Pysyvä Oy")
    assert page.locator("text=Poistuva Oy").count() == 0  # the pruned delete reached the phone after all
    page.goto(f"{live.url}/#/customers/{kept}")
    page.wait_for_selector("[data-testid=customer-card] >> text=+358 40 123 4567")
