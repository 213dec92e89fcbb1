"""Convergence and no silent loss (SPEC §5 'Convergence promise'), 3-6 simulated phones, real
endpoints on a real database. The oracle (sync_oracle.py) replays the server's answers in server
order; test_batch_property.py plays the same stories against the pure merge core, many more of them.
"""
import os
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from phone_model import World, account, reset_records
from server.extensions import db
from server.models import Conflict, QuarantinedOp
from sync_oracle import check_answers_match_storage, check_convergence, check_nothing_lost
from sync_scenario import ROLES, SKEW, STEP, play

EXAMPLES = int(os.environ.get("KENTTA_PROPERTY_EXAMPLES", "500"))


@pytest.fixture
def accounts(app, client):
    """One logged-in user per phone slot, made once per test function."""
    return [account(client, role, n) for n, role in enumerate(ROLES)]


def kept() -> tuple:
    """(Counter of the conflict records, op ids of the quarantined ops) the server committed."""
    db.session.rollback()  # read what the requests committed
    stored = Counter((c.record_id, c.field, repr(c.kept_value), repr(c.lost_value)) for c in db.session.query(Conflict))
    return stored, {q.op_id for q in db.session.query(QuarantinedOp)}


def world_of(client, accounts, skews=None, salt=0) -> World:
    reset_records()
    world = World(client, salt)
    for n, one in enumerate(accounts):
        world.phone(one, skews[n] if skews else 0)
    return world


@settings(max_examples=EXAMPLES, deadline=None, derandomize=bool(os.environ.get("CI")),
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(count=st.integers(3, 6), skews=st.lists(SKEW, min_size=6, max_size=6), salt=st.integers(0, 2**16),
       steps=st.lists(STEP, min_size=8, max_size=25))
def test_phones_converge_and_no_typed_value_is_lost(client, accounts, count, skews, salt, steps):
    world = world_of(client, accounts[:count], skews, salt)
    play(world, steps)
    records = check_convergence(world)
    stored, quarantined = kept()
    check_answers_match_storage(world.history(), stored, quarantined)
    check_nothing_lost(world, records, stored)


@pytest.mark.parametrize("later_syncs_first", [False, True])
def test_two_phones_edit_one_field_offline_and_the_loser_keeps_its_value(client, accounts, later_syncs_first):
    world = world_of(client, [accounts[0], accounts[2]])  # two reps
    early, late = world.phones
    cid = early.create("customer", {"name": "Kahvila Aalto", "city": "Oulu"})
    early.sync()
    late.pull()
    world.minute = 10
    early.put("customer", cid, {"city": "Turku"})  # both offline now
    world.minute = 20
    late.put("customer", cid, {"city": "Vaasa"})
    for phone in ((late, early) if later_syncs_first else (early, late)):
        phone.sync()
    for phone in (early, late):
        phone.pull()
    records = check_convergence(world)
    assert records[("customer", cid)]["data"]["city"] == "Vaasa"  # the later edit wins
    held = [(c["data"]["record_id"], c["data"]["field"], c["data"]["kept_value"], c["data"]["lost_value"],
             c["data"]["lost_by"]) for (e, _), c in early.local.items() if e == "conflict"]
    assert held == [(cid, "city", "Vaasa", "Turku", early.user_id)]
    assert not [key for key in late.local if key[0] == "conflict"]  # the winner is not bothered
    stored, quarantined = kept()
    check_answers_match_storage(world.history(), stored, quarantined)
    check_nothing_lost(world, records, stored)
    early.put("customer", cid, {"city": "Turku"})  # one tap restores it: a put on the current version
    early.sync()
    late.pull()
    assert check_convergence(world)[("customer", cid)]["data"]["city"] == "Turku"


def test_a_phone_s_own_edits_arriving_out_of_order_keep_its_newest_value(client, accounts):
    """Found by the property test: the phone typed Turku, then Vaasa; the second batch reaches the
    server first, and the first one, counted as 'seen' because it comes from the same client_id,
    then overwrites Vaasa with no conflict record. The user's newest value is gone silently."""
    world = world_of(client, accounts[:2])
    phone, other = world.phones
    cid = phone.create("customer", {"name": "Kahvila Aalto"})
    phone.sync()
    world.minute = 10
    phone.put("customer", cid, {"city": "Turku"})
    world.minute = 20
    phone.put("customer", cid, {"city": "Vaasa"})
    phone.sync("reorder", size=1)
    other.pull()
    records = check_convergence(world)
    stored, quarantined = kept()
    check_answers_match_storage(world.history(), stored, quarantined)
    city = records[("customer", cid)]["data"]["city"]
    held = [c["data"]["lost_value"] for (e, _), c in phone.local.items() if e == "conflict"]
    assert city == "Vaasa" or "Vaasa" in held, f"city is {city!r} and no conflict holds 'Vaasa'"
    check_nothing_lost(world, records, stored)
