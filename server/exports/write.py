"""Write export rows as CSV for Finnish Excel, or as .xlsx with typed cells.

CSV: UTF-8 with a byte order mark (without it Excel reads UTF-8 as Windows-1252 and breaks ä and
ö), `;` between fields and a decimal comma in sums: what Excel expects with Finnish regional
settings, where `,` is the decimal separator. Dates are ISO (2026-12-07) and instants local time
(2026-12-07 10:00, Europe/Helsinki), which Excel reads as dates in every locale; yes/no is 1/0.

.xlsx (openpyxl in write-only mode, so 20 000 rows stream without building the sheet in memory):
dates and instants as date cells, sums as numbers with two decimals, the header row bold and
frozen, column widths by the kind of column.

In both, text starting with "=" or "@" is written as text ("'=..." in CSV): a spreadsheet must
never run a formula someone typed into a customer's notes.
"""
import csv
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMATS = ("csv", "xlsx")
FORMULA_START = ("=", "@")
DAY_FORMAT, INSTANT_FORMAT, MONEY_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm", "#,##0.00"


def _comma(value) -> str:
    return f"{Decimal(str(value)):.2f}".replace(".", ",")


def lines_text(lines) -> str:
    """An order's lines in one cell: "2 × Ruisleipä à 3,50; 1 × Pulla"."""
    parts = []
    for line in lines or ():
        quantity = str(line.get("quantity", "")).replace(".", ",")
        price = f" à {_comma(line['unit_price'])}" if line.get("unit_price") not in (None, "") else ""
        parts.append(f"{quantity} × {line.get('product', '')}{price}")
    return "; ".join(parts)


def _csv_value(kind: str, value) -> str:
    if value is None:
        return ""
    if kind == "money":
        return _comma(value)
    if kind == "number":  # a decimal comma, as Finnish Excel reads it (and the import takes back)
        return repr(value).replace(".", ",")
    if kind == "day":
        return value.isoformat()
    if kind == "instant":
        return value.strftime("%Y-%m-%d %H:%M")
    if kind == "bool":
        return "1" if value else "0"
    if kind == "lines":
        return lines_text(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def write_csv(columns: list, rows, out) -> int:
    """Write a header and `rows` to the binary file `out` as Finnish Excel CSV; return the row count."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    writer.writerow([c.header for c in columns])
    count = 0
    for row in rows:
        writer.writerow([_csv_value(c.kind, row[c.key]) for c in columns])
        count += 1
    text.flush()
    text.detach()  # leave `out` open for the caller
    return count


def _xlsx_cell(sheet, kind: str, value):
    if value is None:
        return None
    if kind == "lines":
        return lines_text(value)
    if kind in ("money", "day", "instant"):
        cell = WriteOnlyCell(sheet, value=float(value) if kind == "money" else value)
        cell.number_format = {"money": MONEY_FORMAT, "day": DAY_FORMAT, "instant": INSTANT_FORMAT}[kind]
        return cell
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # openpyxl would store it as a formula
        return cell
    return value


def write_xlsx(columns: list, rows, out, title: str = "Export") -> int:
    """Write a header and `rows` to `out` (a path or binary file) as one .xlsx sheet; return the row count."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.freeze_panes = "A2"
    for number, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = column.width
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in rows:
        sheet.append([_xlsx_cell(sheet, c.kind, row[c.key]) for c in columns])
        count += 1
    book.save(out)
    return count


def write(fmt: str, columns: list, rows, out) -> int:
    """Write in `fmt` ("csv" | "xlsx")."""
    if fmt == "csv":
        if isinstance(out, str):
            with open(out, "wb") as handle:
                return write_csv(columns, rows, handle)
        return write_csv(columns, rows, out)
    return write_xlsx(columns, rows, out)


