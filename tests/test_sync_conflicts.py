"""Conflict records: who sees them, resolving, restoring the lost value; REST shares the merge."""
from sync_helpers import make_customer, op, push_one, state


def _lost_phone(client, users):
    cid, v = make_customer(client, users.rep_h)
    push_one(client, users.rep_h, op("customer", cid, {"phone": "040 111"}, base=v, minute=10))
    push_one(client, users.rep2_h, op("customer", cid, {"phone": "050 222"}, base=v, minute=5), "phone-b")
    [conflict] = [c for c in state(client, users.rep2_h).values() if c["entity"] == "conflict"]
    return cid, conflict


def test_managers_see_every_conflict_reps_only_their_own(client, users):
    _cid, conflict = _lost_phone(client, users)
    assert [c["id"] for c in client.get("/api/conflicts", headers=users.manager_h).json["items"]] == [conflict["id"]]
    assert client.get("/api/conflicts", headers=users.rep2_h).json["total"] == 1
    assert client.get("/api/conflicts", headers=users.rep_h).json["total"] == 0
    assert client.get(f"/api/conflicts/{conflict['id']}", headers=users.rep_h).status_code == 404


def test_loser_restores_the_value_with_one_put_and_resolves(client, users):
    cid, conflict = _lost_phone(client, users)
    current = state(client, users.rep2_h)[("customer", cid)]
    restore = push_one(client, users.rep2_h, op("customer", cid, {"phone": conflict["data"]["lost_value"]},
                                                  base=current["version"], minute=20), "phone-b")
    resolve = push_one(client, users.rep2_h, op("conflict", conflict["id"], {"resolved": True},
                                                  base=conflict["version"]), "phone-b")
    assert (restore["status"], resolve["status"]) == ("applied", "applied")
    after = state(client, users.rep2_h)
    assert after[("customer", cid)]["data"]["phone"] == "050 222"
    assert after[("conflict", conflict["id"])]["data"]["resolved"] is True


def test_only_the_loser_or_a_manager_can_resolve(client, users):
    _cid, conflict = _lost_phone(client, users)
    other = push_one(client, users.rep_h, op("conflict", conflict["id"], {"resolved": True}, base=conflict["version"]))
    assert other["status"] == "rejected"
    rest = client.patch(f"/api/conflicts/{conflict['id']}", json={"resolved": True}, headers=users.manager_h)
    assert rest.status_code == 200 and rest.json["resolved"] is True
    tamper = push_one(client, users.rep2_h, op("conflict", conflict["id"], {"lost_value": "x"}, base=0), "phone-b")
    assert tamper["status"] == "rejected" and "lost_value" in tamper["errors"]


def test_rest_patch_and_sync_share_the_merge(client, users):
    """A phone's stale put against a newer REST edit conflicts exactly like two phones would."""
    cid, v = make_customer(client, users.rep_h)
    r = client.patch(f"/api/customers/{cid}", json={"city": "Kuopio"}, headers={**users.manager_h, "If-Match": str(v)})
    assert r.status_code == 200
    stale = push_one(client, users.rep_h, op("customer", cid, {"city": "Oulu"}, base=v, minute=1))
    assert stale["status"] == "conflict"
    assert stale["conflicts"] == [{"field": "city", "kept_value": "Kuopio", "lost_value": "Oulu"}]
    assert client.get(f"/api/customers/{cid}", headers=users.rep_h).json["city"] == "Kuopio"
