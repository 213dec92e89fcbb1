"""Exports (server/exports/): CSV for Finnish Excel and typed .xlsx read back, marketing lists, the CLI."""
import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from server.exports import export
from server.exports.write import lines_text
from server.extensions import db
from server.models import AuditEntry
from server.office.customer_list import Query
from server.operations import write_one
from server.permissions import Actor


@pytest.fixture
def book(app, users, create_record):
    """Three customers (one refuses marketing, one is archived), contacts, a visit, an order, a deleted customer."""
    ids = {
        "aalto": create_record("customer", name="Kahvila Aalto", owner_id=users.rep.id, segment="A", city="Turku",
                               notes="=HYPERLINK(\"x\")"),
        "banned": create_record("customer", name="Bistro Ei", owner_id=users.rep2.id, marketing_ban=True),
        "old": create_record("customer", name="Old Mill", archived=True),
        "gone": create_record("customer", name="Gone Oy"),
    }
    ids["maija"] = create_record("contact", customer_id=ids["aalto"], name="Maija Ääninen", email="m@aalto.fi")
    ids["pekka"] = create_record("contact", customer_id=ids["aalto"], name="Pekka", marketing_ban=True)
    ids["eino"] = create_record("contact", customer_id=ids["banned"], name="Eino")
    ids["visit"] = create_record("activity", customer_id=ids["aalto"], owner_id=users.rep.id, type="visit",
                                 title="Visit", status="done", starts_at="2026-11-20T08:15:00Z")
    ids["order"] = create_record("delivery", customer_id=ids["aalto"], status="delivered", ordered_on="2026-11-01",
                                 delivered_on="2026-11-03", total="1234.50",
                                 lines=[{"product": "Ruisleipä", "quantity": 2, "unit_price": "3.50"}])
    write_one(Actor(id=None, role="admin"), "customer", ids["gone"], "delete", {})
    return ids


def _csv(name, query=None, marketing=False):
    out = io.BytesIO()
    count = export(db.session, name, out, "csv", query, marketing, lang="en")
    raw = out.getvalue()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    table = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert len(table) == count
    return table


def test_csv_reads_back_with_semicolons_and_decimal_commas(app, users, book):
    customers = _csv("customers")
    assert [r["Name"] for r in customers] == ["Bistro Ei", "Kahvila Aalto", "Old Mill"]  # deleted never
    aalto = customers[1]
    assert aalto["Owner"] == users.rep.name and aalto["Owner id"] == users.rep.id and aalto["City"] == "Turku"
    assert aalto["Notes"] == "'=HYPERLINK(\"x\")" and aalto["No marketing"] == "0"
    [order] = _csv("orders")
    assert order["Total (€)"] == "1234,50" and order["Delivered on"] == "2026-11-03"
    assert order["Customer"] == "Kahvila Aalto" and order["Order lines"] == "2 × Ruisleipä à 3,50"
    [visit] = _csv("activities")
    assert visit["Starts"] == "2026-11-20 10:15"  # Helsinki time, UTC+2 in November
    assert visit["Owner"] == users.rep.name and visit["Customer"] == "Kahvila Aalto"
    assert sorted(r["Name"] for r in _csv("contacts")) == ["Eino", "Maija Ääninen", "Pekka"]


def test_xlsx_has_typed_cells_bold_frozen_header_and_widths(app, book):
    out = io.BytesIO()
    assert export(db.session, "deliveries", out, "xlsx", lang="en") == 1
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Id", "Customer id", "Customer"] and all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "A2" and sheet.column_dimensions["A"].width == 38
    row = dict(zip(header, sheet[2]))
    assert row["Total (€)"].value == 1234.5 and row["Total (€)"].number_format == "#,##0.00"
    assert row["Delivered on"].value == datetime(2026, 11, 3) and row["Delivered on"].is_date
    assert row["Created"].is_date and row["Wanted on"].value is None
    out = io.BytesIO()
    export(db.session, "customers", out, "xlsx", Query(q="aalto"), lang="en")
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    header = [c.value for c in sheet[1]]
    aalto = dict(zip(header, [c.value for c in sheet[2]]))
    assert sheet.max_row == 2 and aalto["Notes"] == "=HYPERLINK(\"x\")" and aalto["Archived"] is False
    assert sheet.cell(2, header.index("Notes") + 1).data_type == "s"  # text, not a formula


def test_marketing_leaves_out_the_columns_and_who_refused(app, book):
    customers = _csv("customers", marketing=True)
    assert [r["Name"] for r in customers] == ["Kahvila Aalto", "Old Mill"]
    assert "No marketing" not in customers[0] and "Do not contact" not in customers[0]
    contacts = _csv("contacts", marketing=True)
    assert [r["Name"] for r in contacts] == ["Maija Ääninen"] and "No marketing" not in contacts[0]


def test_filters_are_the_customer_lists(app, users, book):
    assert [r["Name"] for r in _csv("customers", Query())] == ["Bistro Ei", "Kahvila Aalto"]  # archived hidden
    assert [r["Name"] for r in _csv("customers", Query(owner=users.rep2.id))] == ["Bistro Ei"]
    assert [r["Name"] for r in _csv("customers", Query(segment="none", archived="1"))] == ["Old Mill"]
    assert [r["Name"] for r in _csv("contacts", Query(q="bistro"))] == ["Eino"]
    assert _csv("deliveries", Query(owner=users.rep2.id)) == []
    # Kahvila Aalto (segment A) was visited today-ish; Bistro Ei has no segment: light "none"
    assert [r["Name"] for r in _csv("customers", Query(light="none"))] == ["Bistro Ei"]


def test_lines_text():
    assert lines_text([{"product": "Pulla", "quantity": "1.5"}, {"product": "Kakku", "quantity": 1,
                                                                 "unit_price": "12"}]) == "1,5 × Pulla; 1 × Kakku à 12,00"


def test_cli_writes_the_file_and_audits(app, runner, book, tmp_path):
    path = tmp_path / "asiakkaat.xlsx"
    result = runner.invoke(args=["export", "customers", str(path), "--marketing", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Wrote 2 rows" in result.output
    sheet = load_workbook(path).active
    assert sheet.max_row == 3 and "No marketing" not in [c.value for c in sheet[1]]
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).one()
    assert entry.actor_id is None and entry.details == {"rows": 2, "format": "xlsx", "marketing": True}
    result = runner.invoke(args=["export", "orders", str(tmp_path / "orders.CSV")])
    assert result.exit_code == 0 and "Wrote 1 rows" in result.output
    assert (tmp_path / "orders.CSV").read_bytes().startswith(b"\xef\xbb\xbfId;Customer id;Customer;")


@pytest.mark.parametrize("args, message", [
    (["export", "customers", "out.json"], "must end in .csv or .xlsx"),
    (["export", "invoices", "out.csv"], "Unknown entity 'invoices'"),
])
def test_cli_bad_input_exits_1(app, runner, tmp_path, args, message):
    args[2] = str(tmp_path / args[2])
    result = runner.invoke(args=args)
    assert result.exit_code == 1 and message in result.output
    assert not (tmp_path / args[2]).exists()

