"""Read what a feed shows: one query for activities, one for tasks, customer and contact joined.

With keys_only the same queries return just what the ETag and Last-Modified are made of: most
requests are calendar polls of an unchanged feed, and those end in a 304 after the narrow read.
"""
from sqlalchemy import and_, false, select

from ..extensions import db
from ..models import Activity, Contact, Customer, Task, User

_CUSTOMER = (Customer.name.label("customer_name"), Customer.street, Customer.postal_code, Customer.city,
             Customer.country, Customer.phone.label("customer_phone"),
             Customer.version.label("customer_version"), Customer.updated_at.label("customer_updated_at"))
_ACTIVITY = (Activity.id, Activity.version, Activity.created_at, Activity.updated_at, Activity.customer_id,
             Activity.type, Activity.status, Activity.title, Activity.starts_at, Activity.ends_at,
             Activity.location, Activity.notes, Activity.outcome, Activity.next_step)
_CONTACT = (Contact.name.label("contact_name"), Contact.role.label("contact_role"),
            Contact.phone.label("contact_phone"), Contact.version.label("contact_version"),
            Contact.updated_at.label("contact_updated_at"))
_KEYS = ("id", "version", "updated_at", "customer_version", "customer_updated_at", "contact_version",
         "contact_updated_at", "owner_name")
_TASK = (Task.id, Task.version, Task.created_at, Task.updated_at, Task.customer_id, Task.kind, Task.title,
         Task.due_on, Task.notes)


def _only_keys(columns):
    return [c for c in columns if c.key in _KEYS]


def activities(win, owner_id: str | None, keys_only: bool = False) -> list:
    """Read live activities starting in the window: one user's, or everyone's with the owner's name."""
    columns = (*_ACTIVITY, *_CUSTOMER, *_CONTACT)
    query = (select(*(_only_keys(columns) if keys_only else columns))
             .join(Customer, Customer.id == Activity.customer_id)
             .outerjoin(Contact, and_(Contact.id == Activity.contact_id, Contact.deleted == false()))
             .where(Activity.deleted == false(), Activity.starts_at >= win.start, Activity.starts_at < win.end)
             .order_by(Activity.starts_at, Activity.id))
    if owner_id is None:
        query = query.add_columns(User.name.label("owner_name")).outerjoin(User, User.id == Activity.owner_id)
    else:
        query = query.where(Activity.owner_id == owner_id)
    return [dict(row) for row in db.session.execute(query).mappings()]


def open_tasks(win, assignee_id: str, keys_only: bool = False) -> list:
    """Read the user's live open tasks due in the window."""
    columns = (*_TASK, *_CUSTOMER)
    query = (select(*(_only_keys(columns) if keys_only else columns))
             .join(Customer, Customer.id == Task.customer_id)
             .where(Task.deleted == false(), Task.status == "open", Task.assignee_id == assignee_id,
                    Task.due_on >= win.first_day, Task.due_on <= win.last_day)
             .order_by(Task.due_on, Task.id))
    return [dict(row) for row in db.session.execute(query).mappings()]


def latest_changes():
    """Read updated_at of the newest activity and the newest task change, in one round trip."""
    # Deletes, re-assignments and moves out of the window take a record out of a feed without a
    # trace among the rows it shows; the newest change anywhere covers them all. The version
    # index makes each lookup one index step.
    newest = [select(m.updated_at).order_by(m.version.desc()).limit(1).scalar_subquery() for m in (Activity, Task)]
    return db.session.execute(select(*newest)).one()


def user_names() -> tuple:
    """Read every user's (id, name): the team feed names reps, and a rename moves no sync version."""
    return tuple(tuple(row) for row in db.session.execute(select(User.id, User.name).order_by(User.id)))
