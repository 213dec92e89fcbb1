"""The registry of synced entities: model, schema, references and searchable fields.

Every layer (merge shell, REST, pull, import) reads entity facts from here, so adding a field
or a reference is a change in one place.
"""
from dataclasses import dataclass, field

from .models import SYNCED
from .schemas.entities import SCHEMAS

SYNCED_COLUMNS = ("id", "version", "deleted", "created_at", "updated_at", "field_meta", "search_text")

from .sync.graph import CASCADE, NULLIFY, USER, Graph, Ref  # noqa: F401  (CASCADE, NULLIFY: re-exported)


@dataclass(frozen=True)
class Entity:
    name: str
    plural: str
    refs: dict = field(default_factory=dict)
    search: tuple = ()

    @property
    def model(self):
        return SYNCED[self.name]

    @property
    def table(self):
        return SYNCED[self.name].__table__

    @property
    def schema(self):
        return SCHEMAS[self.name]

    @property
    def fields(self) -> tuple:
        return tuple(c.name for c in self.table.columns if c.name not in SYNCED_COLUMNS)


ENTITIES = {
    "customer": Entity("customer", "customers",
                       refs={"parent_id": Ref("customer", CASCADE), "owner_id": Ref("user", USER)},
                       search=("name", "city", "business_id")),
    "contact": Entity("contact", "contacts",
                      refs={"customer_id": Ref("customer", CASCADE)},
                      search=("name", "role", "phone", "email")),
    "activity": Entity("activity", "activities",
                       refs={"customer_id": Ref("customer", CASCADE), "contact_id": Ref("contact", NULLIFY),
                             "owner_id": Ref("user", USER)},
                       search=("title", "location", "notes")),
    "task": Entity("task", "tasks",
                   refs={"customer_id": Ref("customer", CASCADE), "delivery_id": Ref("delivery", NULLIFY),
                         "assignee_id": Ref("user", USER), "created_by": Ref("user", USER)},
                   search=("title", "notes")),
    "delivery": Entity("delivery", "deliveries",
                       refs={"customer_id": Ref("customer", CASCADE)},
                       search=("order_no",)),
    "conflict": Entity("conflict", "conflicts"),
}
GRAPH = Graph({name: dict(entity.refs) for name, entity in ENTITIES.items()})
# Order in which new rows are inserted so a reference always points at a row already written.
INSERT_ORDER = ("customer", "contact", "delivery", "activity", "task", "conflict")


def children_of(entity: str):
    """(child entity, field, mode) for every reference that points at `entity`."""
    return [(e.name, f, r.mode) for e in ENTITIES.values() for f, r in e.refs.items() if r.target == entity]


def search_text(entity: Entity, values: dict) -> str:
    """Casefold the searchable fields (casefold, unlike SQL lower(), handles ä, ö, å everywhere)."""
    # casefold works letter by letter, so folding the joined text once is the same as field by field
    return " ".join([str(value) for value in map(values.get, entity.search) if value]).casefold()
