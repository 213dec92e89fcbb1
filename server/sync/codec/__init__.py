"""Stored rows <-> wire JSON: one codec per entity (records.py) and the packed form of per-field
metadata (meta.py). Read and write speed tricks of the sync core live here and in writer.py only."""
from .meta import FIELD_ORDER, load_json, pack, pack_json, unpack  # noqa: F401
from .records import BOOKKEEPING, CODECS, Codec, day, instant, money, wire_of_column_type  # noqa: F401
