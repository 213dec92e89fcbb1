"""How per-field metadata is stored: one stamp per change, shared by the fields it set.

In memory the merge sees {field: stamp}, a stamp being [version, edited_at, client_id, op_id,
user_id, device_at]. Stored, a create of a 17-field customer used to repeat one stamp 17 times
(about 2.5 KB a row, past PostgreSQL's TOAST threshold, most of a push's bytes). Packed, the stamps
are listed once under STAMPS and each field holds the index of its stamp:

    {"@": [[1042, "2026-...Z", "phone-a", "op-1", "u-1", "2026-...Z"]], "name": 0, "city": 0}

Rows written before packing hold {field: stamp} and are read as they are; they are packed the next
time they change. No field is named "@", so the key cannot clash.
"""
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
    stamps: list = []
    by_id: dict = {}     # fields set by one change share one list object: the cheap test
    by_value: dict = {}  # equal stamps in separate lists (rows from before packing)
    out: dict = {STAMPS: stamps}
    for name, stamp in meta.items():
        index = by_id.get(id(stamp))
        if index is None:
            key = tuple(stamp)
            index = by_value.get(key)
            if index is None:
                index = by_value[key] = len(stamps)
                stamps.append(stamp)
            by_id[id(stamp)] = index
        out[name] = index
    return out
