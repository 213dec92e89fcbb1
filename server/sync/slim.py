"""The slim pull (issue 18 item 2): a page without the fields a record holds at their empty value.

A first sync is mostly new records, and most of their fields are null or the column's default
(scripts/bench_wire.py measures it per entity). With `omit_empty=1` a pull leaves those out of
`data` and says once per page, under `fill`, what every field of each entity in the page is when
absent, in the order `data` has them. The app (pwa/static/js/wire.js) puts them back before it
stores the page, so its records are exactly those of a full pull. Without the parameter the wire
is as SPEC §5 shows: integrations and older apps see no change.
"""
from ..sync.codec import BOOKKEEPING, CODECS

_TIMESTAMPS = BOOKKEEPING[3:]  # created_at, updated_at: the first keys of every `data`


def _fill_of(codec) -> dict:
    fill = dict.fromkeys(_TIMESTAMPS)
    fill.update((name, codec.default_values[name]) for name in codec.fields)
    return fill


FILLS = {entity: _fill_of(codec) for entity, codec in CODECS.items()}
# Per entity, (field, its fill value) for the fields whose fill is not null: compared by type too,
# so a 0 is never taken for False nor 1.0 for 1.
_NOT_NULL = {entity: tuple((k, v) for k, v in fill.items() if v is not None) for entity, fill in FILLS.items()}


def slim(page: dict) -> dict:
    """`page` (a pull answer) with empty-valued fields left out of each `data`, and `fill` added."""
    seen = set()
    for change in page["changes"]:
        entity = change["entity"]
        seen.add(entity)
        data = change["data"]
        kept = {k: v for k, v in data.items() if v is not None}
        for name, empty in _NOT_NULL[entity]:
            value = kept.get(name)
            if value is not None and type(value) is type(empty) and value == empty:
                del kept[name]
        change["data"] = kept
    page["fill"] = {entity: FILLS[entity] for entity in sorted(seen)}
    return page


def filled(page: dict) -> dict:
    """The inverse, as the app does it (wire.js): every `data` whole again, in the full pull's key order."""
    fill = page.pop("fill", {})
    for change in page["changes"]:
        empty = fill[change["entity"]]
        data = change["data"]
        change["data"] = {**{k: data.get(k, v) for k, v in empty.items()}, **data}
    return page
