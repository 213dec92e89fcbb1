"""Each merge rule of SPEC §5 through the real push and pull endpoints."""
import pytest

from server.extensions import db

from sync_helpers import make_customer, new_id, op, push, push_one, state


def test_rule1_unchanged_field_applies(client, users):
    cid, v = make_customer(client, users.rep_h)
    result = push_one(client, users.rep2_h, op("customer", cid, {"city": "Tampere"}, base=v), "phone-b")
    assert result["status"] == "applied" and result["version"] > v
    assert state(client, users.rep_h)[("customer", cid)]["data"]["city"] == "Tampere"


def test_rule2_later_edit_wins_and_loser_keeps_a_conflict(client, users):
    cid, v = make_customer(client, users.rep_h)
    first = push_one(client, users.rep_h, op("customer", cid, {"phone": "040 111"}, base=v, minute=10))
    late = push_one(client, users.rep2_h, op("customer", cid, {"phone": "050 222"}, base=v, minute=5), "phone-b")
    assert first["status"] == "applied"
    assert late["status"] == "conflict"
    assert late["conflicts"] == [{"field": "phone", "kept_value": "040 111", "lost_value": "050 222"}]
    rep2 = state(client, users.rep2_h)
    assert rep2[("customer", cid)]["data"]["phone"] == "040 111"
    conflicts = [c for c in rep2.values() if c["entity"] == "conflict"]
    assert len(conflicts) == 1
    data = conflicts[0]["data"]
    assert (data["record_id"], data["field"], data["lost_value"], data["lost_by"]) == (cid, "phone", "050 222", users.rep2.id)
    assert data["lost_edited_at"].startswith("2026-11-20T08:05:00")
    # the winner does not get the other's conflict
    assert not [c for c in state(client, users.rep_h).values() if c["entity"] == "conflict"]


def test_rule2_incoming_later_edit_wins_and_the_overwritten_author_is_told(client, users):
    cid, v = make_customer(client, users.rep_h)
    push_one(client, users.rep_h, op("customer", cid, {"phone": "040 111"}, base=v, minute=5))
    late = push_one(client, users.rep2_h, op("customer", cid, {"phone": "050 222"}, base=v, minute=9), "phone-b")
    assert late["status"] == "conflict"
    assert late["conflicts"] == [{"field": "phone", "kept_value": "050 222", "lost_value": "040 111"}]
    conflicts = [c["data"] for c in state(client, users.rep_h).values() if c["entity"] == "conflict"]
    assert [(c["lost_value"], c["lost_by"]) for c in conflicts] == [("040 111", users.rep.id)]


def test_rule2_tie_goes_to_larger_op_id(client, users):
    cid, v = make_customer(client, users.rep_h)
    small, large = "00000000-0000-4000-8000-000000000001", "ffffffff-ffff-4fff-bfff-ffffffffffff"
    push_one(client, users.rep_h, op("customer", cid, {"city": "Oulu"}, base=v, minute=3, op_id=large))
    second = push_one(client, users.rep2_h, op("customer", cid, {"city": "Pori"}, base=v, minute=3, op_id=small), "phone-b")
    assert second["status"] == "conflict" and second["conflicts"][0]["kept_value"] == "Oulu"


