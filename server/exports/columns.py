"""The columns of each export: the entity's wire fields in codec order, readable headers, a cell type.

Values stay the stored codes (stage "active", status "delivered"), as on the wire: a sheet is for
filtering and re-importing, and a code reads the same in both languages. Ids that point at a
person or a customer get a name column beside them ("owner_name", "customer_name").
"""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, DateTime, Float, Numeric

from ..entities import ENTITIES

ALIASES = {"customers": "customer", "contacts": "contact", "activities": "activity",
           "deliveries": "delivery", "orders": "delivery"}
ENTITY_NAMES = ("customers", "contacts", "activities", "deliveries")
MARKETING_LEFT_OUT = ("do_not_contact", "marketing_ban")  # a marketing list never says who refused it

HEADERS = {
    "id": _l("Id"), "created_at": _l("Created"), "updated_at": _l("Updated"), "name": _l("Name"),
    "business_id": _l("Business ID"), "kind": _l("Kind"), "parent_id": _l("Chain id"), "segment": _l("Segment"),
    "stage": _l("Stage"), "owner_id": _l("Owner id"), "owner_name": _l("Owner"), "phone": _l("Phone"),
    "email": _l("E-mail"), "website": _l("Website"), "street": _l("Street address"),
    "postal_code": _l("Postal code"), "city": _l("City"), "country": _l("Country"),
    "do_not_contact": _l("Do not contact"), "marketing_ban": _l("No marketing"),
    "preferred_contact": _l("Preferred contact"), "notes": _l("Notes"), "archived": _l("Archived"),
    "customer_id": _l("Customer id"), "customer_name": _l("Customer"), "role": _l("Role"),
    "contact_id": _l("Contact id"), "type": _l("Type"), "status": _l("Status"), "title": _l("Title"),
    "starts_at": _l("Starts"), "ends_at": _l("Ends"), "location": _l("Location"), "outcome": _l("Outcome"),
    "next_step": _l("Next step"), "order_no": _l("Order number"), "ordered_on": _l("Ordered on"),
    "delivered_on": _l("Delivered on"), "channel": _l("Channel"), "lines": _l("Order lines"),
    "total": _l("Total (€)"), "deliver_on": _l("Wanted on"), "latitude": _l("Latitude"),
    "longitude": _l("Longitude"),
}
WIDTHS = {"text": 18, "long": 40, "id": 38, "money": 12, "number": 12, "day": 12, "instant": 17, "bool": 10, "lines": 50}
LONG = {"notes", "outcome", "next_step", "title", "name", "customer_name", "street", "email", "website"}


@dataclass(frozen=True)
class Column:
    key: str    # the wire field (or owner_name / customer_name)
    kind: str   # text | long | id | money | number | day | instant | bool | lines

    @property
    def header(self) -> str:
        return str(HEADERS[self.key])  # in the locale in force (request, or force_locale on the CLI)

    @property
    def width(self) -> int:
        return WIDTHS[self.kind]


def _kind(entity: str, name: str) -> str:
    col_type = ENTITIES[entity].table.c[name].type
    if name == "lines":
        return "lines"
    # Float before Numeric, its base: coordinates are plain numbers, not euros
    for sql_type, kind in ((DateTime, "instant"), (Date, "day"), (Float, "number"), (Numeric, "money"),
                           (Boolean, "bool")):
        if isinstance(col_type, sql_type):
            return kind
    return "id" if name == "id" or name.endswith("_id") and name != "business_id" else \
        "long" if name in LONG else "text"


def columns(entity: str, marketing: bool = False) -> list:
    """The export's columns for a codec entity (customer, contact, activity, delivery)."""
    out = [Column("id", "id")]
    for name in ENTITIES[entity].fields:
        if marketing and name in MARKETING_LEFT_OUT:
            continue
        out.append(Column(name, _kind(entity, name)))
        if name in ("owner_id", "customer_id"):
            out.append(Column(name.replace("_id", "_name"), "long" if name == "customer_id" else "text"))
    return out + [Column("created_at", "instant"), Column("updated_at", "instant")]


def entity_of(name: str) -> str | None:
    """The codec entity of an export name ("orders" is "deliveries"), or None."""
    return ALIASES.get(name.strip().lower())
