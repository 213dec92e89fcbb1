"""How per-field metadata is stored: each change's stamp once, and a short code saying which
field each stamp set.

In memory the merge sees {field: stamp}, a stamp being [version, edited_at, client_id, op_id,
user_id, seq]. Every record carries this, and a push writes it for every record it touches,
so its size is paid in every page a push writes: written as {field: stamp} it was most of a row.
Stored, the distinct stamps are listed once under STAMPS, and SHAPE is one character per field of
the entity, in the fixed order of FIELD_ORDER: the index of the field's stamp, or "-" for none.
    {"@": [[1042, "2026-...Z", "phone-a", "op-1", "u-1", 17], [1107, ...]], "#": "0000-01"}

Rows written before seq existed hold the device's own clock reading (text) or 0 in the sixth
place: a clock never orders one client's ops (SPEC §5), so the text is read as "no seq", and 0 is
a seq no later op can be below.

Keys outside FIELD_ORDER ("deleted", and any field a later version adds before it is listed)
are stored by name, {"deleted": 1}. Rows written in the two earlier forms, {"@": [...], "name": 0}
and {field: stamp}, are read as they are and rewritten in this form when they next change.
"""
from json.encoder import encode_basestring_ascii

import orjson

STAMPS, SHAPE, NONE = "@", "#", "-"
DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

# Append only: stored shapes are read by position, so a field keeps its place forever (a removed
# field's name stays as a placeholder). tests/test_sync_store.py holds a copy that must match.
FIELD_ORDER = {
    "customer": ("name", "business_id", "kind", "parent_id", "segment", "stage", "owner_id", "phone", "email",
                 "website", "street", "postal_code", "city", "country", "do_not_contact", "marketing_ban",
                 "preferred_contact", "notes", "archived", "latitude", "longitude"),
    "contact": ("customer_id", "name", "role", "phone", "email", "marketing_ban", "notes"),
    "activity": ("customer_id", "contact_id", "owner_id", "type", "status", "title", "starts_at", "ends_at",
                 "location", "notes", "outcome", "next_step"),
    "task": ("customer_id", "assignee_id", "created_by", "kind", "title", "due_on", "remind_at", "status",
             "delivery_id", "notes"),
    "delivery": ("customer_id", "order_no", "ordered_on", "delivered_on", "status", "channel", "lines", "total",
                 "deliver_on"),
    "conflict": ("entity", "record_id", "field", "kept_value", "lost_value", "lost_by", "kept_by",
                 "lost_edited_at", "resolved"),
}
_POSITION = {entity: {name: i for i, name in enumerate(order)} for entity, order in FIELD_ORDER.items()}


def load_json(text) -> dict:
    """The stored field_meta text (or bytes) as a dict: orjson reads it several times faster than json."""
    return orjson.loads(text)


def unpack(stored: dict | None, entity: str) -> dict:
    """Return {field: stamp} from a stored value in any of its forms; fields of one stamp share it."""
    if not stored:
        return {}
    stamps = stored.get(STAMPS)
    if stamps is None:  # the oldest form, {field: stamp}
        _forget_clock_readings(stored.values())
        return dict(stored)
    _forget_clock_readings(stamps)
    shape = stored.get(SHAPE)
    out = {name: stamps[i] for name, i in _decode(entity, shape)} if shape else {}
    if len(stored) > (2 if shape is not None else 1):
        out.update((name, stamps[i]) for name, i in stored.items() if name != STAMPS and name != SHAPE)
    return out


def _forget_clock_readings(stamps) -> None:
    for stamp in stamps:
        if len(stamp) > 5 and type(stamp[5]) is str:
            stamp[5] = None


_DECODED: dict = {}


def _decode(entity: str, shape: str) -> list:
    """[(field, stamp index)] of a shape code, made once per entity and code."""
    key = (entity, shape)
    pairs = _DECODED.get(key)
    if pairs is None:
        if len(_DECODED) > 10000:  # shapes are few; never let the cache grow without bound
            _DECODED.clear()
        order = FIELD_ORDER[entity]
        pairs = _DECODED[key] = [(order[i], DIGITS.index(c)) for i, c in enumerate(shape) if c != NONE]
    return pairs


def pack(meta: dict, entity: str) -> dict:
    """Return the stored form of {field: stamp}."""
    return orjson.loads(pack_json(meta, entity))


def pack_json(meta: dict, entity: str) -> str:
    """The stored form of {field: stamp} as JSON text (every changed record is written with it).

    The shape part depends only on the field names and their stamp indexes, which repeat from
    record to record (a create's fields all share stamp 0), so its text is made once per shape.
    """
    if not meta:
        return _EMPTY  # conflict records and other server-made rows
    values = list(meta.values())
    if values.count(values[0]) == len(values):  # equal stamps (a create's fields share one)
        stamps, indexes = [values[0]], (0,) * len(values)
    else:
        stamps, indexes = _dedupe(values)
        indexes = tuple(indexes)
    key = (entity, tuple(meta), indexes)
    tail = _TAILS.get(key)
    if tail is None:
        tail = _tail(*key)
    return '{"@":' + orjson.dumps(stamps).decode() + tail + "}"


_EMPTY = '{"%s":[]}' % STAMPS
_TAILS: dict = {}  # (entity, field names, stamp indexes) -> ',"#":"00-1","deleted":2' text


def _tail(entity: str, names: tuple, indexes: tuple) -> str:
    if len(_TAILS) > 10000:  # shapes are few; never let the cache grow without bound
        _TAILS.clear()
    if len(set(indexes)) > len(DIGITS):
        raise ValueError(f"a record's metadata holds more than {len(DIGITS)} distinct stamps")
    position = _POSITION.get(entity, {})
    codes = [NONE] * len(position)
    named = []
    for name, index in zip(names, indexes):
        if name in position:
            codes[position[name]] = DIGITS[index]
        else:
            named.append(f',{encode_basestring_ascii(name)}:{index}')
    shape = "".join(codes).rstrip(NONE)
    _TAILS[(entity, names, indexes)] = tail = (f',"{SHAPE}":"{shape}"' if shape else "") + "".join(named)
    return tail


def _dedupe(values: list) -> tuple:
    """(distinct stamps, each value's index into them): fields set by one change share one list
    object (the cheap test); equal stamps in separate lists come from rows stored before packing."""
    stamps: list = []
    by_id: dict = {}
    by_value: dict = {}
    indexes = []
    for stamp in values:
        index = by_id.get(id(stamp))
        if index is None:
            key = tuple(stamp)
            index = by_value.get(key)
            if index is None:
                index = by_value[key] = len(stamps)
                stamps.append(stamp)
            by_id[id(stamp)] = index
        indexes.append(index)
    return stamps, indexes