def test_rule2_clock_ahead_is_clamped_to_server_time(client, users):
    cid, v = make_customer(client, users.rep_h)
    future = op("customer", cid, {"city": "Future"}, base=v)
    future["edited_at"] = "2099-01-01T00:00:00Z"
    push_one(client, users.rep_h, future)
    # an honest edit made just now (after the clamped time) must beat the far-future claim
    honest = op("customer", cid, {"city": "Now"}, base=v)
    from datetime import datetime, timedelta, timezone
    honest["edited_at"] = (datetime.now(timezone.utc) + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    result = push_one(client, users.rep2_h, honest, "phone-b")
    assert result["status"] == "conflict" and result["conflicts"][0]["kept_value"] == "Now"


@pytest.mark.parametrize("first_minute,second_minute", [(1, 9), (9, 1), (0, 2_000_000)])
@pytest.mark.parametrize("arrival", ["in order", "late"])
def test_rule2_a_phone_never_conflicts_with_itself_and_its_newest_edit_stands(client, users, first_minute,
                                                                               second_minute, arrival):
    """In either arrival order, and whatever its clock said, the phone's own newest edit (by seq)
    stands, without a conflict."""
    cid, v = make_customer(client, users.rep_h)
    first = op("customer", cid, {"notes": "first"}, base=v, minute=first_minute, seq=1)
    second = op("customer", cid, {"notes": "second"}, base=v, minute=second_minute, seq=2)
    for one in ([first, second] if arrival == "in order" else [second, first]):
        result = push_one(client, users.rep_h, one)
        assert result["status"] == "applied" and result["conflicts"] == []
    assert state(client, users.rep_h)[("customer", cid)]["data"]["notes"] == "second"


def test_rule2_an_edit_is_not_dropped_after_the_phone_s_clock_is_corrected(client, users):
    """Issue 12 #1: a phone whose clock said 2030 pushed "A"; NTP fixed its clock and it pushed "B"
    on the version it got back. "B" used to be answered `applied` and silently dropped."""
    cid, v = make_customer(client, users.rep_h)
    future = {**op("customer", cid, {"preferred_contact": "A"}, base=v, seq=7), "edited_at": "2030-01-01T00:00:00Z"}
    first = push_one(client, users.rep_h, future)
    assert first["status"] == "applied" and first["version"] > v
    corrected = push_one(client, users.rep_h, op("customer", cid, {"preferred_contact": "B"},
                                                 base=first["version"], minute=5, seq=8))
    assert corrected["status"] == "applied" and corrected["version"] > first["version"]
    assert state(client, users.rep_h)[("customer", cid)]["data"]["preferred_contact"] == "B"


def test_rule2_without_seq_a_client_s_ops_stand_in_order_of_arrival(client, users):
    cid, v = make_customer(client, users.rep_h)
    push_one(client, users.rep_h, op("customer", cid, {"notes": "first"}, base=v, minute=9), "integration")
    push_one(client, users.rep_h, op("customer", cid, {"notes": "second"}, base=v, minute=1), "integration")
    assert state(client, users.rep_h)[("customer", cid)]["data"]["notes"] == "second"


def test_base_version_above_the_server_s_newest_is_rejected(client, users):
    """Issue 12 #2: a base_version from the future counted every stored change as seen, so an older
    edit overwrote a newer one with no conflict."""
    cid, v = make_customer(client, users.rep_h)
    newer = push_one(client, users.rep_h, op("customer", cid, {"city": "Vaasa"}, base=v, minute=30))
    bogus = push_one(client, users.rep2_h, op("customer", cid, {"city": "Turku"}, base=newer["version"] + 1000,
                                              minute=1), "phone-b")
    assert bogus["status"] == "rejected" and list(bogus["errors"]) == ["base_version"]
    assert state(client, users.rep_h)[("customer", cid)]["data"]["city"] == "Vaasa"
    with client.application.app_context():
        from server.models import QuarantinedOp
        assert [q.op_id for q in db.session.query(QuarantinedOp)] == [bogus["op_id"]]


def test_rule2_same_value_is_no_conflict(client, users):
    cid, v = make_customer(client, users.rep_h)
    push_one(client, users.rep_h, op("customer", cid, {"city": "Vaasa"}, base=v, minute=9))
    same = push_one(client, users.rep2_h, op("customer", cid, {"city": "Vaasa"}, base=v, minute=1), "phone-b")
    assert same["status"] == "applied" and same["conflicts"] == []


def test_rule3_different_fields_both_apply(client, users):
    cid, v = make_customer(client, users.rep_h)
    a = push_one(client, users.rep_h, op("customer", cid, {"phone": "040 1"}, base=v))
    b = push_one(client, users.rep2_h, op("customer", cid, {"city": "Lahti"}, base=v), "phone-b")
    assert (a["status"], b["status"]) == ("applied", "applied")
    data = state(client, users.manager_h)[("customer", cid)]["data"]
    assert (data["phone"], data["city"]) == ("040 1", "Lahti")


def test_rule6_reference_to_a_record_that_never_existed_is_rejected(client, users):
    result = push_one(client, users.rep_h, op("contact", new_id(), {"customer_id": new_id(), "name": "Liisa"}))
    assert result["status"] == "rejected" and "customer_id" in result["errors"]
    bad_user = push_one(client, users.rep_h, op("customer", new_id(), {"name": "X", "owner_id": new_id()}))
    assert bad_user["status"] == "rejected" and "owner_id" in bad_user["errors"]


def test_rule6_fields_the_role_may_not_set_are_rejected(client, users):
    cid, v = make_customer(client, users.rep_h)
    assigned = push_one(client, users.rep_h, op("task", new_id(), {"customer_id": cid, "title": "Soita",
                                                                     "assignee_id": users.rep2.id}))
    assert assigned["status"] == "rejected" and "assignee_id" in assigned["errors"]
    delete = push_one(client, users.rep_h, op("customer", cid, base=v, type_="delete"))
    assert delete["status"] == "rejected" and delete["errors"]["id"]
    by_service = push_one(client, users.service_h, op("task", new_id(), {"customer_id": cid, "title": "Soita",
                                                                           "assignee_id": users.rep2.id}), "desk")
    assert by_service["status"] == "applied"


def test_validation_errors_name_the_field_and_apply_nothing(client, users):
    cid, v = make_customer(client, users.rep_h)
    result = push_one(client, users.rep_h, op("customer", cid, {"city": "Oulu", "business_id": "1234567-8"}, base=v))
    assert result["status"] == "rejected"
    assert result["errors"] == {"business_id": ["The check digit of this Y-tunnus is wrong."]}
    assert state(client, users.rep_h)[("customer", cid)]["data"]["city"] is None
    nonsense = push(client, users.rep_h, [op("customer", cid, {"segment": "Z", "shoe_size": 44}, base=v)])
    assert set(nonsense["results"][0]["errors"]) == {"segment", "shoe_size"}


def test_a_customer_chain_cannot_loop(client, users):
    """Issue 12 #11: A -> B -> A was accepted; so was a longer loop. Over sync and REST alike."""
    a, va = make_customer(client, users.rep_h, "Ketju A")
    b, vb = make_customer(client, users.rep_h, "Myymälä B", parent_id=a)
    c, vc = make_customer(client, users.rep_h, "Myymälä C", parent_id=b)
    for target in (b, c):
        loop = push_one(client, users.rep_h, op("customer", a, {"parent_id": target}, base=vc, seq=9))
        assert loop["status"] == "rejected" and list(loop["errors"]) == ["parent_id"]
    r = client.patch(f"/api/customers/{a}", json={"parent_id": c}, headers=users.rep_h)
    assert r.status_code == 422 and list(r.json["error"]["fields"]) == ["parent_id"]
    fine = push_one(client, users.rep_h, op("customer", c, {"parent_id": a}, base=vc, seq=10))
    assert fine["status"] == "applied"
    assert state(client, users.rep_h)[("customer", a)]["data"]["parent_id"] is None


def test_a_postal_code_edited_alone_must_fit_the_stored_country(client, users):
    """The schema sees only the op's fields; the stored country decides (Finland: five digits)."""
    cid, v = make_customer(client, users.rep_h, "Kahvila Posti", postal_code="00100")
    bad = push_one(client, users.rep_h, op("customer", cid, {"postal_code": "SW1A 1AA"}, base=v, seq=1))
    assert bad["status"] == "rejected" and list(bad["errors"]) == ["postal_code"]
    r = client.patch(f"/api/customers/{cid}", json={"postal_code": "ABC 12"}, headers=users.rep_h)
    assert r.status_code == 422 and list(r.json["error"]["fields"]) == ["postal_code"]
    abroad, va = make_customer(client, users.rep_h, "Café London", country="GB", postal_code="SW1A 1AA")
    fine = push_one(client, users.rep_h, op("customer", abroad, {"postal_code": "EC1A 1BB"}, base=va, seq=2))
    assert fine["status"] == "applied"
    moved = push_one(client, users.rep_h, op("customer", cid, {"postal_code": "SW1A 1AA", "country": "GB"},
                                             base=v, seq=3))
    assert moved["status"] == "applied"


@pytest.mark.parametrize("fields", [{"name": "A", "business_id": "0112038-9\u0000"}, {"name": "A", "parent_id": "ab\u0000"},
                                    {"name": "A", "parent_id": "not-a-uuid"}])
def test_malformed_references_are_named_not_looked_up(client, users, fields):
    """On PostgreSQL these were looked up before validation, and the NUL killed the whole push (500)."""
    result = push_one(client, users.rep_h, op("customer", new_id(), fields, seq=1))
    assert result["status"] == "rejected" and set(result["errors"]) == set(fields) - {"name"}


@pytest.mark.parametrize("client_id", ["phone\u0000a", "phone\na", "\u007f"])
def test_a_client_id_with_control_characters_is_400(client, users, client_id):
    body = push(client, users.rep_h, [op("customer", new_id(), {"name": "A"})], client_id, status=400)
    assert "client_id" in body["error"]["fields"]
