"""Who may create, edit and delete what (SPEC §2): the one rule every door asks.

Every write (REST, sync, the back office, imports, server rules) goes through the push
(server/sync/push.py), which calls `check` before merging; an import or a new door that writes
without the push calls `check` itself with the same arguments. It is pure: the actor, the entity,
the action, the record as stored (wire values, None when it is new) and the fields the write
sets, in; error messages by field out. What a role may do never depends on the door.

How SPEC §2 is read:
- "a rep may delete their own activities and tasks and contacts (a person who left)": "own"
  belongs to activities and tasks, the records that have a person: an activity is a rep's when
  its `owner_id` is theirs, a task when its `assignee_id` or `created_by` is. A contact has no
  owner (it is a person at a customer, company data like the customer itself), and the
  parenthesis gives the reason to delete one, so any rep may delete any contact.
- A rep edits customers and contacts, and only their own activities and tasks; they plan
  activities and tasks for themselves only, record orders (create deliveries) but do not change
  or delete them, and archive customers instead of deleting them.
- `service` is "as rep, plus": everything a rep may, plus any task (create for anyone, edit,
  delete) and any order or delivery.
- Managers and admins may do anything to any record, except that conflict records are made by
  the server and only ever marked `resolved` (§3), by the user whose value lost or a manager.
- `created_by` of a task is set by the server; only managers (and imports running as one) may
  write another value.
- The server itself (actor id None: follow-ups, demo data) is not limited.
"""
from dataclasses import dataclass
from typing import Optional

RANK = {"rep": 0, "service": 1, "manager": 2, "admin": 3}
CREATE, EDIT, DELETE = "create", "edit", "delete"


@dataclass(frozen=True)
class Actor:
    id: Optional[str]   # None for the server itself (follow-ups, cascades)
    role: str

    def at_least(self, role: str) -> bool:
        return RANK[self.role] >= RANK[role]


def create_defaults(actor: Actor, entity: str, fields: dict) -> dict:
    """The fields with what a new record should carry when the client left it out (a new dict, or
    `fields` itself when nothing is missing; `fields` is never changed)."""
    if actor.id is None:
        return fields
    if entity in ("customer", "activity"):
        return fields if "owner_id" in fields else {**fields, "owner_id": actor.id}
    if entity == "task":
        out = dict(fields)
        out.setdefault("assignee_id", actor.id)
        out["created_by"] = out.get("created_by") or actor.id
        return out
    return fields


def check(actor: Actor, entity: str, action: str, current: Optional[dict], fields: dict) -> dict:
    """Return {field: [message]} for everything this actor may not do here; {} when allowed.

    `action` is create, edit or delete, or a sync op's type: a `put` creates when there is no
    stored record and edits otherwise (a tombstone brought back is an edit of it).
    """
    if action == "put":
        action = CREATE if current is None else EDIT
    if entity == "conflict":
        return _conflict(actor, action, current)
    if actor.id is None or actor.at_least("manager"):
        return {}
    return _BY_ENTITY[entity](actor, action, current or {}, fields)


def _conflict(actor, action, current):
    if action != EDIT:
        return {"entity": ["Conflict records are made by the server; only 'resolved' can be set."]}
    if actor.id is None or actor.at_least("manager") or current.get("lost_by") == actor.id:
        return {}
    return {"id": ["You can only resolve your own conflicts."]}


def _customer(actor, action, current, fields):
    if action == DELETE:
        return {"id": ["Only managers can delete customers; archive it instead."]}
    return {}


def _contact(actor, action, current, fields):
    return {}  # company data: any rep edits it, and deletes a person who left


def _activity(actor, action, current, fields):
    if action != CREATE and current.get("owner_id") != actor.id:
        if action == DELETE:
            return {"id": ["You can only delete your own activities."]}
        return {"owner_id": ["You can only change your own activities."]}
    if "owner_id" in fields and fields["owner_id"] != actor.id:
        return {"owner_id": ["You can only plan activities for yourself."]}
    return {}


def _task(actor, action, current, fields):
    errors = {}
    if not actor.at_least("service"):
        if action != CREATE and actor.id not in (current.get("assignee_id"), current.get("created_by")):
            if action == DELETE:
                return {"id": ["You can only delete your own tasks."]}
            errors["assignee_id"] = ["You can only change your own tasks."]
        elif "assignee_id" in fields and fields["assignee_id"] != actor.id:
            errors["assignee_id"] = ["Only customer service and managers can assign tasks to others."]
    if "created_by" in fields and fields["created_by"] != current.get("created_by", actor.id):
        errors["created_by"] = ["This field is set by the server."]
    return errors


def _delivery(actor, action, current, fields):
    if action == CREATE or actor.at_least("service"):
        return {}
    message = ["Only customer service and managers can change or delete orders and deliveries."]
    if action == DELETE or not fields:
        return {"id": message}
    return {name: message for name in fields}


_BY_ENTITY = {"customer": _customer, "contact": _contact, "activity": _activity, "task": _task,
              "delivery": _delivery}
