"""Field types shared by the entity schemas: UTC instants, dates, Y-tunnus, trimmed text, flags, numbers."""
import re
from datetime import timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from urllib.parse import urlsplit

from marshmallow import ValidationError, fields, validate

BUSINESS_ID_RE = re.compile(r"^([0-9]{7})-([0-9])\Z")  # ASCII digits only (\d also takes other scripts)


def business_id_valid(value: str) -> bool:
    """Check a Finnish Y-tunnus (1234567-8) against its modulo-11 check digit (weights 7 9 10 5 8 4 2)."""
    if BUSINESS_ID_RE.match(value) is None:
        return False
    d = [ord(c) - 48 for c in value]  # written out: every customer a push creates is checked
    rest = (7 * d[0] + 9 * d[1] + 10 * d[2] + 5 * d[3] + 8 * d[4] + 4 * d[5] + 2 * d[6]) % 11
    return rest != 1 and d[8] == (0 if rest == 0 else 11 - rest)


class BusinessId(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs).strip()
        if not BUSINESS_ID_RE.match(value):
            raise ValidationError("Use the form 1234567-8 (Y-tunnus).")
        if not business_id_valid(value):
            raise ValidationError("The check digit of this Y-tunnus is wrong.")
        return value


# Control characters break exports, calendar lines and screens, and a NUL cannot be stored in
# PostgreSQL text. One-line fields take none; multi-line ones (notes) keep line breaks and tabs.
ONE_LINE_BAD = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
MULTI_LINE_BAD = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class Text(fields.String):
    """A string trimmed of surrounding white space, with a length limit; blank means null.

    One line unless `multiline` (then Windows and old Mac line ends become \\n). The length is
    checked here rather than by a Length validator, because a blank optional value has become
    None by then and validators do not expect None. `refine` (in subclasses) checks and
    normalises a non-blank value further; the push's fast loader calls it too.
    """

    refine = None

    def __init__(self, max_length: int, min_length: int = 0, multiline: bool = False, **kwargs):
        kwargs.setdefault("allow_none", True)
        super().__init__(**kwargs)
        self.min_length, self.max_length, self.multiline = min_length, max_length, multiline
        self.forbidden = MULTI_LINE_BAD if multiline else ONE_LINE_BAD

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if self.multiline and "\r" in value:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        value = value.strip()
        if value == "" and self.min_length == 0 and self.allow_none:
            return None
        if len(value) < self.min_length:
            raise ValidationError("Must not be empty." if self.min_length == 1 else
                                  f"Must be at least {self.min_length} characters.")
        if len(value) > self.max_length:
            raise ValidationError(f"Must be at most {self.max_length} characters (got {len(value)}).")
        if self.forbidden.search(value):
            raise ValidationError("Must not contain control characters (line breaks and tabs are fine)." if self.multiline
                                  else "Must be one line, without line breaks, tabs or control characters.")
        return self.refine(value) if self.refine is not None else value


class WebAddress(Text):
    """A web site's http(s) address; a bare host as people type it (www.example.fi) gets https://."""

    _SCHEME = re.compile(r"[a-z][a-z0-9+.-]*://", re.IGNORECASE)
    _IS_URL = validate.URL(schemes={"http", "https"}, require_tld=True)
    MESSAGE = "Must be a web address, e.g. https://www.example.fi."

    def refine(self, value: str) -> str:
        if self._SCHEME.match(value) is None:
            value = "https://" + value
        try:
            self._IS_URL(value)
            parts = urlsplit(value)
        except (ValidationError, ValueError):
            raise ValidationError(self.MESSAGE)
        if "@" in parts.netloc:  # https://www.pankki.fi@evil.example/ goes to evil.example
            raise ValidationError(self.MESSAGE + " Without a user name or password.")
        if "." not in (parts.hostname or ""):  # localhost, an intranet name: no customer's site
            raise ValidationError(self.MESSAGE)
        if len(value) > self.max_length:
            raise ValidationError(f"Must be at most {self.max_length} characters (got {len(value)}).")
        return value


FI_POSTAL_RE = re.compile(r"[0-9]{5}\Z")
# Other countries: 2-10 letters, digits, single spaces or hyphens inside, at least one digit (every
# country's codes have one: SW1A 1AA, 5683 CG, 100-0001).
POSTAL_RE = re.compile(r"(?=[A-Za-z0-9 -]*[0-9])[A-Za-z0-9](?:[ -]?[A-Za-z0-9]){1,9}\Z")


def postal_code_problem(code: str, country: str | None) -> str | None:
    """Why a postal code cannot be in this country (None: it can; country None: not known)."""
    if country == "FI":
        if FI_POSTAL_RE.match(code) is None:
            return "A Finnish postal code is five digits, e.g. 00100."
    elif POSTAL_RE.match(code) is None:
        return "Use the postal code as written in the address: letters, digits, spaces or hyphens, with a digit."
    return None


# SPEC §5: instants and dates outside these years are refused. Far inside datetime's own limits,
# so converting an accepted value to UTC, or adding a follow-up's delay to a date, cannot overflow.
MIN_YEAR, MAX_YEAR = 1900, 2200
RANGE_MSG = f"Must be between the years {MIN_YEAR} and {MAX_YEAR}."


