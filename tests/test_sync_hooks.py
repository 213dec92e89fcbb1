"""The record-changed hook: features write through the merge in the push's own transaction."""
from datetime import datetime

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import Customer, Task
from server.sync import hooks
from server.sync.push import apply_ops
from server.permissions import Actor
from sync_helpers import new_id
from sync_helpers import op as wire_op


def op(*args, **kwargs):
    """An op as apply_ops takes it: edited_at parsed, as the push view hands it over."""
    one = wire_op(*args, **kwargs)
    return {**one, "edited_at": datetime.fromisoformat(one["edited_at"])}


@pytest.fixture
def hook():
    """hook(fn) registers fn for one test."""
    registered = []

    def register(fn):
        registered.append(hooks.on_records_changed(fn))
    yield register
    for fn in registered:
        hooks.off_records_changed(fn)


def test_a_hook_sees_the_applied_ops_and_writes_as_the_server(app, users, hook):
    seen, made = [], {}

    def note_task(writes, changes):
        seen.extend(changes)
        for change in changes:
            if change.entity == "customer" and "city" in change.fields:
                made[change.id] = new_id()
                [result] = writes.apply_as_server("server:test", [
                    op("task", made[change.id], {"customer_id": change.id, "title": "Tervetuloa", "kind": "info"})])
                assert result["status"] == "applied"
    hook(note_task)
    cid, other = new_id(), new_id()
    actor = Actor(id=users.rep.id, role="rep")
    results = apply_ops(db.session, actor, "phone-a", [op("customer", cid, {"name": "A", "city": "Oulu"}),
                                                       op("customer", other, {"name": ""})])  # rejected
    db.session.commit()
    assert [r["status"] for r in results] == ["applied", "rejected"]
    assert [(c.entity, c.id, c.type, c.fields) for c in seen] == [("customer", cid, "put", frozenset({"name", "city"}))]
    task = db.session.get(Task, made[cid])
    assert task.created_by is None and task.customer_id == cid  # made by the server, not the rep


def test_a_failing_hook_takes_the_whole_push_back(app, users, hook):
    def fail(writes, changes):
        writes.apply_as_server("server:test", [op("task", new_id(), {"customer_id": changes[0].id, "title": "x",
                                                                      "kind": "info"})])
        raise RuntimeError("the feature broke")
    hook(fail)
    with pytest.raises(RuntimeError):
        apply_ops(db.session, Actor(id=users.rep.id, role="rep"), "phone-a", [op("customer", new_id(), {"name": "A"})])
    db.session.rollback()
    assert db.session.scalars(select(Customer)).all() == [] and db.session.scalars(select(Task)).all() == []


def test_registering_twice_calls_once(app, users, hook):
    calls = []

    def count(writes, changes):
        calls.append(len(changes))
    hook(count)
    hook(count)
    apply_ops(db.session, Actor(id=users.rep.id, role="rep"), "phone-a", [op("customer", new_id(), {"name": "A"})])
    db.session.commit()
    assert calls == [1]
