"""Rules 4 and 5 of SPEC §5: deletes, concurrent edits, cascades and restores."""
from sync_helpers import make_customer, new_id, op, push, push_one, state


def _family(client, h, name="Herkkumarket Oy"):
    cid, v = make_customer(client, h, name, client_id="desk", kind="chain")
    outlet, contact, visit, task, delivery = (new_id() for _ in range(5))
    results = push(client, h, [
        op("customer", outlet, {"name": "Herkkumarket Tampere", "kind": "outlet", "parent_id": cid}),
        op("contact", contact, {"customer_id": cid, "name": "Liisa Jääskeläinen"}),
        op("activity", visit, {"customer_id": cid, "contact_id": contact, "type": "visit", "title": "Maistatus"}),
        op("delivery", delivery, {"customer_id": cid, "status": "ordered"}),
        op("task", task, {"customer_id": cid, "title": "Soita", "delivery_id": delivery}),
    ], client_id="desk")["results"]
    assert {r["status"] for r in results} == {"applied"}
    return cid, dict(outlet=outlet, contact=contact, visit=visit, task=task, delivery=delivery)


def test_rule5_deleting_a_customer_tombstones_its_children_in_one_push(client, users):
    cid, kids = _family(client, users.manager_h)
    seen = max(c["version"] for c in state(client, users.manager_h).values())
    result = push_one(client, users.manager_h, op("customer", cid, base=seen, type_="delete"), "desk")
    assert result["status"] == "applied"
    after = state(client, users.manager_h)
    assert after[("customer", cid)]["deleted"] is True
    for entity, rid in [("customer", kids["outlet"]), ("contact", kids["contact"]), ("activity", kids["visit"]),
                        ("task", kids["task"]), ("delivery", kids["delivery"])]:
        assert after[(entity, rid)]["deleted"] is True, entity


def test_rule5_deleting_a_contact_keeps_the_visit_but_clears_its_pointer(client, users):
    cid, kids = _family(client, users.manager_h)
    seen = max(c["version"] for c in state(client, users.manager_h).values())
    push_one(client, users.rep_h, op("contact", kids["contact"], base=seen, type_="delete"))
    after = state(client, users.rep_h)
    assert after[("contact", kids["contact"])]["deleted"] is True
    visit = after[("activity", kids["visit"])]
    assert visit["deleted"] is False and visit["data"]["contact_id"] is None


def test_rule4_delete_after_an_unseen_edit_is_refused(client, users):
    cid, v = make_customer(client, users.rep_h)
    push_one(client, users.rep_h, op("customer", cid, {"notes": "Tilaa lisää"}, base=v))
    result = push_one(client, users.manager_h, op("customer", cid, base=v, type_="delete"), "desk")
    assert result["status"] == "conflict"
    assert result["conflicts"] == [{"field": "deleted", "kept_value": False, "lost_value": True}]
    after = state(client, users.manager_h)
    assert after[("customer", cid)]["deleted"] is False
    assert after[("customer", cid)]["version"] == result["version"] > v
    mine = [c["data"] for c in after.values() if c["entity"] == "conflict"]
    assert [(m["record_id"], m["field"], m["lost_by"]) for m in mine] == [(cid, "deleted", users.manager.id)]


def test_rule4_delete_after_an_unseen_child_edit_is_refused(client, users):
    cid, v = make_customer(client, users.rep_h)
    push_one(client, users.rep_h, op("contact", new_id(), {"customer_id": cid, "name": "Uusi Ostaja"}))
    result = push_one(client, users.manager_h, op("customer", cid, base=v, type_="delete"), "desk")
    assert result["status"] == "conflict"
    assert state(client, users.manager_h)[("customer", cid)]["deleted"] is False


