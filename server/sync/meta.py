"""How per-field metadata is stored: one stamp per change, shared by the fields it set.

In memory the merge sees {field: stamp}, a stamp being [version, edited_at, client_id, op_id,
user_id, device_at]. Stored, a create of a 17-field customer used to repeat one stamp 17 times
(about 2.5 KB a row, past PostgreSQL's TOAST threshold, most of a push's bytes). Packed, the stamps
are listed once under STAMPS and each field holds the index of its stamp:

    {"@": [[1042, "2026-...Z", "phone-a", "op-1", "u-1", "2026-...Z"]], "name": 0, "city": 0}

Rows written before packing hold {field: stamp} and are read as they are; they are packed the next
time they change. No field is named "@", so the key cannot clash.
"""
from json.encoder import encode_basestring_ascii

import orjson

STAMPS = "@"


def unpack(stored: dict | None) -> dict:
    """Return {field: stamp} from a stored value, packed or not; fields of one stamp share it."""
    if not stored:
        return {}
    stamps = stored.get(STAMPS)
    if stamps is None:
        return dict(stored)
    return {name: stamps[i] for name, i in stored.items() if name != STAMPS}


def pack(meta: dict) -> dict:
    """Return the stored form of {field: stamp}: each distinct stamp once."""
    stamps, indexes = _dedupe(list(meta.values()))
    out: dict = {STAMPS: stamps}
    out.update(zip(meta, indexes))
    return out


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


def load_json(text) -> dict:
    """The stored field_meta text (or bytes) as a dict: orjson reads it ~3 times faster than json."""
    return orjson.loads(text)


_TAILS: dict = {}  # (field names, stamp indexes) -> '"name": 0, "city": 0' text


def pack_json(meta: dict) -> str:
    """pack(meta) as JSON text, made cheaply (every changed record is written with it).

    The stamps are encoded as one list; the field -> index part depends only on the field names and
    the indexes, which repeat from record to record (a create's fields all share stamp 0), so its
    text is made once per shape.
    """
    values = list(meta.values())
    if values and values.count(values[0]) == len(values):  # equal stamps (a create's fields share one)
        return _packed_text(meta, [values[0]], (0,) * len(values))
    stamps, indexes = _dedupe(values)
    return _packed_text(meta, stamps, tuple(indexes))


def _packed_text(meta: dict, stamps: list, indexes: tuple) -> str:
    shape = (tuple(meta), indexes)
    tail = _TAILS.get(shape)
    if tail is None:
        if len(_TAILS) > 10000:  # shapes are few; never let the cache grow without bound
            _TAILS.clear()
        tail = _TAILS[shape] = "".join(f", {encode_basestring_ascii(name)}: {index}"
                                       for name, index in zip(meta, indexes))
    return '{"@": ' + orjson.dumps(stamps).decode() + tail + "}"
