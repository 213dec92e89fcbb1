"""Who may write what (SPEC §2), and the values the server fills in on create.

Pure: takes the actor, the op and the record's current wire values; returns error messages by
field. An op that breaks a rule is rejected whole and kept for review.
"""
from dataclasses import dataclass
from typing import Optional

RANK = {"rep": 0, "service": 1, "manager": 2, "admin": 3}


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


def check(actor: Actor, entity: str, op_type: str, current: Optional[dict], fields: dict) -> dict:
    """Return {field: [message]} for everything this actor may not do here; {} when allowed."""
    if actor.id is None or actor.at_least("manager"):
        if entity == "conflict" and (op_type == "delete" or current is None):
            return {"entity": ["Conflict records are made by the server; only 'resolved' can be set."]}
        return {}
    errors: dict = {}
    own = actor.id
    if entity == "customer" and op_type == "delete":
        errors["id"] = ["Only managers can delete customers; archive it instead."]
    elif entity == "conflict":
        if op_type == "delete" or current is None:
            errors["entity"] = ["Conflict records are made by the server; only 'resolved' can be set."]
        elif current.get("lost_by") != own:
            errors["id"] = ["You can only resolve your own conflicts."]
    elif entity == "activity":
        if current is not None and current.get("owner_id") not in (None, own):
            errors["owner_id"] = ["You can only change your own activities."]
        elif fields.get("owner_id") not in (None, own):
            errors["owner_id"] = ["You can only plan activities for yourself."]
    elif entity == "task":
        mine = current is None or own in (current.get("assignee_id"), current.get("created_by"))
        if not mine and not actor.at_least("service"):
            errors["assignee_id"] = ["You can only change your own tasks."]
        elif "assignee_id" in fields and fields["assignee_id"] not in (None, own) and not actor.at_least("service"):
            errors["assignee_id"] = ["Only customer service and managers can assign tasks to others."]
        if "created_by" in fields and fields["created_by"] != (current or {}).get("created_by", own):
            errors["created_by"] = ["This field is set by the server."]
    elif entity == "delivery" and not actor.at_least("service"):
        if op_type == "delete" or current is not None:
            errors["status"] = ["Only customer service and managers can change orders and deliveries."]
    return errors