def test_rule4_put_on_a_record_deleted_meanwhile_restores_it(client, users):
    cid, v = make_customer(client, users.rep_h)
    push_one(client, users.manager_h, op("customer", cid, base=v, type_="delete"), "desk")
    result = push_one(client, users.rep_h, op("customer", cid, {"phone": "040 9"}, base=v))
    assert result["status"] == "conflict"
    assert {"field": "deleted", "kept_value": False, "lost_value": True} in result["conflicts"]
    after = state(client, users.manager_h)
    assert after[("customer", cid)]["deleted"] is False and after[("customer", cid)]["data"]["phone"] == "040 9"
    deleter = [c["data"] for c in after.values() if c["entity"] == "conflict"]
    assert [(d["field"], d["lost_by"]) for d in deleter] == [("deleted", users.manager.id)]


def test_rule4_child_put_restores_record_and_parents_deleted_with_it(client, users):
    cid, kids = _family(client, users.manager_h)
    seen = max(c["version"] for c in state(client, users.manager_h).values())
    push_one(client, users.manager_h, op("customer", cid, base=seen, type_="delete"), "desk")
    result = push_one(client, users.rep_h, op("contact", kids["contact"], {"phone": "050 1"}, base=seen))
    assert result["status"] == "conflict"
    after = state(client, users.rep_h)
    assert after[("contact", kids["contact"])]["deleted"] is False
    assert after[("customer", cid)]["deleted"] is False


def test_rule4_visit_logged_offline_for_a_customer_deleted_meanwhile_survives(client, users):
    cid, v = make_customer(client, users.rep_h)
    push_one(client, users.manager_h, op("customer", cid, base=v, type_="delete"), "desk")
    visit = new_id()
    result = push_one(client, users.rep_h, op("activity", visit, {"customer_id": cid, "type": "visit",
                                                                    "title": "Aalto – Tampere – maistatus",
                                                                    "status": "done", "notes": "Tilasi 3 kakkua"}))
    assert result["status"] == "conflict"
    assert result["conflicts"][0]["record_id"] == cid
    after = state(client, users.rep_h)
    assert after[("activity", visit)]["deleted"] is False
    assert after[("customer", cid)]["deleted"] is False


def test_delete_seen_by_the_deleter_is_no_conflict_and_repeat_is_harmless(client, users):
    cid, v = make_customer(client, users.rep_h)
    first = push_one(client, users.manager_h, op("customer", cid, base=v, type_="delete"), "desk")
    again = push_one(client, users.manager_h, op("customer", cid, base=first["version"], type_="delete"), "desk")
    assert (first["status"], again["status"]) == ("applied", "applied")
    missing = push_one(client, users.manager_h, op("customer", new_id(), type_="delete"), "desk")
    assert missing["status"] == "rejected" and "id" in missing["errors"]


def test_rule5_a_visit_logged_offline_with_a_contact_deleted_meanwhile_restores_the_contact(client, users):
    """No live record points at a deleted one: a visit made offline naming a contact that a manager
    deleted meanwhile brings the contact back, and the manager is told why (was: the live visit
    kept pointing at the tombstone, with no conflict)."""
    cid, v = make_customer(client, users.rep_h, "Salonki Sointu")
    contact = new_id()
    seen = push_one(client, users.rep_h, op("contact", contact, {"customer_id": cid, "name": "Liisa"}))["version"]
    gone = push_one(client, users.manager_h, op("contact", contact, base=seen, type_="delete"), "desk")
    assert gone["status"] == "applied"
    visit = new_id()
    late = push_one(client, users.rep_h, op("activity", visit, {"customer_id": cid, "contact_id": contact,
                                                                "type": "visit", "title": "Käynti"}, base=seen))
    assert late["status"] == "conflict"
    after = state(client, users.manager_h)
    assert after[("contact", contact)]["deleted"] is False
    assert after[("activity", visit)]["data"]["contact_id"] == contact
    told = [c["data"] for (e, _), c in after.items() if e == "conflict" and c["data"]["record_id"] == contact]
    assert [(c["field"], c["lost_by"]) for c in told] == [("deleted", users.manager.id)]
