"""SPEC §2's one permission rule: the same allow/deny through every door, role × entity × action.

The doors are REST and sync. The back office writes no records and there is no import yet; both
would call server.permissions.check, the function the two doors below share. One app and one
team of users serve every case: each case makes its own records, so the cases do not interact.
"""
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from api_helpers import assert_error
from conftest import PASSWORD, app_on
from server.entities import ENTITIES
from server.extensions import db
from server.models import QuarantinedOp, User
from server.operations import write_one
from server.permissions import Actor
from sync_helpers import new_id, op, push_one

ROLES = ("rep", "service", "manager", "admin")
Y, N = True, False
# (entity, action, whose) -> allowed for rep, service, manager, admin. "own" is the acting user's
# record (activity: owner; task: assignee; conflict: whose value lost), "other" a colleague's,
# "created" a task the actor created for a colleague.
TABLE = {
    ("customer", "create", "-"): (Y, Y, Y, Y),
    ("customer", "edit", "-"): (Y, Y, Y, Y),
    ("customer", "delete", "-"): (N, N, Y, Y),       # reps archive instead
    ("contact", "create", "-"): (Y, Y, Y, Y),
    ("contact", "edit", "-"): (Y, Y, Y, Y),
    ("contact", "delete", "-"): (Y, Y, Y, Y),        # a person who left: anyone's to remove
    ("activity", "create", "own"): (Y, Y, Y, Y),
    ("activity", "create", "other"): (N, N, Y, Y),
    ("activity", "edit", "own"): (Y, Y, Y, Y),
    ("activity", "edit", "other"): (N, N, Y, Y),
    ("activity", "delete", "own"): (Y, Y, Y, Y),
    ("activity", "delete", "other"): (N, N, Y, Y),
    ("task", "create", "own"): (Y, Y, Y, Y),
    ("task", "create", "other"): (N, Y, Y, Y),       # service creates tasks for any rep
    ("task", "edit", "own"): (Y, Y, Y, Y),
    ("task", "edit", "created"): (Y, Y, Y, Y),
    ("task", "edit", "other"): (N, Y, Y, Y),
    ("task", "delete", "own"): (Y, Y, Y, Y),
    ("task", "delete", "created"): (Y, Y, Y, Y),
    ("task", "delete", "other"): (N, Y, Y, Y),
    ("delivery", "create", "-"): (Y, Y, Y, Y),       # an order taken on a visit
    ("delivery", "edit", "-"): (N, Y, Y, Y),
    ("delivery", "delete", "-"): (N, Y, Y, Y),
    ("conflict", "create", "-"): (N, N, N, N),       # made by the server only
    ("conflict", "edit", "own"): (Y, Y, Y, Y),       # marking it resolved
    ("conflict", "edit", "other"): (N, N, Y, Y),
    ("conflict", "delete", "own"): (N, N, N, N),     # resolved, never deleted
}
CASES = [pytest.param(role, entity, action, whose, allowed[i], id=f"{role}-{entity}-{action}-{whose}")
         for (entity, action, whose), allowed in TABLE.items() for i, role in enumerate(ROLES)]
EDIT = {"customer": {"notes": "Päivitetty"}, "contact": {"notes": "Päivitetty"}, "activity": {"notes": "Päivitetty"},
        "task": {"notes": "Päivitetty"}, "delivery": {"order_no": "T-2"}, "conflict": {"resolved": True}}


@pytest.fixture(scope="module")
def app(database_url):
    """One app for the whole table (the cases only read and write their own records)."""
    with app_on(database_url) as app:
        yield app


@pytest.fixture(scope="module")
def team(app):
    """One user of each role plus a colleague (rep2), each with a bearer token."""
    client = app.test_client()
    out = SimpleNamespace(client=client, users={}, headers={})
    for name in (*ROLES, "rep2"):
        user = User(email=f"{name}@example.com", name=name.title(), role="rep" if name == "rep2" else name)
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
        token = client.post("/api/auth/token", json={"email": user.email, "password": PASSWORD})
        out.users[name] = SimpleNamespace(id=user.id, role=user.role)
        out.headers[name] = {"Authorization": f"Bearer {token.json['token']}"}
    return out


def _write(entity, fields, record_id=None):
    """Make a record as the server would (no rule stands in the way of setting up a case)."""
    return write_one(Actor(id=None, role="admin"), entity, record_id, "put", fields)["id"]


