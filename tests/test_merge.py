"""The pure merge core (server/sync/merge.py) with plain data: no app, no database."""
from server.sync.merge import DELETED, Op, State, incoming_wins, merge_delete, merge_put, stamp, unseen


def op(fields=None, base=5, client="phone-b", at="2026-11-20T08:10:00.000000Z", op_id="op-2", type_="put",
       seq=None):
    return Op(op_id=op_id, entity="customer", id="c1", type=type_, base_version=base, fields=fields or {},
              edited_at=at, client_id=client, user_id="u-b", seq=seq)


def state(values=None, meta=None, deleted=False, version=7):
    return State(values=values or {}, meta=meta or {}, deleted=deleted, version=version)


A_AT = "2026-11-20T08:05:00.000000Z"


def test_create_applies_every_field_with_its_stamp():
    out = merge_put(None, op({"name": "Aalto", "city": "Oulu"}, base=0), version=9)
    assert out.status == "applied" and out.changes == {"name": "Aalto", "city": "Oulu"}
    assert out.meta["name"] == [9, op().edited_at, "phone-b", "op-2", "u-b", None]


def test_seen_change_is_overwritten_without_conflict():
    current = state({"city": "Oulu"}, {"city": [5, A_AT, "phone-a", "op-1", "u-a"]})
    out = merge_put(current, op({"city": "Pori"}, base=5), version=9)
    assert (out.status, out.changes, out.lost) == ("applied", {"city": "Pori"}, [])


def test_unseen_change_by_another_client_conflicts_and_later_edit_wins():
    current = state({"city": "Oulu"}, {"city": [6, A_AT, "phone-a", "op-1", "u-a"]})
    out = merge_put(current, op({"city": "Pori"}, base=5), version=9)
    assert out.status == "conflict" and out.changes == {"city": "Pori"}
    [lost] = out.lost
    assert (lost.kept_value, lost.lost_value, lost.lost_by, lost.kept_by) == ("Pori", "Oulu", "u-a", "u-b")


def test_unseen_later_change_keeps_the_stored_value():
    current = state({"city": "Oulu"}, {"city": [6, "2026-11-20T09:00:00.000000Z", "phone-a", "op-1", "u-a"]})
    out = merge_put(current, op({"city": "Pori"}, base=5), version=9)
    assert out.changes == {} and out.lost[0].lost_value == "Pori" and out.lost[0].lost_by == "u-b"


def test_own_earlier_change_is_never_a_conflict():
    current = state({"city": "Oulu"}, {"city": [6, "2026-11-20T09:00:00.000000Z", "phone-b", "op-1", "u-b"]})
    assert merge_put(current, op({"city": "Pori"}, base=5), version=9).status == "applied"


def test_tie_on_time_goes_to_the_larger_op_id():
    entry = [6, A_AT, "phone-a", "op-5", "u-a"]
    assert incoming_wins(entry, op(at=A_AT, op_id="op-9"))
    assert not incoming_wins(entry, op(at=A_AT, op_id="op-1"))


def test_unseen_needs_a_newer_version_and_another_client():
    assert not unseen(None, op())
    assert not unseen([5, A_AT, "phone-a", "x", "u"], op(base=5))
    assert not unseen([6, A_AT, "phone-b", "x", "u"], op(base=5))
    assert unseen([6, A_AT, "phone-a", "x", "u"], op(base=5))


def test_put_on_an_unseen_delete_restores_and_reports():
    gone = state({"city": "Oulu"}, {DELETED: [6, A_AT, "desk", "op-d", "u-m"]}, deleted=True)
    out = merge_put(gone, op({"city": "Pori"}, base=5), version=9)
    assert out.restore and out.status == "conflict"
    assert (out.lost[0].field, out.lost[0].lost_by) == (DELETED, "u-m")


def test_delete_is_refused_after_unseen_edits_of_record_or_children():
    edited = state({"city": "Oulu"}, {"city": [6, A_AT, "phone-a", "op-1", "u-a"]})
    refused = merge_delete(edited, op(base=5, type_="delete"), version=9, children_changed=False)
    assert refused.touch and not refused.delete and refused.lost[0].lost_by == "u-b"
    quiet = state({"city": "Oulu"}, {"city": [4, A_AT, "phone-a", "op-1", "u-a"]})
    assert merge_delete(quiet, op(base=5, type_="delete"), 9, children_changed=True).status == "conflict"
    done = merge_delete(quiet, op(base=5, type_="delete"), 9, children_changed=False)
    assert done.delete and done.meta[DELETED] == stamp(op(base=5, type_="delete"), 9)


def test_own_later_op_stands_whatever_the_clocks_say():
    """The phone's clock was years ahead for op 1 (clamped to server time) and right for op 2."""
    first = [6, "2026-11-20T09:00:00.000000Z", "phone-b", "op-1", "u-b", 1]
    current = state({"preferred_contact": "A"}, {"preferred_contact": first})
    out = merge_put(current, op({"preferred_contact": "B"}, base=6, at="2026-11-20T08:10:00.000000Z", seq=2), 9)
    assert (out.status, out.changes, out.lost) == ("applied", {"preferred_contact": "B"}, [])


def test_own_earlier_op_arriving_late_changes_nothing_whatever_the_clocks_say():
    later = [6, "2026-11-20T08:00:00.000000Z", "phone-b", "op-5", "u-b", 5]
    current = state({"city": "Vaasa"}, {"city": later})
    out = merge_put(current, op({"city": "Turku"}, base=4, at="2026-11-20T09:00:00.000000Z", seq=3), 9)
    assert (out.status, out.changes, out.lost) == ("applied", {}, [])
    gone = state({"city": "Vaasa"}, {DELETED: later}, deleted=True)
    assert merge_put(gone, op({"city": "Turku"}, base=4, seq=3), 9).restore is False
    alive = state({"city": "Vaasa"}, {"city": later})
    assert merge_delete(alive, op(base=4, type_="delete", seq=3), 9, children_changed=False).touch


def test_ops_without_seq_stand_in_order_of_arrival():
    stored = [6, "2026-11-20T09:00:00.000000Z", "phone-b", "op-5", "u-b", 5]
    current = state({"city": "Vaasa"}, {"city": stored})
    assert merge_put(current, op({"city": "Turku"}, base=4), 9).changes == {"city": "Turku"}
    unnumbered = state({"city": "Vaasa"}, {"city": [*stored[:5], None]})
    assert merge_put(unnumbered, op({"city": "Turku"}, base=4, seq=3), 9).changes == {"city": "Turku"}


def test_another_client_s_seq_never_orders_this_one_s_ops():
    theirs = [6, "2026-11-20T08:00:00.000000Z", "phone-a", "op-5", "u-a", 99]
    current = state({"city": "Vaasa"}, {"city": theirs})
    out = merge_put(current, op({"city": "Turku"}, base=4, at="2026-11-20T09:00:00.000000Z", seq=3), 9)
    assert out.status == "conflict" and out.changes == {"city": "Turku"}  # the clock decides between clients
