"""Office GDPR pages: a contact's personal data shown, downloaded as JSON and erased after a
confirmation; managers and admins only; CSRF; both actions in the audit log."""
import json

import pytest
import sqlalchemy as sa

from office_helpers import csrf_token, desk
from server.extensions import db
from server.models import AuditEntry
from server.models.base import utcnow

pytestmark = pytest.mark.usefixtures("own_contexts")
EMAIL = "pekka@example.com"


@pytest.fixture
def ids(create_record, users):
    customer = create_record("customer", name="Leipomo Lämpö", notes="Pekka Puupää decides on Mondays")
    contact = create_record("contact", customer_id=customer, name="Pekka Puupää", email=EMAIL, phone="050 123 4567",
                            role="Owner")
    activity = create_record("activity", customer_id=customer, contact_id=contact, owner_id=users.rep.id,
                             type="call", status="done", title="Price list", starts_at="2026-11-30T10:00:00Z")
    return {"customer": customer, "contact": contact, "activity": activity}


def _contact(client, users, ids):
    return client.get(f"/api/contacts/{ids['contact']}", headers=users.manager_h).json


def _audit(action):
    return db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)).all()


def test_reps_and_service_are_refused(app, client, users, ids):
    base = f"/office/gdpr/contacts/{ids['contact']}"
    for user in (users.rep, users.service):
        office = desk(app, user)
        for path in (base, base + "/export.json", base + "/erase"):
            assert office.get(path).status_code == 403, path
        assert office.post(base + "/erase", data={"confirm": "1"}).status_code == 403
        assert "/office/gdpr/" not in office.get(f"/office/customers/{ids['customer']}").get_data(as_text=True)
    assert _contact(client, users, ids)["email"] == EMAIL and _audit("gdpr.export") == []


def test_the_page_shows_what_is_held(app, users, ids):
    office = desk(app, users.admin)
    customer = office.get(f"/office/customers/{ids['customer']}").get_data(as_text=True)
    assert f"/office/gdpr/contacts/{ids['contact']}" in customer
    page = office.get(f"/office/gdpr/contacts/{ids['contact']}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and EMAIL in body and "Price list" in body
    assert "decides on Mondays" in body  # the customer's note naming him is listed as a mention
    assert office.get("/office/gdpr/contacts/c0a0e6f1-0000-4000-8000-00000000dead").status_code == 404


def test_download_is_a_dated_attachment_and_recorded(app, users, ids):
    response = desk(app, users.manager).get(f"/office/gdpr/contacts/{ids['contact']}/export.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    day = utcnow().date().isoformat()
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="personal-data-{ids["contact"]}-{day}.json"')
    held = json.loads(response.get_data(as_text=True))
    assert held["contact"]["email"] == EMAIL and [a["id"] for a in held["activities"]] == [ids["activity"]]
    assert [m["entity"] for m in held["mentions"]] == ["customer"]
    [entry] = _audit("gdpr.export")
    assert (entry.actor_id, entry.target_type, entry.target_id) == (users.manager.id, "contact", ids["contact"])
    assert "pekka" not in (entry.summary + json.dumps(entry.details)).casefold()


def test_erasure_asks_first_then_erases(app, client, users, ids):
    office = desk(app, users.manager)
    path = f"/office/gdpr/contacts/{ids['contact']}/erase"
    confirm = office.get(path).get_data(as_text=True)
    assert 'data-testid="confirm-erase"' in confirm and "1 activity keeps pointing" in confirm
    assert "1 text elsewhere mentions the person" in confirm
    unticked = office.post(path, data={})
    assert unticked.status_code == 422 and 'data-field="confirm"' in unticked.get_data(as_text=True)
    assert _contact(client, users, ids)["email"] == EMAIL and _audit("gdpr.erase") == []
    done = office.post(path, data={"confirm": "1"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/office/gdpr/contacts/{ids['contact']}")
    after = _contact(client, users, ids)
    assert (after["email"], after["phone"], after["role"]) == (None, None, None) and after["marketing_ban"] is True
    page = office.get(done.headers["Location"]).get_data(as_text=True)
    assert "Edit the 1 text that mentions the person by hand." in page and 'data-testid="erased"' in page
    assert EMAIL not in page
    # the customer's note naming him is still listed, by link only, for a person to edit
    left = page.split('data-testid="left-mentions"')[1].split("</section>")[0]
    assert f'/office/customers/{ids["customer"]}">Customer</a>: Notes' in left
    [entry] = _audit("gdpr.erase")
    assert entry.actor_id == users.manager.id and entry.target_id == ids["contact"]


def test_erasure_needs_the_csrf_token(app, client, users, ids):
    office = desk(app, users.manager)
    path = f"/office/gdpr/contacts/{ids['contact']}/erase"
    app.config["WTF_CSRF_ENABLED"] = True  # TestConfig turns it off; the app fixture is per test
    assert office.post(path, data={"confirm": "1"}).status_code == 400
    assert _contact(client, users, ids)["email"] == EMAIL
    assert office.post(path, data={"confirm": "1", "csrf_token": csrf_token(office, path)}).status_code == 302
    assert _contact(client, users, ids)["email"] is None
