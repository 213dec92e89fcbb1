"""Read side of the REST resources: one record or a filtered, searched page as wire JSON."""
from sqlalchemy import and_, exists, false, func, select

from ..entities import ENTITIES, Entity
from ..extensions import db
from ..sync.codec import CODECS

# Filters a list accepts besides q/page/per_page ("owner" is an alias of owner_id).
FILTERS = {
    "customer": ("segment", "owner_id", "stage", "archived", "kind", "parent_id", "city"),
    "contact": ("customer_id",),
    "activity": ("customer_id", "owner_id", "status", "type", "contact_id"),
    "task": ("customer_id", "assignee_id", "status", "kind", "delivery_id"),
    "delivery": ("customer_id", "status", "channel"),
    "conflict": ("entity", "record_id", "resolved", "lost_by"),
}
ALIASES = {"owner": "owner_id", "assignee": "assignee_id"}
ORDER = {
    "customer": ("name",), "contact": ("name",), "activity": ("-starts_at",), "task": ("due_on",),
    "delivery": ("-ordered_on",), "conflict": ("-version",),
}


def record_json(entity: str, row) -> dict:
    """A stored row (mapping) in the REST shape: id, version, deleted, timestamps, fields."""
    return CODECS[entity].record(row)


def load_one(entity: str, record_id: str):
    table = ENTITIES[entity].table
    return db.session.execute(select(table).where(table.c.id == record_id)).mappings().first()


def like_pattern(q: str) -> str:
    escaped = q.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def list_page(entity: Entity, q: str | None, filters: dict, page: int, per_page: int, visible=None):
    """Return (rows, total) of live records matching search and filters, in a stable order."""
    table = entity.table
    conds = [table.c.deleted == false()]
    if visible is not None:
        conds.append(visible)
    for name, value in filters.items():
        conds.append(table.c[name].is_(None) if value is None else table.c[name] == value)
    if q:
        pattern = like_pattern(q)
        match = table.c.search_text.like(pattern, escape="\\")
        if entity.name == "customer":  # contact names find their customer too
            contacts = ENTITIES["contact"].table
            match = match | exists().where(and_(contacts.c.customer_id == table.c.id,
                                                contacts.c.deleted == false(),
                                                contacts.c.search_text.like(pattern, escape="\\")))
        conds.append(match)
    where = and_(*conds)
    total = db.session.scalar(select(func.count()).select_from(table).where(where))
    order = [table.c[key[1:]].desc() if key.startswith("-") else table.c[key] for key in ORDER[entity.name]]
    rows = db.session.execute(
        select(table).where(where).order_by(*order, table.c.id).limit(per_page).offset((page - 1) * per_page)
    ).mappings().all()
    return rows, total
