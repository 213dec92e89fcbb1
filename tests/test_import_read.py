"""Reading uploads: CSV as Excel writes it (; or , , UTF-8 with or without BOM, Windows-1252,
quoted ; and line breaks, CRLF, blank rows) and .xlsx (dates, numbers, leading zeros); the
header guess in Finnish and English; a file that is neither is refused with a reason."""
import io
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from server.imports import UnreadableFile, guess_mapping, read_table
from server.imports import read as read_module

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def test_cp1252_semicolons_quotes_blank_rows_and_line_numbers():
    table = read_table("asiakkaat_cp1252.csv", (FIXTURES / "asiakkaat_cp1252.csv").read_bytes())
    assert (table.encoding, table.delimiter, table.sheet) == ("cp1252", ";", None)
    assert table.headers[9] == "Yhteyshenkilö" and len(table.headers) == 13
    assert table.lines == [2, 4, 6, 7, 8]  # the all-; row (3) and the empty line (5) are dropped
    assert table.rows[1][0] == "Pizzeria Roma; Tampere" and table.rows[1][12] == "huom; kaksi"
    assert table.rows[4][0] == "Leipomo Åström Ab" and all(len(r) == 13 for r in table.rows)


def test_utf8_with_bom_and_commas():
    table = read_table("customers_utf8_bom.csv", (FIXTURES / "customers_utf8_bom.csv").read_bytes())
    assert (table.encoding, table.delimiter) == ("utf-8-sig", ",")
    assert table.headers[0] == "Company"  # no BOM glued to the first header
    assert table.rows[1][2] == "Teollisuustie 5, halli B" and table.lines == [2, 3, 4, 6]


def test_utf8_without_bom_a_quoted_line_break_and_short_rows():
    data = 'Nimi,Lisätiedot\r\n"Oy Ä","two\r\nlines"\r\nB\r\n'.encode()
    table = read_table("a.csv", data)
    assert table.encoding == "utf-8" and table.delimiter == ","
    assert table.rows == [["Oy Ä", "two\r\nlines"], ["B", ""]]
    assert table.lines == [2, 4]  # the second row starts after the two-line field


def xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Asiakkaat"
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_cells_as_text():
    data = xlsx([["Nimi", "Y-tunnus", "Postinumero", "Asiakkaana alkaen", "Liikevaihto", "Kpl", "Kello"],
                 ["Kahvila Lehto Oy", "0737546-2", 100, date(2024, 3, 1), 1234.5, 3.0, datetime(2024, 3, 1, 8, 30)],
                 [None, None, None, None, None, None, None],
                 ["Sävel Ky", "01234567", "00100", None, 0.1, 7, None]])
    table = read_table("asiakkaat.xlsx", data)
    assert (table.encoding, table.delimiter, table.sheet) == ("xlsx", None, "Asiakkaat")
    assert table.rows[0] == ["Kahvila Lehto Oy", "0737546-2", "100", "2024-03-01", "1234.5", "3", "2024-03-01 08:30:00"]
    assert table.rows[1] == ["Sävel Ky", "01234567", "00100", "", "0.1", "7", ""]
    assert table.lines == [2, 4]


@pytest.mark.parametrize("name,data,words", [
    ("a.pdf", b"%PDF-1.4", "not a .csv or .xlsx"),
    ("a.xlsx", b"PK\x03\x04 broken", "Excel workbook"),
    ("a.xlsx", b"Nimi;Y-tunnus\n", "Excel workbook"),
    ("a.csv", b"", "empty"),
    ("a.csv", b"\n\n;;\n", "empty"),
    ("a.csv", b"\x00\x01\x02binary", "not text"),
])
def test_unreadable_files_say_why(name, data, words):
    with pytest.raises(UnreadableFile, match=words):
        read_table(name, data)


def test_limits(monkeypatch):
    monkeypatch.setattr(read_module, "MAX_ROWS", 2)
    with pytest.raises(UnreadableFile, match="at most"):
        read_table("a.csv", b"Nimi\na\nb\nc\n")
    assert len(read_table("a.csv", b"Nimi\na\nb\n").rows) == 2
    monkeypatch.setattr(read_module, "MAX_BYTES", 10)
    with pytest.raises(UnreadableFile, match="too large"):
        read_table("a.csv", b"Nimi\nabcdefghijkl\n")


def test_guess_mapping_finnish_and_english_headers():
    headers = ["NIMI", "y-tunnus", "Postinumero", "Postitoimipaikka", "Katu osoite", "Puhelin", "SÄHKÖPOSTI",
               "Yhteyshenkilö", "Titteli", "Luokka", "Myyjä", "Liikevaihto", "Kaupunki"]
    assert guess_mapping(headers) == {
        0: "customer.name", 1: "customer.business_id", 2: "customer.postal_code", 3: "customer.city",
        4: "customer.street", 5: "customer.phone", 6: "customer.email", 7: "contact.name", 8: "contact.role",
        9: "customer.segment", 10: "customer.owner_email"}  # 11 unknown, 12 a second city: ignored
    english = guess_mapping(["Company", "Business ID", "Contact person", "Role", "Contact email", "Owner",
                             "Marketing ban", "Do not contact", "Segment", "Website"])
    assert english == {0: "customer.name", 1: "customer.business_id", 2: "contact.name", 3: "contact.role",
                       4: "contact.email", 5: "customer.owner_email", 6: "customer.marketing_ban",
                       7: "customer.do_not_contact", 8: "customer.segment", 9: "customer.website"}


def test_excel_sep_hint_line_and_utf16():
    table = read_table("a.csv", b"sep=,\r\nNimi,Kaupunki;x\r\nA Oy,Oulu;y\r\n")
    assert table.delimiter == "," and table.headers == ["Nimi", "Kaupunki;x"] and table.lines == [3]
    table = read_table("b.txt", "Nimi\tY-tunnus\nÅström Ab\t0737546-2\n".encode("utf-16"))
    assert (table.encoding, table.delimiter, table.rows) == ("utf-16", "\t", [["Åström Ab", "0737546-2"]])
