"""Export customers, contacts, activities and orders (deliveries) to CSV or .xlsx, for the back office and the CLI.

`export(session, name, path_or_file, fmt, query, marketing)` selects the rows (the customer list's
filters, office/customer_list.py, applied to the customer of each row), streams them to the writer
(write.py) and returns the count; the caller records the audit entry and commits.

Marketing exports leave out the do_not_contact and marketing_ban columns AND every customer or
contact who refused marketing or contact: a marketing list must not contain people who said no.
For contacts, activities and orders the customer's refusal counts too (a contact of a customer
marked "do not contact" is not on the list either). Deleted records are never exported.
"""
from contextlib import nullcontext
from datetime import timezone
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from ..config import org_timezone_name
from ..entities import ENTITIES
from ..models import Contact, Customer, User
from ..office.customer_list import Query, conditions
from ..office.lights import intervals, last_contacts, light_column
from .columns import ENTITY_NAMES, columns, entity_of  # noqa: F401  (the package's vocabulary)
from .write import FORMATS, write

CHUNK = 1000  # rows fetched at a time: memory stays flat at 20 000 customers


def statement(session, entity: str, query: Query, marketing: bool):
    """SELECT of the entity's live rows with owner_name/customer_name, filtered through their customer."""
    table = ENTITIES[entity].table
    owner = aliased(User)
    if entity == "customer":
        stmt = select(table).where(*conditions(session, query))
    else:
        stmt = select(table, Customer.name.label("customer_name")).join(Customer, Customer.id == table.c.customer_id)
        stmt = stmt.where(table.c.deleted.is_(False), *conditions(session, query))
    if "owner_id" in table.c:
        stmt = stmt.add_columns(owner.name.label("owner_name")).outerjoin(owner, owner.id == table.c.owner_id)
    if query.light:  # the light needs each customer's last contact (the list's own rule)
        contacts = last_contacts()
        stmt = stmt.outerjoin(contacts, contacts.c.customer_id == Customer.id)
        stmt = stmt.where(light_column(contacts.c.last_contact, intervals(session)) == query.light)
    if marketing:
        stmt = stmt.where(Customer.do_not_contact.is_(False), Customer.marketing_ban.is_(False))
        if entity == "contact":
            stmt = stmt.where(Contact.marketing_ban.is_(False))
    order = [func.lower(Customer.name), Customer.id] + ([] if entity == "customer" else [table.c.id])
    return stmt.order_by(*order)


def rows(session, entity: str, query: Query, marketing: bool):
    """The rows as {column key: stored value}, instants in the organisation's time zone (naive)."""
    tz = ZoneInfo(org_timezone_name())
    instants = [c.key for c in columns(entity, marketing) if c.kind == "instant"]
    result = session.execute(statement(session, entity, query, marketing).execution_options(yield_per=CHUNK))
    for row in result.mappings():
        out = dict(row)
        for key in instants:
            if out[key] is not None:
                out[key] = out[key].replace(tzinfo=timezone.utc).astimezone(tz).replace(tzinfo=None)
        yield out


def export(session, name: str, out, fmt: str, query: Query | None = None, marketing: bool = False,
           lang: str | None = None) -> int:
    """Write entity `name`'s rows to `out` (a path or binary file) as `fmt` ("csv" | "xlsx"); return the count.

    Headers in `lang` ("en" | "fi"), or in the request's language when None.
    """
    entity = entity_of(name)
    if entity is None:
        raise ValueError(f"Unknown entity {name!r}: use one of {', '.join(ENTITY_NAMES)} (or orders).")
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format {fmt!r}: use .csv or .xlsx.")
    query = query or Query(archived="all")
    with force_locale(lang) if lang else nullcontext():
        return write(fmt, columns(entity, marketing), rows(session, entity, query, marketing), out)
