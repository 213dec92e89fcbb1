"""Component schemas of the OpenAPI document: requests as the marshmallow schemas accept them,
records as the server writes them (from the table columns and the wire converters).

Both are derived, not written by hand, so a new field or rule shows up in the document by itself;
tests/test_openapi.py and tests/test_schemathesis.py hold the two sides against the server.
"""
from functools import lru_cache

from marshmallow import fields as mf
from marshmallow import validate
from sqlalchemy import JSON, Boolean, Date, DateTime, Float, Integer, Numeric

from ..entities import ENTITIES
from ..schemas import fields as kf
from ..schemas.entities import CustomerSchema
WebAddress = getattr(kf, "WebAddress", None)


def ecma(regex) -> str:
    """A compiled Python pattern that matches from the start, as a JSON Schema pattern."""
    pattern = regex.pattern.replace(r"\Z", "$")
    return pattern if pattern.startswith("^") else "^" + pattern


# What the wire converters write: instants to the second in UTC, dates, money with two decimals.
INSTANT_OUT = {"type": "string", "format": "date-time", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"}
DATE = {"type": "string", "format": "date"}
MONEY_OUT = {"type": "string", "pattern": r"^[0-9]{1,12}\.[0-9]{2}$", "example": "24.90"}
QUANTITY_OUT = {"type": "string", "pattern": ecma(kf.Quantity.wire), "example": "1.5",
                "description": "The shortest decimal form: 2, 1.5, 0.125."}
UUID = {"type": "string", "format": "uuid"}
# Years the server takes (SPEC §5: 1900-2200); instants keep a year's margin, as an offset can move them across.
DAY_RE = r"^(19[0-9]{2}|2[01][0-9]{2}|2200)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
INSTANT_RE = (r"^(19(0[1-9]|[1-9][0-9])|2[01][0-9]{2})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
              r"T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$")

WEB_ADDRESS_RE = r"(?:https?://)?(?:[a-z0-9](?:[a-z0-9-]{0,20}[a-z0-9])?\.){1,3}[a-z]{2,6}(?:/[A-Za-z0-9._~-]{0,20}){0,3}"


@lru_cache(maxsize=None)
def char_class(test) -> str:
    """The body of a regex class of the BMP characters for which test(char) holds, as \\uXXXX ranges."""
    out, start = [], None
    for code in range(0x10001):
        inside = code < 0x10000 and bool(test(chr(code)))
        if inside and start is None:
            start = code
        elif not inside and start is not None:
            out.append(f"\\u{start:04x}" + (f"-\\u{code - 1:04x}" if code - 1 > start else ""))
            start = None
    return "".join(out)


def text_pattern(field, core_re: str | None = None) -> str:
    """What Text accepts: white space around (trimmed), inside no character its rule forbids."""
    multiline = getattr(field, "multiline", False)
    forbidden = getattr(field, "forbidden", None)
    space = char_class(str.isspace)
    # A multi-line field turns \r into \n before its check, so \r passes.
    bad = char_class((lambda c: forbidden.search(c) is not None and not (multiline and c == "\r")) if forbidden
                     else (lambda c: False))
    if core_re is None:  # the length limit counts what is left after trimming, so it lives here too
        edge, inner = f"[^{space}{bad}]", f"[^{bad}]" if bad else "."
        core_re = f"{edge}(?:{inner}{{0,{field.max_length - 2}}}{edge})?"
    optional = "?" if not getattr(field, "min_length", 0) else ""
    return f"^[{space}]*(?:{core_re}){optional}[{space}]*$"

ERROR = {
    "type": "object", "required": ["error"], "additionalProperties": False,
    "description": "The one error shape of every /api/ failure (SPEC §4); `fields` only on validation errors.",
    "properties": {"error": {
        "type": "object", "required": ["code", "message"], "additionalProperties": False,
        "properties": {
            "code": {"type": "string", "description": "Machine-readable, e.g. validation_error, parent_deleted."},
            "message": {"type": "string"},
            "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        }}},
}


def _nullable(schema: dict, field) -> dict:
    """Let null through where the field does (and into its enum, which would refuse it otherwise)."""
    if getattr(field, "allow_none", False):
        schema["nullable"] = True
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
    return schema


def field_validators(schema: dict, field) -> dict:
    """Add what the field's marshmallow validators require (also the app's rules, api/rules.py)."""
    for v in getattr(field, "validators", ()):
        if isinstance(v, validate.OneOf):
            schema["enum"] = list(v.choices)
        elif isinstance(v, validate.Length):
            if v.min is not None:
                schema["minItems" if schema.get("type") == "array" else "minLength"] = v.min
            if v.max is not None:
                schema["maxItems" if schema.get("type") == "array" else "maxLength"] = v.max
        elif isinstance(v, validate.Range):
            if v.min is not None:
                schema["minimum"] = v.min
                schema["exclusiveMinimum"] = not v.min_inclusive or None
            if v.max is not None:
                schema["maximum"] = v.max
                schema["exclusiveMaximum"] = not v.max_inclusive or None
        elif isinstance(v, validate.Regexp):
            pattern = v.regex.pattern.replace(r"\Z", "$")  # Regexp matches from the start
            schema["pattern"] = pattern if pattern.startswith("^") else "^" + pattern
    return {k: val for k, val in schema.items() if val is not None}


def field_schema(field) -> dict:
    """The JSON Schema of what one marshmallow field accepts."""
    if isinstance(field, kf.BusinessId):
        out = {"type": "string", "pattern": r"^[0-9]{7}-[0-9]$", "format": "fi-business-id",
               "description": "Finnish Y-tunnus with a valid check digit."}
    elif WebAddress is not None and isinstance(field, WebAddress):
        out = {"type": "string", "pattern": text_pattern(field, WEB_ADDRESS_RE),
               "description": "An http(s) address with a dotted host; a bare host gets https://. The pattern "
                              "is the common case: the server takes any address Python's URL check does."}
    elif isinstance(field, kf.Text):
        out = {"type": "string", "pattern": text_pattern(field),
               "description": ("Several lines; " if getattr(field, "multiline", False) else "One line; ")
               + f"at most {field.max_length} characters once surrounding white space is trimmed"
               + ("; blank means null." if not field.min_length else ".")}
    elif isinstance(field, mf.AwareDateTime):
        out = {"type": "string", "format": "date-time", "pattern": INSTANT_RE,
               "description": "An instant with its zone (Z or an offset), in the years 1900-2200."}
    elif isinstance(field, mf.Email):
        out = {"type": "string", "format": "email"}
    elif isinstance(field, mf.UUID):
        out = dict(UUID)
    elif isinstance(field, mf.Boolean):
        out = {"type": "boolean"}
    elif isinstance(field, mf.Integer):
        out = {"type": "integer"}
    elif isinstance(field, (kf.Money, kf.Quantity)):  # a decimal string or a JSON number; answered as a string
        out = {"anyOf": [{"type": "string", "pattern": ecma(field.text)},
                         {"type": "number", "minimum": float(field.low), "maximum": float(field.high)}],
               "description": ("Money: a decimal string (\"24.90\", at most two decimals) or a number, rounded to cents."
                               if isinstance(field, kf.Money) else
                               "A decimal string (\"1.5\", at most three decimals) or a number, rounded to three.")}
        return _nullable(out, field)
    elif isinstance(field, mf.Float):
        out = {"type": "number"}
    elif isinstance(field, mf.Date):
        out = {**DATE, "pattern": DAY_RE}
    elif isinstance(field, mf.List):
        out = {"type": "array", "items": field_schema(field.inner)}
    elif isinstance(field, mf.Nested):
        out = input_schema(field.schema)
    elif isinstance(field, mf.Dict):
        out = {"type": "object"}
    elif isinstance(field, mf.String):
        out = {"type": "string"}
    else:
        raise TypeError(f"No OpenAPI mapping for {type(field).__name__}")
    return _nullable(field_validators(out, field), field)


def input_schema(schema, partial: bool = False) -> dict:
    """A request body the marshmallow schema loads: unknown keys refused, required ones required."""
    props = {f.data_key or name: field_schema(f) for name, f in schema.fields.items() if not f.dump_only}
    out = {"type": "object", "properties": props, "additionalProperties": False}
    required = [f.data_key or n for n, f in schema.fields.items() if f.required]
    if partial:
        out["minProperties"] = 1
    elif required:
        out["required"] = required
    return out


def _column_schema(column, name: str, entity) -> dict:
    """The JSON Schema of one stored column as the record JSON shows it."""
    if isinstance(column.type, DateTime):
        out = dict(INSTANT_OUT)
    elif isinstance(column.type, Date):
        out = dict(DATE)
    elif isinstance(column.type, Float):  # before Numeric, its base: coordinates are JSON numbers
        out = {"type": "number"}
    elif isinstance(column.type, Numeric):
        out = dict(MONEY_OUT)
    elif isinstance(column.type, Boolean):
        out = {"type": "boolean"}
    elif isinstance(column.type, Integer):
        out = {"type": "integer"}
    elif isinstance(column.type, JSON):
        lines = {"type": "array", "items": {"$ref": "#/components/schemas/LineOut"}}
        out = lines if name == "lines" else {"description": "Any JSON value."}
    elif name in entity.refs or name == "record_id":
        out = dict(UUID)
    else:
        out = {"type": "string"}
        field = entity.schema._declared_fields.get(name)
        for v in getattr(field, "validators", ()):
            if isinstance(v, validate.OneOf):
                out["enum"] = list(v.choices)
    if column.nullable or isinstance(column.type, JSON):  # a JSON column can hold null
        out["nullable"] = True
        if "enum" in out:
            out["enum"].append(None)
    return out


def record_schema(entity) -> dict:
    """A record as GET, POST and PATCH answer it: id, version, tombstone flag, timestamps, every field."""
    table = entity.table
    props = {"id": dict(UUID), "version": {"type": "integer", "minimum": 1},
             "deleted": {"type": "boolean"}, "created_at": dict(INSTANT_OUT), "updated_at": dict(INSTANT_OUT)}
    for name in entity.fields:
        props[name] = _column_schema(table.c[name], name, entity)
    return {"type": "object", "required": list(props), "properties": props, "additionalProperties": False}


LINE_OUT = {"type": "object", "required": ["product", "quantity"], "additionalProperties": False,
            "properties": {"product": {"type": "string"},
                           "quantity": QUANTITY_OUT,
                           "unit_price": MONEY_OUT}}


def _general_postal_code() -> str:
    """POSTAL_RE without its look-ahead (JSON Schema generators cannot draw those): 2-10 letters or
    digits, single spaces or hyphens between, at least one digit."""
    sep, any_ = "[ -]?", "[A-Za-z0-9]"
    return "|".join(f"(?:[A-Za-z]{sep}){{{k}}}[0-9](?:{sep}{any_}){{{max(1 - k, 0)},{9 - k}}}" for k in range(10))


def postal_code_rule(customer: dict, partial: bool) -> None:
    """A Finnish postal code is five digits; a create without `country` is in Finland, a patch
    without it must fit the stored country, which the request does not show (five digits fit any)."""
    field = CustomerSchema._declared_fields["postal_code"]
    finnish = {"type": "string", "nullable": True, "pattern": text_pattern(field, "[0-9]{5}")}
    general = {"type": "string", "nullable": True, "pattern": text_pattern(field, f"(?:{_general_postal_code()})")}
    is_fi = {"type": "string", "enum": ["FI"]}
    branches = [{"properties": {"country": is_fi, "postal_code": finnish}},
                {"required": ["country"], "properties": {"country": {"not": is_fi}, "postal_code": general}}]
    if partial:  # a code alone must fit the stored country: the document can promise only five digits
        branches[0]["required"] = ["country"]
        branches.append({"not": {"required": ["country"]}, "properties": {"postal_code": finnish}})
    customer["anyOf"] = branches


def components() -> dict:
    """Every component schema: Error, <Entity> (a record), <Entity>Create and <Entity>Patch (requests)."""
    out = {"Error": ERROR, "LineOut": LINE_OUT}
    for name, entity in ENTITIES.items():
        title = name.capitalize()
        out[title] = record_schema(entity)
        create = input_schema(entity.schema())
        if name != "conflict":
            create["properties"] = {"id": {**UUID, "nullable": True, "description": "The client may choose the id."},
                                    **create["properties"]}
            out[f"{title}Create"] = create
        out[f"{title}Patch"] = input_schema(entity.schema(), partial=True)
    postal_code_rule(out["CustomerCreate"], partial=False)
    postal_code_rule(out["CustomerPatch"], partial=True)
    return out
