"""/office/exports: the form, downloads with the customer list's filters, audit, bad input, roles, CSRF."""
import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from office_helpers import csrf_token, desk
from server.extensions import db
from server.models import AuditEntry
from server.office.task_forms import today_local

pytestmark = pytest.mark.usefixtures("own_contexts")


@pytest.fixture
def book(app, users, create_record):
    aalto = create_record("customer", name="Kahvila Aalto", owner_id=users.rep.id, segment="A")
    banned = create_record("customer", name="Bistro Ei", owner_id=users.rep2.id, do_not_contact=True)
    create_record("customer", name="Old Mill", archived=True)
    create_record("contact", customer_id=aalto, name="Maija")
    create_record("contact", customer_id=banned, name="Eino")
    create_record("delivery", customer_id=aalto, status="ordered", total="10.00")
    return {"aalto": aalto, "banned": banned}


def _table(response) -> list:
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"), newline=""), delimiter=";"))


def _post(client, data):
    """POST the export form and close the response (it streams a temporary file, as in production)."""
    response = client.post("/office/exports", data=data)
    response.get_data()
    response.close()
    return response


def test_csv_download_with_filters_and_audit(app, users, book):
    manager = desk(app, users.manager)
    response = _post(manager, {"entity": "customers", "format": "csv", "owner": users.rep.id})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == \
        f"attachment; filename=kentta-customers-{today_local().isoformat()}.csv"
    assert response.mimetype == "text/csv"
    assert [r["Name"] for r in _table(response)] == ["Kahvila Aalto"]
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).one()
    assert entry.actor_id == users.manager.id and entry.target_type == "customer"
    assert entry.details == {"rows": 1, "format": "csv", "marketing": False, "filters": {"owner": users.rep.id}}
    assert "Exported 1 customer rows to csv" in entry.summary


def test_xlsx_of_orders_and_a_marketing_list_of_contacts(app, users, book):
    manager = desk(app, users.manager)
    response = _post(manager, {"entity": "orders", "format": "xlsx"})
    assert response.headers["Content-Disposition"].endswith(f"kentta-deliveries-{today_local().isoformat()}.xlsx")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    assert sheet.max_row == 2 and [c.value for c in sheet[1]][2] == "Customer"
    response = _post(manager, {"entity": "contacts", "format": "csv", "marketing": "1"})
    assert "marketing" in response.headers["Content-Disposition"]
    rows = _table(response)
    assert [r["Name"] for r in rows] == ["Maija"] and "No marketing" not in rows[0]  # Eino's customer said no
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.details["marketing"] is True and "(marketing)" in entry.summary


def test_the_customer_lists_link_carries_its_filters(app, users, book):
    manager = desk(app, users.manager)
    page = manager.get(f"/office/customers?segment=A&owner={users.rep.id}").get_data(as_text=True)
    assert f'href="/office/exports?entity=customers&amp;segment=A&amp;owner={users.rep.id}"' in page
    form = manager.get(f"/office/exports?entity=customers&segment=A&owner={users.rep.id}").get_data(as_text=True)
    assert '<option value="A" selected>' in form and f'<option value="{users.rep.id}" selected>' in form
    assert "Export these" not in desk(app, users.service).get("/office/customers").get_data(as_text=True)


@pytest.mark.parametrize("data, message", [
    ({"entity": "invoices", "format": "csv"}, "Entity: use one of customers, contacts, activities, deliveries."),
    ({"entity": "customers", "format": "pdf"}, "Format: use one of csv, xlsx."),
    ({"entity": "customers", "format": "csv", "stage_month": "2026-13"}, "The parameter &#39;stage_month&#39;"),
    ({"entity": "customers", "format": "csv", "owner": "bob"}, "The parameter &#39;owner&#39;"),
])
def test_bad_input_is_named_and_kept(app, users, book, data, message):
    response = _post(desk(app, users.manager), {**data, "q": "aalto", "marketing": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and message in page
    assert 'name="q" value="aalto"' in page and 'name="marketing" value="1" checked' in page
    assert db.session.scalars(select(AuditEntry)).first() is None


@pytest.mark.parametrize("who", ["rep", "service"])
def test_reps_and_service_may_not(app, users, book, who):
    client = desk(app, getattr(users, who))
    assert client.get("/office/exports").status_code == 403
    assert _post(client, {"entity": "customers", "format": "csv"}).status_code == 403


def test_the_download_needs_the_csrf_token(app, users, book, csrf_on):
    manager = desk(app, users.manager)
    data = {"entity": "customers", "format": "csv"}
    assert _post(manager, data).status_code == 400
    token = csrf_token(manager, "/office/exports")
    assert _post(manager, {**data, "csrf_token": token}).status_code == 200
