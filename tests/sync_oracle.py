"""The oracle of the sync property tests: convergence, answers that match what was kept, and no
typed value lost silently (SPEC §5 'Convergence promise'). It reads only what the phones were
answered and what the server kept, so it judges the HTTP server and the pure core alike.

A typed value either lost at once (its push answer says so, and a conflict record holds it), or
entered the state at some version; from there it may only leave through a later op whose author
had seen it (typed later on the same phone, or based on a version at or after the one the value
has held since), or move into a conflict record; otherwise it must still be in the final state
of a live record.
"""
from collections import Counter

from sync_scenario import FIELDS

def full_pull(phone) -> dict:
    state, cursor = {}, 0
    while True:
        body = phone.world.client.get(f"/api/sync/pull?cursor={cursor}&limit=1000", headers=phone.headers).json
        state.update({(c["entity"], c["id"]): c for c in body["changes"]})
        cursor = body["cursor"]
        if not body["more"]:
            return state


def check_convergence(world) -> dict:
    """Every phone holds exactly what the server shows it; the records (all visible to all) are the same."""
    records = {k: v for k, v in full_pull(world.phones[0]).items() if k[0] != "conflict"}
    for phone in world.phones:
        assert phone.outbox == [], f"{phone.client_id} still has unanswered ops"
        assert phone.local == full_pull(phone), f"{phone.client_id} differs from the server"
        assert {k: v for k, v in phone.local.items() if k[0] != "conflict"} == records
    return records


def check_answers_match_storage(history, stored: Counter, quarantined: set) -> None:
    """Every conflict an answer reported is stored, and nothing else; every rejected op is quarantined.

    stored: Counter of (record id, field, repr(kept), repr(lost)) of the conflict records kept;
    quarantined: op ids of the ops kept for review."""
    reported = Counter()
    for sent in history:
        for c in sent.result["conflicts"]:
            reported[(c.get("record_id", sent.op["id"]), c["field"], repr(c["kept_value"]), repr(c["lost_value"]))] += 1
    assert stored == reported
    assert quarantined == {s.op["op_id"] for s in history if s.result["status"] == "rejected"}


LOST, OWN_NEWER = "lost at once", "its phone's newer edit stands"


def replay(world, history) -> dict:
    """(op_id, field) -> the version since which the field has held the typed value, or why it never did.

    LOST: the answer said the value lost (a conflict record must hold it). OWN_NEWER: the same phone
    had already set the field, or deleted the record, with an edit typed after this one (this
    request came late); its user saw this value when making the newer edit, which must stand.
    """
    holds, since = {}, {}  # (record id, field) -> (value, version since, the Sent that set it)
    gone: dict = {}        # record id -> the applied delete that made it a tombstone
    for sent in history:
        one, result = sent.op, sent.result
        if result["status"] == "rejected":
            continue
        if one["type"] == "delete":
            if result["status"] == "applied":  # the record, and its children stored so far
                family = [one["id"]] + [rid for rid, parent in world.parent.items()
                                        if parent == one["id"] and any(key[0] == rid for key in holds)]
                gone.update({rid: sent for rid in family if rid not in gone})
            continue
        dead = gone.get(one["id"])
        if dead and dead.phone is sent.phone and dead.typed > sent.typed:
            since.update({(one["op_id"], name): OWN_NEWER for name in one["fields"]})
            continue
        for rid in (one["id"], world.parent.get(one["id"])):  # a put revives its record and parent
            gone.pop(rid, None)
        if not any(key[0] == one["id"] for key in holds):  # it was created here: unset fields are null
            holds.update({(one["id"], f): (None, result["version"], None) for f in FIELDS[one["entity"]]})
        mine = [c for c in result["conflicts"] if "record_id" not in c]
        for name, typed in one["fields"].items():
            key, held = (one["id"], name), holds.get((one["id"], name))
            if any(c["field"] == name and c["lost_value"] == typed for c in mine):
                since[(one["op_id"], name)] = LOST
            elif held and held[2] and held[2].phone is sent.phone and held[2].typed > sent.typed:
                since[(one["op_id"], name)] = OWN_NEWER
            else:
                if held is None or held[0] != typed:  # re-typing the held value changes nothing
                    holds[key] = (typed, result["version"], sent)
                since[(one["op_id"], name)] = holds[key][1]
    return since


def first_exit(world, since, later_ops, rid, name, typed):
    """The first later op that took the value out of the state, and whether it moved it to a conflict."""
    for later in later_ops:
        one, result = later.op, later.result
        if result["status"] == "rejected":
            continue
        if one["type"] == "delete":
            if result["status"] == "applied" and one["id"] in (rid, world.parent.get(rid)):
                return later, False
            continue
        if one["id"] != rid or name not in one["fields"] or one["fields"][name] == typed:
            continue
        if since[(one["op_id"], name)] == OWN_NEWER:
            continue  # must change nothing; if it did, the value is missing from the final state
        same = [c for c in result["conflicts"] if "record_id" not in c and c["field"] == name]
        if any(c["lost_value"] == one["fields"][name] for c in same):
            continue  # the newcomer lost; the value stays
        return later, any(c["lost_value"] == typed for c in same)
    return None, False


def check_nothing_lost(world, records, stored: Counter) -> None:
    """stored: as check_answers_match_storage takes it."""
    history = world.history()
    since = replay(world, history)
    conflicts = {(record_id, name, lost) for record_id, name, _kept, lost in stored}
    for i, sent in enumerate(history):
        one = sent.op
        if one["type"] != "put" or sent.result["status"] == "rejected":
            continue
        for name, typed in one["fields"].items():
            where = f"{one['entity']}.{name}={typed!r} typed by {sent.phone.client_id} (op {i} in server order)"
            held_since = since[(one["op_id"], name)]
            if held_since == OWN_NEWER:
                continue
            if held_since == LOST:  # its author sees the conflict record
                assert any(c["data"]["record_id"] == one["id"] and c["data"]["field"] == name
                           and c["data"]["lost_value"] == typed
                           for (e, _), c in sent.phone.local.items() if e == "conflict"), where
                continue
            later, moved = first_exit(world, since, history[i + 1:], one["id"], name, typed)
            if later is None:
                final = records[(one["entity"], one["id"])]
                assert not final["deleted"] and final["data"][name] == typed, \
                    f"{where} vanished: nothing that replaced it or deleted the record went through"
            elif moved:
                assert (one["id"], name, repr(typed)) in conflicts, where
            else:
                saw = later.op["base_version"] >= held_since or (
                    later.phone is sent.phone and later.typed > sent.typed)
                assert saw, f"{where} was replaced silently by {later.op} from {later.phone.client_id}, " \
                            f"who had not seen it (held since version {held_since})"