def _fields(team, entity, actor, whose, customer, setup=False):
    """A create's fields for the case (`setup`: as stored, with the task's creator)."""
    me, colleague = team.users[actor].id, team.users["rep2"].id
    owner = me if whose == "own" else colleague
    return {
        "customer": {"name": "Kahvila Aalto"},
        "contact": {"customer_id": customer, "name": "Liisa Jääskeläinen"},
        "activity": {"customer_id": customer, "type": "visit", "title": "Aalto – maistatus", "owner_id": owner},
        "task": {"customer_id": customer, "title": "Soita", "assignee_id": owner,
                 **({"created_by": me if whose == "created" else owner} if setup else {})},
        "delivery": {"customer_id": customer, "order_no": "T-1"},
        "conflict": {"resolved": False},
    }[entity]


def _existing(team, entity, actor, whose) -> tuple:
    """(id, version) of a stored record for the case."""
    customer = _write("customer", {"name": "Asiakas Oy"})
    if entity == "conflict":  # the loser of a concurrent edit gets one
        loser = team.headers[actor if whose == "own" else "rep2"]
        version = team.client.get(f"/api/customers/{customer}", headers=loser).json["version"]
        push_one(team.client, team.headers["admin"], op("customer", customer, {"city": "Oulu"}, base=version, minute=9),
                 "desk")
        lost = push_one(team.client, loser, op("customer", customer, {"city": "Pori"}, base=version, minute=1), "phone")
        assert lost["status"] == "conflict", lost
        table = ENTITIES["conflict"].table
        rid = db.session.scalar(sa.select(table.c.id).where(table.c.record_id == customer))
    else:
        rid = customer if entity == "customer" else _write(entity, _fields(team, entity, actor, whose, customer, setup=True))
    db.session.commit()
    return rid, _version(entity, rid)


def _version(entity, rid):
    table = ENTITIES[entity].table
    db.session.commit()  # see what the requests committed
    row = db.session.execute(sa.select(table.c.version, table.c.deleted).where(table.c.id == rid)).first()
    return None if row is None else (row.version, row.deleted)


def _through_rest(team, role, entity, action, whose):
    """(allowed, rule's messages by field or None) through REST; checks a refusal changed nothing."""
    h, path = team.headers[role], f"/api/{ENTITIES[entity].plural}"
    if action == "create":
        customer = _write("customer", {"name": "Asiakas Oy"})
        rid = new_id()
        r = team.client.post(path, json={"id": rid, **_fields(team, entity, role, whose, customer)}, headers=h)
        before = None
    else:
        rid, before = _existing(team, entity, role, whose)
        if action == "edit":
            r = team.client.patch(f"{path}/{rid}", json=EDIT[entity], headers=h)
        else:
            r = team.client.delete(f"{path}/{rid}", headers=h)
    if r.status_code in (200, 201, 204):
        after = _version(entity, rid)
        assert after is not None and after[0] > (before or (0, 0))[0]
        assert after[1] is (action == "delete")
        return True, None
    if entity == "conflict" and action in ("create", "delete"):
        assert_error(r, 405)  # the resource has no such method: conflicts are the server's
        messages = None
    else:
        messages = assert_error(r, 403)["fields"]
    assert _version(entity, rid) == before, "a refused REST write changed the record"
    return False, messages


def _through_sync(team, role, entity, action, whose):
    """(allowed, errors) of the same write as a sync op; checks a refusal is kept in quarantine."""
    if action == "create":
        customer = _write("customer", {"name": "Asiakas Oy"})
        rid, base, before = new_id(), 0, None
        one = op(entity, rid, _fields(team, entity, role, whose, customer))
    else:
        rid, before = _existing(team, entity, role, whose)
        base = before[0]
        one = op(entity, rid, EDIT[entity] if action == "edit" else {}, base=base,
                 type_="put" if action == "edit" else "delete")
    result = push_one(team.client, team.headers[role], one, f"phone-{role}")
    if result["status"] == "applied":
        assert _version(entity, rid)[1] is (action == "delete")
        return True, None
    assert result["status"] == "rejected", result
    assert _version(entity, rid) == before, "a refused sync op changed the record"
    kept = db.session.scalar(sa.select(QuarantinedOp.errors).where(QuarantinedOp.op_id == one["op_id"]))
    assert kept == result["errors"], "a refused op must be kept for review"
    return False, result["errors"]


@pytest.mark.parametrize("role,entity,action,whose,allowed", CASES)
def test_every_door_gives_the_same_answer(team, role, entity, action, whose, allowed):
    rest, rest_says = _through_rest(team, role, entity, action, whose)
    sync, sync_says = _through_sync(team, role, entity, action, whose)
    assert (rest, sync) == (allowed, allowed)
    if not allowed and rest_says is not None:
        assert rest_says == sync_says  # the same rule, so the same words
