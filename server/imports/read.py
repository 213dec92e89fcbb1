"""An uploaded file as a table of text: CSV as Excel writes it, or the first sheet of an .xlsx.

Everything comes out as text, the way a person sees the cell: the mapping and the plan decide what
it means. Blank rows are dropped, but every row keeps its line in the file (the CSV line, or the
sheet's row number) so a reason can point at it.
"""
import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

MAX_ROWS = 50_000
MAX_BYTES = 20 * 1024 * 1024
LIMITS = f"at most {MAX_ROWS:,} rows and {MAX_BYTES // (1024 * 1024)} MB".replace(",", " ")


class UnreadableFile(ValueError):
    """The file is not a CSV or .xlsx table we can read; the message says why, for the user."""


@dataclass
class Table:
    headers: list
    rows: list          # list[list[str]], each as long as headers
    encoding: str       # "utf-8", "utf-8-sig", "cp1252" or "xlsx"
    delimiter: str | None
    sheet: str | None
    lines: list = field(default_factory=list)  # the file's line (or sheet row) of each row


def read_table(filename: str, data: bytes) -> Table:
    """Read a .csv or .xlsx upload (by its extension) into a Table; raise UnreadableFile."""
    if len(data) > MAX_BYTES:
        raise UnreadableFile(f"The file is too large ({len(data) / 1048576:.1f} MB): import {LIMITS} at a time.")
    name = (filename or "").lower()
    if name.endswith(".xlsx") or (data[:2] == b"PK" and not name.endswith(".csv")):
        table = _read_xlsx(data)
    elif name.endswith((".csv", ".txt")):
        table = _read_csv(data)
    else:
        raise UnreadableFile(f"{filename or 'The file'}: not a .csv or .xlsx file. "
                             "Save the sheet as CSV or Excel workbook (.xlsx).")
    if not any(h.strip() for h in table.headers):
        raise UnreadableFile("The file has no header row: the first row must name the columns.")
    if len(table.rows) > MAX_ROWS:
        raise UnreadableFile(f"The file has {len(table.rows)} rows: import {LIMITS} at a time.")
    return table


def _decode(data: bytes) -> tuple:
    """(text, encoding): UTF-8 (with or without BOM) when it decodes, else Windows-1252, as Excel saves."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"  # Excel's "Unicode text"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def _sniff(header_line: str) -> str:
    """The delimiter of the header line: ; (Excel in Finnish), tab or , (Excel in English)."""
    counts = {d: _outside_quotes(header_line).count(d) for d in (";", "\t", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _outside_quotes(line: str) -> str:
    out, quoted = [], False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted:
            out.append(ch)
    return "".join(out)


def _read_csv(data: bytes) -> Table:
    text, encoding = _decode(data)
    if "\x00" in text:
        raise UnreadableFile("The file is not text: save it as CSV (or .xlsx) from the spreadsheet.")
    first, _, rest = text.lstrip("\r\n").partition("\n")
    hint = first.strip()
    if hint.lower().startswith("sep=") and len(hint) == 5:  # Excel's own hint line: "sep=;"
        delimiter, text = hint[4], "\n" + rest  # the hint keeps its line: line numbers stay the file's
    else:
        delimiter = _sniff(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers, rows, lines = None, [], []
    try:
        line = 1
        for record in reader:
            start, line = line, reader.line_num + 1  # a quoted field may span lines: the row's first
            if not any(cell.strip() for cell in record):
                continue
            if headers is None:
                headers = [cell.strip() for cell in record]
                continue
            rows.append(record)
            lines.append(start)
            if len(rows) > MAX_ROWS:
                break
    except csv.Error as err:
        raise UnreadableFile(f"Line {reader.line_num}: not readable as CSV ({err}).")
    if headers is None:
        raise UnreadableFile("The file is empty.")
    return Table(headers, _fit(rows, len(headers)), encoding, delimiter, None, lines)


def _fit(rows: list, width: int) -> list:
    """Every row exactly as wide as the header: missing cells blank, extra cells (no header) dropped."""
    return [(row + [""] * (width - len(row)))[:width] for row in rows]


def _read_xlsx(data: bytes) -> Table:
    import openpyxl  # only when a workbook comes: it takes a moment to import

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as err:  # noqa: BLE001  (openpyxl fails in many ways on a damaged file; all mean "unreadable")
        raise UnreadableFile(f"Not a readable Excel workbook (.xlsx): {err}. An old .xls must be saved as .xlsx first.")
    try:
        sheet = book.worksheets[0]
        headers, rows, lines = None, [], []
        for number, values in enumerate(sheet.iter_rows(values_only=True), 1):
            cells = [cell_text(v) for v in values]
            if not any(c.strip() for c in cells):
                continue
            if headers is None:
                headers = [c.strip() for c in cells]
                continue
            rows.append(cells)
            lines.append(number)
            if len(rows) > MAX_ROWS:
                break
        title = sheet.title
    finally:
        book.close()
    if headers is None:
        raise UnreadableFile("The workbook's first sheet is empty.")
    while headers and not headers[-1]:  # read-only sheets may report trailing empty columns
        headers.pop()
    return Table(headers, _fit(rows, len(headers)), "xlsx", None, title, lines)


def cell_text(value) -> str:
    """A cell as the person sees it: dates in ISO, whole numbers without ".0", no float noise."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)).normalize(), "f")  # repr: shortest, 0.1 not 0.1000000000000000055
    if isinstance(value, int):
        return str(value)
    return str(value)
