"""The plan: the messy fixtures' rows validated, matched to duplicates (in the file and in the
database), and the three duplicate modes; nothing is written by planning."""
from pathlib import Path

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.imports import guess_mapping, plan, read_table
from server.models import Customer

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def planned(name, duplicates="skip"):
    table = read_table(name, (FIXTURES / name).read_bytes())
    return plan(table, guess_mapping(table.headers), duplicates)


def by_line(the_plan):
    return {row.line: row for row in the_plan.rows}


def test_cp1252_file_rows_validated_and_matched_within_the_file(app):
    p = planned("asiakkaat_cp1252.csv")
    rows = by_line(p)
    # lines: 2 Kahvila Lehto, 3 blank, 4 Pizzeria (quoted ;), 5 empty, 6 Sävel (broken Y-tunnus),
    # 7 KAHVILA LEHTO again (same name and city as line 2), 8 Åström (postal 100, bad e-mail)
    assert sorted(rows) == [2, 4, 6, 7, 8]
    assert rows[2].action == "create" and rows[2].customer_fields["marketing_ban"] is True
    assert rows[2].customer_fields["segment"] == "A" and rows[2].contact_fields["role"] == "Toimitusjohtaja"
    assert rows[4].action == "create" and rows[4].customer_fields["name"] == "Pizzeria Roma; Tampere"
    assert rows[4].customer_fields["segment"] == "B" and rows[4].customer_fields["marketing_ban"] is False
    assert rows[6].action == "invalid" and "Y-tunnus (business_id)" in rows[6].reason
    assert "check digit" in rows[6].reason
    # the same company again: its customer is left alone, its new contact person is still added
    assert rows[7].customer_id == rows[2].customer_id and rows[7].customer_action == "skip"
    assert rows[7].action == "create" and rows[7].contact_action == "create"
    assert rows[8].action == "invalid" and "contact.email" not in rows[8].reason
    assert "Sähköposti (email)" in rows[8].reason
    assert p.counts == {"created": 3, "updated": 0, "skipped": 0, "invalid": 2}
    assert p.records == {"customer": {"create": 2, "update": 0}, "contact": {"create": 3, "update": 0}}
    assert db.session.scalar(select(func.count()).select_from(Customer)) == 0


def test_utf8_file_against_the_database(app, create_record, users):
    existing = create_record("customer", name="Kahvila Lehto Oy", business_id="1572860-0", city="Oulu")
    create_record("contact", customer_id=existing, name="Liisa  LEHTO")
    p = planned("customers_utf8_bom.csv")
    rows = by_line(p)
    assert rows[2].action == "skip" and rows[2].customer_id == existing and rows[2].contact_action == "skip"
    assert "existing customer 'Kahvila Lehto Oy'" in rows[2].reason
    assert rows[3].action == "create" and rows[3].customer_fields["owner_id"] == users.manager.id
    assert rows[3].customer_fields["street"] == "Teollisuustie 5, halli B"
    # the second Nordic Tools row: same Y-tunnus as line 3, a second contact person
    assert rows[4].customer_id == rows[3].customer_id and rows[4].contact_action == "create"
    assert rows[6].action == "invalid"
    assert "Segment (segment)" in rows[6].reason and "Owner (owner_email)" in rows[6].reason
    assert p.counts == {"created": 2, "updated": 0, "skipped": 1, "invalid": 1}


def test_update_mode_puts_the_non_empty_cells_on_the_existing_customer(app, create_record, users):
    existing = create_record("customer", name="Kahvila Lehto Oy", business_id="1572860-0", city="Oulu",
                             phone="040 1", street="Vanha tie 1")
    create_record("contact", customer_id=existing, name="Liisa Lehto")
    rows = by_line(planned("customers_utf8_bom.csv", "update"))
    assert rows[2].action == "update" and rows[2].customer_id == existing
    assert "phone" not in rows[2].customer_fields  # blank cell: not given, the stored phone stays
    assert rows[2].customer_fields["street"] == "Kauppakatu 3"
    assert rows[2].contact_action == "update" and rows[2].contact_fields["role"] == "CEO"
    assert rows[4].action == "update" and rows[4].customer_id == rows[3].customer_id  # line 3's new customer


def test_create_mode_never_creates_a_second_y_tunnus(app, create_record, users):
    existing = create_record("customer", name="Kahvila Lehto Oy", business_id="1572860-0", city="Oulu")
    rows = by_line(planned("customers_utf8_bom.csv", "create"))
    assert rows[2].action == "invalid" and "already belongs to the existing customer" in rows[2].reason
    assert rows[4].action == "invalid" and "line 3" in rows[4].reason
    rows = by_line(planned("asiakkaat_cp1252.csv", "create"))
    assert rows[2].action == "invalid"  # same Y-tunnus as the stored one
    assert rows[7].action == "create" and rows[7].customer_id != existing  # same name and city: made anyway


def test_a_mapping_without_the_name_is_refused(app):
    table = read_table("x.csv", "Y-tunnus;Kaupunki\n1572860-0;Oulu\n".encode())
    with pytest.raises(ValueError, match="customer.name"):
        plan(table, guess_mapping(table.headers))
    with pytest.raises(ValueError, match="duplicates"):
        plan(table, {0: "customer.name"}, "merge")
