"""The queries that load a push's records by id, built once per entity and database.

A push looks up ~500 ids at a time in one query per entity: the records it changes (whole, with
their field metadata), the records it only points at (id and tombstone flag), and customers by
Y-tunnus.
"""
from sqlalchemy import Text, cast, select

from ..entities import ENTITIES
from .codec import CODECS
from .writer import one_of

_QUERIES: dict = {}
READ: dict = {}  # query -> (fields (the first columns), [(field, wire converter)])


def by_ids(entity: str, light: bool, dialect):
    """(SELECT records (whole, or id and tombstone flag) by a list of ids, make_param); built once."""
    key = (entity, light, dialect.name)
    if key not in _QUERIES:
        table = ENTITIES[entity].table
        condition, make_param = one_of(table.c.id, dialect)
        if light:
            query = select(table.c.id, table.c.deleted).where(condition)
        else:
            codec = CODECS[entity]
            read = [codec.read_column(name, dialect) for name in codec.fields]
            # the bookkeeping columns last, in the order _rec takes them; field_meta as its text,
            # decoded by orjson (the JSON type would use json.loads). Creation time and search text
            # are never read: an update sets updated_at, and search_text when a searched field changes.
            query = select(*[column for column, _conv in read], table.c.id, table.c.version, table.c.deleted,
                           cast(table.c.field_meta, Text).label("field_meta")).where(condition)
            READ[query] = (codec.fields, [(name, conv) for name, (_col, conv) in zip(codec.fields, read) if conv])
        _QUERIES[key] = (query, make_param)
    return _QUERIES[key]


def by_business_ids(dialect):
    """(SELECT the ids of customers holding one of a list of Y-tunnus values, make_param)."""
    key = ("business_ids", dialect.name)
    if key not in _QUERIES:
        table = ENTITIES["customer"].table
        condition, make_param = one_of(table.c.business_id, dialect)
        _QUERIES[key] = (select(table.c.id).where(condition), make_param)
    return _QUERIES[key]
