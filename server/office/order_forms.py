"""The order form: typed lines -> the wire's delivery fields and the total, with errors by line and field.

Each line row posts line-<n>-product, line-<n>-quantity and line-<n>-unit_price; a row left empty is
skipped. Numbers are taken as people type them at a Finnish desk (2,5 or 24,90 €) and passed on as
decimal strings: the entity schema (LineSchema) is still the one that decides what is valid, and
its complaints come back here as "Line 2: quantity: ...".
"""
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .task_forms import parse_day, resolve_customer

CHANNELS = (("phone", _l("Phone")), ("email", _l("E-mail")), ("visit", _l("Visit")), ("web", _l("Web")),
            ("other", _l("Other")))
STATUSES = (("ordered", _l("Ordered")), ("delivered", _l("Delivered")), ("cancelled", _l("Cancelled")))
LINE_FIELDS = ("product", "quantity", "unit_price")
ORDER_FIELDS = ("customer_id", "customer_q", "order_no", "ordered_on", "deliver_on", "channel")
EMPTY_ROWS = 5  # rows a new form shows; office.js adds more, and without script five still work
_LINE_KEY = re.compile(r"line-(\d{1,3})-(product|quantity|unit_price)\Z")


def line_label(name: str) -> str:
    return {"product": _("product"), "quantity": _("quantity"), "unit_price": _("unit price")}.get(name, name)


def as_decimal_text(text: str) -> str | None:
    """A typed number as a plain decimal string (2,5 -> 2.5; 1 234,50 € -> 1234.50); None if it is none."""
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", text or "").removesuffix("€").replace(",", ".")
    try:
        return cleaned if Decimal(cleaned).is_finite() else None
    except InvalidOperation:
        return None


def typed_rows(form) -> list:
    """The line rows as typed, in row order: [{"product", "quantity", "unit_price"}]."""
    found: dict = {}
    for key in form.keys():
        match = _LINE_KEY.match(key)
        if match:
            found.setdefault(int(match.group(1)), {})[match.group(2)] = form.get(key, "")
    return [{name: found[i].get(name, "") for name in LINE_FIELDS} for i in sorted(found)]


def padded(rows: list, extra: int = 0) -> list:
    """Rows to show: what was typed, plus empty ones up to the form's size."""
    blank = {name: "" for name in LINE_FIELDS}
    return rows + [dict(blank) for _ in range(max(EMPTY_ROWS - len(rows), extra))]


def read_lines(rows: list, errors: dict) -> tuple:
    """(wire lines, the row index of each line) from the typed rows; problems go to errors."""
    lines, positions = [], []
    for i, row in enumerate(rows):
        if not any(row[name].strip() for name in LINE_FIELDS):
            continue
        n = i + 1
        line = {"product": row["product"].strip()}
        if not line["product"]:
            errors[f"line-{i}-product"] = [_("Line %(n)d: product is missing.", n=n)]
        quantity = as_decimal_text(row["quantity"])
        if not row["quantity"].strip():
            errors[f"line-{i}-quantity"] = [_("Line %(n)d: quantity is missing.", n=n)]
        elif quantity is None:
            errors[f"line-{i}-quantity"] = [_("Line %(n)d: quantity must be a number.", n=n)]
        else:
            line["quantity"] = quantity
        if row["unit_price"].strip():
            price = as_decimal_text(row["unit_price"])
            if price is None:
                errors[f"line-{i}-unit_price"] = [_("Line %(n)d: unit price must be an amount, e.g. 24.90.", n=n)]
            else:
                line["unit_price"] = price
        lines.append(line)
        positions.append(i)
    if not lines:
        errors["lines"] = [_("An order needs at least one line with a product and a quantity.")]
    return lines, positions


def total_of(lines: list) -> Decimal | None:
    """Sum of quantity × unit price, rounded to cents; lines without a price add nothing, None if none has one."""
    priced = [Decimal(line["quantity"]) * Decimal(line["unit_price"]) for line in lines
              if "unit_price" in line and "quantity" in line]
    if not priced:
        return None
    return sum(priced, Decimal(0)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def read_order(form, creating: bool) -> tuple:
    """(wire fields, {form field: [message]}, customer candidates, typed rows, row of each line) of an order form."""
    errors: dict = {}
    fields: dict = {}
    candidates: list = []
    if creating:
        fields["customer_id"], candidates = resolve_customer(form, errors)
        fields["status"] = "ordered"
    fields["order_no"] = (form.get("order_no") or "").strip() or None
    fields["channel"] = form.get("channel") or None
    for name in ("ordered_on", "deliver_on"):
        text = (form.get(name) or "").strip()
        day = parse_day(text)
        if text and day is None:
            errors[name] = [_("Not a date; use e.g. 2026-12-07 or 7.12.2026.")]
        fields[name] = day.isoformat() if day else None
    rows = typed_rows(form)
    fields["lines"], positions = read_lines(rows, errors)
    if not errors:
        fields["total"] = _cents_text(total_of(fields["lines"]))
    return fields, errors, candidates, rows, positions


def _cents_text(total: Decimal | None) -> str | None:
    return None if total is None else format(total, "f")


def form_errors(wire_errors: dict, positions: list) -> dict:
    """Errors of writes.save placed under the form fields: "lines.1.quantity" -> that row's field."""
    out: dict = {}
    for name, messages in (wire_errors or {}).items():
        parts = name.split(".")
        if parts[0] == "lines" and len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(positions):
            i = positions[int(parts[1])]
            key = f"line-{i}-{parts[2]}"
            messages = [_("Line %(n)d: %(field)s: %(message)s", n=i + 1, field=line_label(parts[2]), message=m)
                        for m in messages]
        else:
            key = "customer_id" if name == "id" else name
        out.setdefault(key, []).extend(messages)
    return out


def line_errors(errors: dict) -> list:
    """Every line's problems in row order, for the summary above the lines."""
    keys = sorted((k for k in errors if k.startswith("line-")), key=lambda k: int(k.split("-")[1]))
    return [m for k in keys for m in errors[k]] + list(errors.get("lines", []))
