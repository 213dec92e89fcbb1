"""One codec per entity between stored values and wire JSON, for push, pull, REST and exports.

The wire form of a field follows from its column type: instants are UTC text with a "Z", dates
ISO text, money a string with two decimals, everything else as stored. Every reader and writer of
records asks the entity's codec, so the wire form cannot differ between a pull, a push's answer,
a REST read and an export. Built once per entity when the module loads: pulls convert tens of
thousands of rows and must stay within half the speed of a raw SELECT + JSON encode.

The one driver-level trick of reading lives here too (`read_column`): SQLite keeps instants as
ISO text, and slicing that text into the wire form beat parsing a datetime and formatting it
again (measured by scripts/bench_sync.py).
"""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, DateTime, Float, Numeric, String, type_coerce

from ...entities import ENTITIES

BOOKKEEPING = ("id", "version", "deleted", "created_at", "updated_at")  # what every record's wire JSON starts with


def instant(dt: datetime | None):
    # isoformat is several times faster than strftime, and pulls format ~3 instants per row
    return None if dt is None else dt.isoformat(timespec="seconds") + "Z"


def day(d: date | None):
    return None if d is None else d.isoformat()


def money(d: Decimal | None):
    return None if d is None else str(d.quantize(Decimal("0.01")))


def wire_of_column_type(col_type):
    """The converter from a stored value of this column type to its wire form (None: as stored)."""
    if isinstance(col_type, DateTime):
        return instant
    if isinstance(col_type, Date):
        return day
    if isinstance(col_type, Float):  # a Numeric subclass, but a JSON number as stored (coordinates)
        return None
    if isinstance(col_type, Numeric):
        return money
    return None


class Codec:
    """Stored <-> wire for one entity."""

    def __init__(self, entity: str):
        table = ENTITIES[entity].table
        self.entity, self.table = entity, table
        self.fields: tuple = ENTITIES[entity].fields                 # the record's own fields, in column order
        self.convs: tuple = tuple((name, wire_of_column_type(table.c[name].type)) for name in self.fields)
        self.conv_of: dict = dict(self.convs)
        self.converted: tuple = tuple((name, conv) for name, conv in self.convs if conv)
        self.defaults: dict = {c.name: (c.default.arg if c.default is not None and c.default.is_scalar else None)
                               for c in table.columns}                # a new row before its values
        self.default_values: dict = {name: (conv(self.defaults[name]) if conv and self.defaults[name] is not None
                                            else self.defaults[name]) for name, conv in self.convs}
        # a record as (bookkeeping columns, then fields): the order `record` and `record_of_row` read
        self.record_columns: tuple = tuple(table.c[name] for name in BOOKKEEPING + self.fields)
        self._row_convs = tuple((i, name, conv) for i, (name, conv) in
                                enumerate([("created_at", instant), ("updated_at", instant)] + list(self.convs), start=3)
                                if conv)

    def values(self, native: dict) -> dict:
        """The wire view of the entity's fields among `native` column values (other keys left out)."""
        conv_of = self.conv_of
        return {name: (conv_of[name](value) if conv_of[name] else value)
                for name, value in native.items() if name in conv_of}

    def record(self, row) -> dict:
        """A stored row (a mapping) as the REST shape: id, version, deleted, timestamps, then the fields."""
        out = {"id": row["id"], "version": row["version"], "deleted": row["deleted"],
               "created_at": instant(row["created_at"]), "updated_at": instant(row["updated_at"])}
        for name, conv in self.convs:
            out[name] = conv(row[name]) if conv else row[name]
        return out

    def data_of_row(self, row, formatted: dict) -> dict:
        """The fields of a row selected as `record_columns` (a pull's `data`), timestamps included.

        `formatted` caches converted values across one page: one push stamps many rows alike.
        """
        data = dict(zip(BOOKKEEPING[3:] + self.fields, row[3:]))  # built in C; only some values need converting
        for i, name, conv in self._row_convs:
            value = row[i]
            if value is not None:
                key = (conv, value)
                if key not in formatted:
                    formatted[key] = conv(value)
                data[name] = formatted[key]
        return data

    def read_column(self, name: str, dialect):
        """(column to select, converter of what it gives to the wire form) for a push's reads."""
        column, conv = self.table.c[name], self.conv_of[name]
        if dialect.name == "sqlite" and conv in (instant, day):  # stored as ISO text: the wire form is a slice
            return type_coerce(column, String).label(name), (_wire_instant_of_text if conv is instant else None)
        return column, conv


def _wire_instant_of_text(text):
    """SQLite's stored "2026-11-20 08:15:00.000000" as the wire's "2026-11-20T08:15:00Z" (what
    instant() makes of the datetime it holds); any other stored form goes the long way."""
    if text is None:
        return None
    if len(text) >= 19 and text[10] == " " and text[19:20] in ("", "."):
        return f"{text[:10]}T{text[11:19]}Z"
    return instant(datetime.fromisoformat(text))


CODECS = {name: Codec(name) for name in ENTITIES}
