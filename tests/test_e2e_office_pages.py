"""Every back-office page in Chromium at 1280x800 on the demo data, in Finnish and in English, with the
CSP enforced: each opens without a console error, shows its heading, and is saved as a screenshot
(screenshots/office/, or KENTTA_SCREENSHOTS) for a person to look at."""
import re
import uuid

import pytest
from e2e_support import SHOTS, api
from sqlalchemy import func, select

from server.demo import load_demo
from server.extensions import db
from server.models import Activity, Contact, Customer, Delivery, QuarantinedOp

pytestmark = pytest.mark.e2e


def push(live, who, ops):
    r = api(live, "POST", "/api/sync/push", who, {"client_id": f"phone-{who}", "ops": ops})
    assert r.status_code == 200, r.json
    return r.json["results"]


def op(entity, record_id, fields, base_version, edited_at, seq):
    return {"op_id": str(uuid.uuid4()), "entity": entity, "id": record_id, "type": "put", "seq": seq,
            "base_version": base_version, "fields": fields, "edited_at": edited_at}


@pytest.fixture
def demo(live):
    """The demo data, plus a conflict and a rejected op for the review page; returns ids to open."""
    with live.app.app_context():
        load_demo(progress=lambda _msg: None)
        busiest = db.session.execute(select(Activity.customer_id).group_by(Activity.customer_id)
                                     .order_by(func.count().desc()).limit(1)).scalar()
        version = db.session.get(Customer, busiest).version
        order = db.session.scalars(select(Delivery).where(Delivery.status == "ordered").limit(1)).first().id
        contact = db.session.scalars(select(Contact.id).where(Contact.customer_id == busiest).limit(1)).first()
    push(live, "rep1", [op("customer", busiest, {"notes": "Ovikoodi 1234, lastauslaituri takana."}, version,
                           "2026-12-01T08:00:00Z", 1)])
    [lost] = push(live, "rep2", [op("customer", busiest, {"notes": "Soita ennen käyntiä."}, version,
                                    "2026-11-30T08:00:00Z", 1)])
    assert lost["status"] == "conflict"
    [bad] = push(live, "rep1", [op("activity", str(uuid.uuid4()), {"customer_id": busiest, "type": "lunch",
                                                                  "title": "Lounas", "status": "done"},
                                   0, "2026-12-02T11:00:00Z", 2)])
    assert bad["status"] == "rejected"
    with live.app.app_context():
        rejected = db.session.scalars(select(QuarantinedOp.id)).first()
    return {"customer": busiest, "order": order, "rejected": rejected, "contact": contact, "rep1": live.users["rep1"]}


PAGES = [
    ("dashboard", "/office/dashboard"),
    ("customers", "/office/customers"),
    ("customers-red-A", "/office/customers?segment=A&light=red"),
    ("customer", "/office/customers/{customer}"),
    ("customer-edit", "/office/customers/{customer}/edit"),
    ("customer-new", "/office/customers/new"),
    ("handover", "/office/customers/handover"),
    ("visits", "/office/visits"),
    ("tasks", "/office/tasks"),
    ("tasks-overdue", "/office/tasks?status=overdue"),
    ("task-new", "/office/tasks/new?customer_id={customer}"),
    ("orders", "/office/orders"),
    ("order", "/office/orders/{order}"),
    ("order-new", "/office/orders/new?customer_id={customer}"),
    ("production", "/office/production"),
    ("quality", "/office/quality"),
    ("review", "/office/review"),
    ("review-fix", "/office/review/rejected/{rejected}"),
    ("reminders", "/office/reminders"),
    ("settings", "/office/settings"),
    ("abc", "/office/abc"),
    ("imports", "/office/imports"),
    ("exports", "/office/exports"),
    ("gdpr", "/office/gdpr/contacts/{contact}"),
    ("gdpr-erase", "/office/gdpr/contacts/{contact}/erase"),
    ("audit", "/office/audit"),
    ("calendar", "/office/"),
]


ADMIN_PAGES = [("users", "/office/users"), ("user", "/office/users/{rep1}")]


def test_every_page_opens_in_both_languages_and_is_photographed(live, demo, desk):
    SHOTS.mkdir(parents=True, exist_ok=True)
    headings = {}
    for locale in ("fi-FI", "en-GB"):
        lang = locale[:2]
        manager = desk("manager", locale=locale)
        for name, path in PAGES:
            response = manager.goto(live.url + path.format(**demo))
            assert response.status == 200, (path, response.status)
            assert manager.locator("html").get_attribute("lang") == lang
            headings[lang, name] = manager.inner_text("main h1").strip()
            manager.screenshot(path=str(SHOTS / f"{lang}-{name}.png"))
        admin = desk("admin", locale=locale)
        for name, path in ADMIN_PAGES:
            assert admin.goto(live.url + path.format(**demo)).status == 200, path
            headings[lang, name] = admin.inner_text("main h1").strip()
            admin.screenshot(path=str(SHOTS / f"{lang}-{name}.png"))
        rep = desk("rep1", locale=locale)
        assert rep.goto(live.url + "/office/dashboard").status == 403
        rep.screenshot(path=str(SHOTS / f"{lang}-rep-403.png"))
        assert rep.goto(live.url + "/office/").status == 200
        rep.screenshot(path=str(SHOTS / f"{lang}-rep-calendar.png"))
    # The production list of the demo's coming week prints on one A4 page (Chromium's own PDF printer).
    manager.goto(live.url + "/office/production?days=7")
    pdf = manager.pdf(format="A4", prefer_css_page_size=True)
    (SHOTS / "production.pdf").write_bytes(pdf)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    # Every page speaks both languages: its Finnish heading is not the English one (a user's page is
    # headed by their name alone).
    untranslated = [name for name, _path in PAGES + ADMIN_PAGES if name != "user" and headings["fi", name] == headings["en", name]]
    assert untranslated == [], {name: headings["fi", name] for name in untranslated}
