"""An op's fields validated: the values to store, and their wire form for the merge.

The push's fast path (schemas/fast.py) takes the common, valid case; marshmallow takes the rest
and says what is wrong. The wire form is what the merge compares, stamps and reports in
conflicts, so it is made once here: an edit's in column order (the order conflicts are reported
in), a create's in the order sent (nothing is merged).
"""
from marshmallow import ValidationError

from ..entities import ENTITIES
from ..errors import flatten_errors
from ..schemas.fast import fast_load
from ..schemas.fields import postal_code_problem
from .batch import Invalid
from .codec import CODECS, day, instant

_CANONICAL = (instant, day)  # wire converters whose output is exactly fast_load's accepted input


def validate_op(entity: str, fields: dict, creating: bool, current: dict | None) -> tuple:
    """(stored, wire) of an op's fields, checked against the record's current wire values where a
    rule needs them; raises batch.Invalid with {field: [message]}."""
    try:
        loaded, wire = load(entity, fields, creating)
    except ValidationError as err:
        raise Invalid(flatten_errors(err.messages))
    if current is not None and wire.get("postal_code") and "country" not in wire:
        problem = postal_code_problem(wire["postal_code"], current.get("country"))
        if problem:  # the schema saw the code alone; the record says which country it is in
            raise Invalid({"postal_code": [problem]})
    return loaded, wire


def load(entity: str, fields: dict, creating: bool) -> tuple:
    """(loaded, wire) of an op's fields: a create's whole record or an edit's changed fields.
    Raises marshmallow's ValidationError with the reasons."""
    schema = SCHEMA_OF[entity]
    loaded = fast_load(schema, fields, not creating)
    fast = loaded is not None
    if not fast:
        loaded = schema.load(fields, partial=not creating)
    if fast and creating and entity in _VERBATIM:
        # a create's order of fields does not matter (no merge); fast-loaded instants and dates
        # came in their one wire form, every other fast-loaded value is its own wire form
        wire = dict(loaded)
        for name in _VERBATIM[entity].intersection(wire):
            wire[name] = fields[name]
        return loaded, wire
    given = _CANONICAL if fast else ()
    return loaded, {name: (fields[name] if conv in given else conv(loaded[name]) if conv else loaded[name])
                    for name, conv in _wire_plan(entity, loaded)}


_WIRE_PLANS: dict = {}


def _wire_plan(entity: str, loaded: dict) -> list:
    """[(column, converter)] of the loaded fields that are columns, in column order (the order the
    merge, the stored metadata and the conflicts follow), made once per entity and field set."""
    key = (entity, *loaded)
    plan = _WIRE_PLANS.get(key)
    if plan is None:
        if len(_WIRE_PLANS) > 10000:  # field sets are few; never grow without bound
            _WIRE_PLANS.clear()
        plan = _WIRE_PLANS[key] = [(name, conv) for name, conv in CODECS[entity].convs if name in loaded]
    return plan


# One schema instance per entity, made once: building one deep-copies its fields.
SCHEMA_OF = {name: entity.schema() for name, entity in ENTITIES.items()}


def _verbatim(entity: str):
    """The fields whose fast-loaded value is not their wire form (instants, dates), or None when
    some field needs converting (money) or is not a column."""
    columns = CODECS[entity].conv_of
    if not set(SCHEMA_OF[entity].load_fields) <= set(columns):
        return None
    if any(conv is not None and conv not in _CANONICAL for conv in columns.values()):
        return None
    return frozenset(name for name, conv in columns.items() if conv in _CANONICAL)


_VERBATIM = {name: fields for name in ENTITIES if (fields := _verbatim(name)) is not None}
