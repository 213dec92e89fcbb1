"""Conversion between stored values and wire (JSON) values.

Built once per table from column types, then applied in tight loops: pulls serialise tens of
thousands of rows and must stay within half the speed of a raw SELECT + JSON encode.
"""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, DateTime, Numeric


def instant(dt: datetime | None):
    # isoformat is several times faster than strftime, and pulls format ~3 instants per row
    return None if dt is None else dt.isoformat(timespec="seconds") + "Z"


def day(d: date | None):
    return None if d is None else d.isoformat()


def money(d: Decimal | None):
    return None if d is None else str(d.quantize(Decimal("0.01")))


def converters(table, names):
    """[(name, converter or None)] for the given columns of a table."""
    out = []
    for name in names:
        col_type = table.columns[name].type
        if isinstance(col_type, DateTime):
            out.append((name, instant))
        elif isinstance(col_type, Date):
            out.append((name, day))
        elif isinstance(col_type, Numeric):
            out.append((name, money))
        else:
            out.append((name, None))
    return out


def to_wire(convs, row) -> dict:
    """A stored row (mapping) as a wire dict."""
    return {name: (conv(row[name]) if conv else row[name]) for name, conv in convs}

