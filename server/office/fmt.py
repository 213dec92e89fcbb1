"""Numbers, money, dates and times in the reader's locale (Flask-Babel), as Jinja filters.

Stored instants are naive UTC; they are shown in the organisation's time zone (ORG_TIMEZONE),
which the app sets as Babel's default time zone. `995,00 €` in Finnish, `€995.00` in English.
"""
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import format_currency, format_date, format_datetime, format_decimal, format_percent

CURRENCY = "EUR"


def money(value) -> str:
    """A sum of money, or an en dash when there is none."""
    amount = _decimal(value)
    return "–" if amount is None else format_currency(amount, CURRENCY)


def number(value, digits: int | None = None) -> str:
    """A count or quantity with the locale's separators (1 234,5)."""
    amount = _decimal(value)
    if amount is None:
        return "–"
    return format_decimal(amount, format=None if digits is None else "#,##0." + "0" * digits if digits else "#,##0")


def percent(value) -> str:
    return "–" if value is None else format_percent(value)


def day(value, style: str = "medium") -> str:
    """A date (or the local date of an instant)."""
    if value in (None, ""):
        return "–"
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return format_date(value, style)


def moment(value, style: str = "short") -> str:
    """An instant in the organisation's time zone."""
    if value in (None, ""):
        return "–"
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return format_datetime(value, style)


def _decimal(value):
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


FILTERS = {"money": money, "number": number, "percent": percent, "day": day, "moment": moment}


def install(app) -> None:
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", app.config.get("ORG_TIMEZONE") or "Europe/Helsinki")
    app.jinja_env.filters.update(FILTERS)
