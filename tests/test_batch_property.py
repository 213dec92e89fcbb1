"""The phones' stories of test_sync_property.py, many more of them, against the pure merge core
(server/sync/batch.py) over dicts: the same oracle, no database, no HTTP."""
import os

from hypothesis import given, settings
from hypothesis import strategies as st

from memory_server import MemoryClient, MemoryServer
from phone_model import Account, World
from sync_oracle import check_answers_match_storage, check_convergence, check_nothing_lost
from sync_scenario import ROLES, SKEW, STEP, play

EXAMPLES = int(os.environ.get("KENTTA_CORE_PROPERTY_EXAMPLES", "3000"))


def world_of(count: int, skews: list, salt: int) -> World:
    server = MemoryServer()
    client = MemoryClient(server)
    world = World(client, salt)
    for n, role in enumerate(ROLES[:count]):
        user_id = f"00000000-0000-4000-8000-{n:012d}"
        world.phone(Account(user_id, role, client.login(user_id, role)), skews[n])
    return world


@settings(max_examples=EXAMPLES, deadline=None, derandomize=bool(os.environ.get("CI")))
@given(count=st.integers(3, 6), skews=st.lists(SKEW, min_size=6, max_size=6), salt=st.integers(0, 2**16),
       steps=st.lists(STEP, min_size=8, max_size=40))
def test_the_pure_core_converges_and_loses_no_typed_value(count, skews, salt, steps):
    world = world_of(count, skews, salt)
    play(world, steps)
    records = check_convergence(world)
    stored, quarantined = world.client.server.kept()
    check_answers_match_storage(world.history(), stored, quarantined)
    check_nothing_lost(world, records, stored)
