"""A fast path in front of marshmallow for the common, valid case.

A push of 500 ops spent most of its time inside marshmallow, which visits every declared field of
a schema for every op. `fast_load` handles only plain values of the simpler field kinds (trimmed
text, enum and checked strings, Y-tunnus, booleans, UUID references, canonical instants and dates)
and only when they are valid; for anything else, including every invalid value, it returns None
and the caller runs the real schema, so error messages and exotic fields (decimals, nested lines)
stay marshmallow's. A property test
checks that whatever this accepts, marshmallow accepts with the same result.
"""
import re
from datetime import date, datetime

from marshmallow import ValidationError, fields, validate

from .fields import MAX_YEAR, MIN_YEAR, BusinessId, Day, Flag, Text, UtcInstant, business_id_valid

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")
INSTANT_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\Z")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")


_BAD = object()  # what a checker returns for a value it does not accept (None is a valid result)


_YEARS = range(MIN_YEAR, MAX_YEAR + 1)  # out of range: marshmallow says so (SPEC §5)


def _instant(value):
    if not isinstance(value, str) or not INSTANT_RE.match(value) or int(value[:4]) not in _YEARS:
        return _BAD
    try:
        return datetime.fromisoformat(value[:-1])  # the regex fixed the form; much faster than strptime
    except ValueError:
        return _BAD


def _date(value):
    if not isinstance(value, str) or not DATE_RE.match(value) or int(value[:4]) not in _YEARS:
        return _BAD
    try:
        return date.fromisoformat(value)
    except ValueError:
        return _BAD


_UUIDS: set = set()  # ids already seen valid: a push refers to the same customers and users over and over


def _uuid(value):
    if type(value) is not str:
        return _BAD
    if value in _UUIDS:
        return value
    if UUID_RE.match(value) is None:
        return _BAD
    if len(_UUIDS) > 100000:  # bounded: forget them all now and then
        _UUIDS.clear()
    _UUIDS.add(value)
    return value


def _email_check(validator):
    """The test marshmallow's Email validator makes, with its own patterns, as True or False
    (False sends the value to marshmallow, which then says what is wrong)."""
    user_re, domain_re, allowed = validator.USER_REGEX, validator.DOMAIN_REGEX, validator.DOMAIN_WHITELIST

    def check(value):
        user, at, domain = value.rpartition("@")
        return bool(at) and user_re.match(user) is not None and (
            domain in allowed or domain_re.match(domain) is not None)
    return check


_PLANS: dict = {}


def _checker(field):
    """A function value -> loaded value or _BAD for one field, or None when the field is not simple."""
    validators = list(field.validators)
    if isinstance(field, Text):
        if validators:
            return None
        low, high, empty_is_none = field.min_length, field.max_length, field.min_length == 0 and field.allow_none
        forbidden, multiline, refine = field.forbidden.search, field.multiline, field.refine

        def text(value):
            if not isinstance(value, str) or (multiline and "\r" in value):  # line ends: marshmallow tidies them
                return _BAD
            value = value.strip()
            if value == "" and empty_is_none:
                return None
            if not low <= len(value) <= high or forbidden(value) is not None:
                return _BAD
            if refine is None:
                return value
            try:
                return refine(value)
            except ValidationError:
                return _BAD
        return text
    if type(field) is fields.String and len(validators) == 1 and isinstance(validators[0], validate.OneOf):
        choices = frozenset(validators[0].choices)
        return lambda value: value if isinstance(value, str) and value in choices else _BAD
    if type(field) is BusinessId and not validators:

        def business_id(value):
            if not isinstance(value, str):
                return _BAD
            value = value.strip()
            return value if business_id_valid(value) else _BAD
        return business_id
    if type(field) is Flag and not validators:
        return lambda value: value if type(value) is bool else _BAD
    if type(field) is fields.UUID and not validators:
        return _uuid
    if type(field) in (fields.String, fields.Email) and validators:
        # A regexp, a length, the address check: run as marshmallow would (Email carries its own),
        # the address check by its own patterns without formatting an error message first
        checks = [_email_check(v) if type(v) is validate.Email else v for v in validators]

        def checked(value):
            if not isinstance(value, str):
                return _BAD
            try:
                for check in checks:
                    if check(value) is False:
                        return _BAD
            except ValidationError:
                return _BAD
            return value
        return checked
    if type(field) is UtcInstant and not validators:
        return _instant  # only the canonical wire form 2026-11-20T08:15:00Z
    if type(field) is Day and not validators:
        return _date
    return None  # decimals, nested lines: marshmallow's job


def _plan(schema):
    key = type(schema)
    if key not in _PLANS:
        checks = {name: _checker(f) for name, f in schema.load_fields.items()}
        required = frozenset(name for name, f in schema.load_fields.items() if f.required)
        nullable = frozenset(name for name, f in schema.load_fields.items() if f.allow_none)
        schema_checks = [getattr(schema, name) for name, *_ in schema._hooks.get("validates_schema", [])]
        _PLANS[key] = (checks, required, nullable, schema_checks)
    return _PLANS[key]


def fast_load(schema, data: dict, partial: bool):
    """Return what schema.load(data, partial=partial) would, or None to say: use marshmallow."""
    checks, required, nullable, schema_checks = _PLANS.get(type(schema)) or _plan(schema)
    if not partial and not required.issubset(data):
        return None
    out = {}
    get, bad = checks.get, _BAD
    for name, value in data.items():
        check = get(name)
        if check is None:  # unknown or not-simple field: marshmallow decides
            return None
        if value is None:
            if name not in nullable:
                return None
            out[name] = None
        else:
            loaded = check(value)
            if loaded is bad:
                return None
            out[name] = loaded
    for check in schema_checks:  # cross-field rules (ends_at after starts_at) run as marshmallow would
        try:
            check(out, partial=partial, many=False)
        except ValidationError:
            return None
    return out