class UtcInstant(fields.AwareDateTime):
    """An ISO 8601 instant with a zone (Z or an offset) in the years 1900–2200 UTC, stored as naive UTC."""

    default_error_messages = {
        "invalid": "Not a valid date and time; use ISO 8601, e.g. 2026-11-20T08:15:00Z.",
        "invalid_awareness": "Give the time zone, e.g. 2026-11-20T08:15:00Z.",
        "out_of_range": RANGE_MSG,
    }

    def _deserialize(self, value, attr, data, **kwargs):
        dt = super()._deserialize(value, attr, data, **kwargs)
        if not MIN_YEAR - 1 <= dt.year <= MAX_YEAR + 1:  # checked before converting: year 1 or 9999 would overflow
            raise self.make_error("out_of_range")
        dt = dt.astimezone(timezone.utc).replace(tzinfo=None, microsecond=0)
        if not MIN_YEAR <= dt.year <= MAX_YEAR:
            raise self.make_error("out_of_range")
        return dt


class Day(fields.Date):
    """An ISO 8601 date (2026-11-20) in the years 1900–2200."""

    default_error_messages = {
        "invalid": "Not a valid date; use ISO 8601, e.g. 2026-11-20.",
        "out_of_range": RANGE_MSG,
    }

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            raise self.make_error("out_of_range")
        return day


def one_of(*choices):
    return validate.OneOf(choices, error="Must be one of: {choices}.")


class Flag(fields.Boolean):
    """JSON true or false, nothing else: 0, 1, "true" or "yes" in a body is a client's bug, not a choice."""

    default_error_messages = {"invalid": "Must be true or false."}
    _TEXT = fields.Boolean()  # a query string is text: ?archived=true

    def _deserialize(self, value, attr, data, **kwargs):
        if type(value) is not bool:
            raise self.make_error("invalid")
        return value

    def from_query(self, raw: str) -> bool:
        """Read a query argument (true, false, 1, 0, yes, no ...), which can only ever be text."""
        return self._TEXT.deserialize(raw)


class _Exact(fields.Field):
    """A non-negative decimal within [low, high]: a JSON number, rounded half up to `decimals` (it is binary,
    so 0.1 + 0.2 arrives as 0.30000000000000004), or a decimal string in the form `text` says, taken exactly.

    The bounds are checked before rounding, so what the OpenAPI document's minimum and maximum let through
    is exactly what is taken."""

    low: Decimal
    high: Decimal
    decimals: int
    text: re.Pattern  # subclasses also give the "invalid" and "range" messages

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise self.make_error("invalid")
        if isinstance(value, str):
            if self.text.match(value) is None:
                raise self.make_error("invalid")
            number = Decimal(value)
        else:
            try:  # repr: the shortest decimal that is this float (5e-324, not its 750 binary digits)
                number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
            except InvalidOperation:
                raise self.make_error("invalid")
            if not number.is_finite():
                raise self.make_error("invalid")
        if not self.low <= number <= self.high:
            raise self.make_error("range")
        return number.quantize(Decimal(1).scaleb(-self.decimals), rounding=ROUND_HALF_UP).copy_abs()  # -0.00 is 0.00


class Money(_Exact, fields.Decimal):
    """Euros and cents, 0 to 999 999 999 999.99 (the column is numeric(14, 2)); loaded as a Decimal of cents.

    A string has at most two decimals and nothing around it ("24.90"); a JSON number is rounded to cents."""

    low, high, decimals = Decimal(0), Decimal("999999999999.99"), 2
    text = re.compile(r"[0-9]{1,12}(?:\.[0-9]{1,2})?\Z")
    default_error_messages = {"invalid": "Give an amount in euros, e.g. 24.90 (at most two decimals).",
                              "range": "Must be between 0 and 999999999999.99."}

    def __init__(self, **kwargs):
        super().__init__(places=2, as_string=True, allow_nan=False, **kwargs)


class Quantity(_Exact):
    """How many or how much (2 boxes, 1.5 kg): more than 0 and at most 10^9, three decimals at most;
    loaded as its shortest decimal string ("2", "1.5", "0.125"), the one form it is stored and sent in."""

    low, high, decimals = Decimal("0.001"), Decimal(10**9), 3
    text = re.compile(r"(?:[1-9][0-9]{0,8}(?:\.[0-9]{1,3})?|1000000000(?:\.0{1,3})?"
                      r"|0\.(?:[1-9][0-9]{0,2}|0[1-9][0-9]?|00[1-9]))\Z")  # the same bounds, as text
    wire = re.compile(r"(?:[1-9][0-9]{0,8}(?:\.[0-9]{0,2}[1-9])?|1000000000|0\.[0-9]{0,2}[1-9])\Z")  # as loaded
    default_error_messages = {"invalid": "Give a number, e.g. 2 or 1.5 (at most three decimals).",
                              "range": "Must be more than 0 and at most 1000000000."}

    def _deserialize(self, value, attr, data, **kwargs):
        return format(super()._deserialize(value, attr, data, **kwargs).normalize(), "f")


class Whole(fields.Nested):
    """A nested record that is always loaded whole: a patch replaces a delivery's lines, so each line it
    sends needs its required fields (a partial load would reach in and store a line without a quantity)."""

    def _deserialize(self, value, attr, data, partial=None, **kwargs):
        return super()._deserialize(value, attr, data, partial=False, **kwargs)
