"""Drop the updates that would change nothing: a file imported twice with "update" writes nothing new.

An update that sets every field to the value it already has would still make a new version, so
every phone would pull the record again and its field history would say the import changed it.
The row's values are compared as the schema loads them (trimmed, blank as None) with the stored ones.
"""
from marshmallow import ValidationError
from sqlalchemy import select

from ..models import Contact, Customer
from ..sync.validation import load

CHUNK = 500
MODEL = {"customer": Customer, "contact": Contact}


def drop_unchanged(session, rows: list) -> None:
    """Turn updates of stored records into skips where no field differs; set the row's action."""
    for entity in ("customer", "contact"):
        action, record, fields = f"{entity}_action", f"{entity}_id", f"{entity}_fields"
        touched: dict = {}
        for row in rows:
            if getattr(row, action) == "update":
                touched.setdefault(getattr(row, record), []).append(row)
        # a record two rows update is left as planned: the later row compares with the earlier's values
        wanted = {rid: found[0] for rid, found in touched.items() if len(found) == 1}
        model = MODEL[entity]
        ids = list(wanted)
        for start in range(0, len(ids), CHUNK):
            for stored in session.scalars(select(model).where(model.id.in_(ids[start:start + CHUNK]))):
                row = wanted[stored.id]
                try:
                    loaded, _wire = load(entity, getattr(row, fields), creating=False)
                except ValidationError:
                    continue  # the plan checked it; the merge will say what is wrong
                changed = {k: v for k, v in getattr(row, fields).items() if getattr(stored, k, None) != loaded[k]}
                setattr(row, fields, changed)  # only what differs: the field history names what the import changed
                if not changed:
                    setattr(row, action, "skip")
                    label = entity.capitalize()
                    row.reason = row.reason.replace(f"{label} updated", f"{label} already up to date")
    for row in rows:
        if row.action == "update":
            acts = [a for a in (row.customer_action, row.contact_action) if a in ("create", "update")]
            row.action = acts[0] if acts else "skip"
