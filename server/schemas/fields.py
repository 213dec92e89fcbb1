"""Field types shared by the entity schemas: UTC instants, dates, Y-tunnus, trimmed text."""
import re
from datetime import timezone

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


class Text(fields.String):
    """A string trimmed of surrounding white space, with a length limit; blank means null.

    The length is checked here rather than by a Length validator, because a blank optional value
    has become None by then and validators do not expect None.
    """

    def __init__(self, max_length: int, min_length: int = 0, **kwargs):
        kwargs.setdefault("allow_none", True)
        super().__init__(**kwargs)
        self.min_length, self.max_length = min_length, max_length

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs).strip()
        if value == "" and self.min_length == 0 and self.allow_none:
            return None
        if len(value) < self.min_length:
            raise ValidationError("Must not be empty." if self.min_length == 1 else
                                  f"Must be at least {self.min_length} characters.")
        if len(value) > self.max_length:
            raise ValidationError(f"Must be at most {self.max_length} characters (got {len(value)}).")
        return value


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
