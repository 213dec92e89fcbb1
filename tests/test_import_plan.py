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


def test_cells_as_people_write_them(app):
    headers = ["Nimi", "Y-tunnus", "Tyyppi", "Vaihe", "Maa", "Postinumero", "Markkinointikielto", "Ei yhteydenottoja"]
    table = read_table("x.csv", ("\n".join([";".join(headers),
                                            "A Oy;FI07375462;Jälleenmyyjä;aktiivinen;Suomi;100;KYLLÄ;x",
                                            "B Oy;1572860 0;prospect;Lead;se;123 45;ei;0",
                                            "C Oy;;asiakas;uusi;;;ehkä;"]) + "\n").encode())
    rows = plan(table, guess_mapping(table.headers)).rows
    assert rows[0].customer_fields == {"name": "A Oy", "business_id": "0737546-2", "kind": "reseller",
                                       "stage": "active", "country": "FI", "postal_code": "00100",
                                       "marketing_ban": True, "do_not_contact": True}
    assert rows[1].customer_fields["business_id"] == "1572860-0" and rows[1].customer_fields["country"] == "SE"
    assert rows[1].customer_fields["postal_code"] == "123 45" and rows[1].customer_fields["do_not_contact"] is False
    assert rows[2].action == "invalid"
    assert rows[2].reason == "Markkinointikielto (marketing_ban): 'ehkä' is not a yes/no value " \
                             "(use kyllä/ei, x, 1/0, yes/no or true/false)."


def test_company_forms_do_not_tell_customers_apart(app, create_record):
    from server.imports.dupes import company_key
    assert company_key("Kahvila  Lehto Oy", "OULU") == company_key("kahvila lehto", "Oulu") == "kahvila lehto|oulu"
    assert company_key("Tmi Virtanen", None) == company_key("Virtanen, tmi", "") == "virtanen|"
    assert company_key("Oy Ab", "X") == "oy|x"  # a name is never emptied
    existing = create_record("customer", name="Sävel Ky", city="Turku", business_id="0737546-2")
    table = read_table("x.csv", "Nimi;Kaupunki;Y-tunnus\nSÄVEL;Turku;\nSävel Ky;Turku;1572860-0\n".encode())
    rows = plan(table, guess_mapping(table.headers)).rows
    assert rows[0].action == "skip" and rows[0].customer_id == existing
    assert rows[1].action == "create"  # same name and town, another Y-tunnus: another company


def test_update_sends_only_what_differs_and_skips_what_is_up_to_date(app, create_record):
    same = create_record("customer", name="A Oy", city="Oulu", phone="040 1")
    create_record("contact", customer_id=same, name="Anna", role="Ostaja")
    other = create_record("customer", name="B Oy", city="Oulu", phone="040 2")
    table = read_table("x.csv", "Nimi;Kaupunki;Puhelin;Yhteyshenkilö;Titteli\n"
                                " A Oy ;Oulu;040 1;Anna;Ostaja\nB Oy;Oulu;040 9;;\n".encode())
    rows = plan(table, guess_mapping(table.headers), "update").rows
    assert (rows[0].action, rows[0].customer_action, rows[0].contact_action) == ("skip", "skip", "skip")
    assert rows[0].reason.startswith("Customer already up to date: same name and city")
    assert (rows[1].action, rows[1].customer_id, rows[1].customer_fields) == ("update", other, {"phone": "040 9"})
