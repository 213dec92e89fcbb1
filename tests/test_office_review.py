"""Back office review of conflicts: who sees what, restore, dismiss, CSRF, query count, the word diff."""
import pytest

from office_helpers import csrf_token, desk
from review_helpers import lost_phone, one_conflict, one_rejected, page, rejected_visit, total
from server.extensions import db
from server.office.review_data import diff_words
from sync_helpers import make_customer, new_id, op, push_one, state

pytestmark = pytest.mark.usefixtures("own_contexts")


def test_a_rep_gets_403_on_every_review_page(app, client, users):
    cid = lost_phone(client, users, users.rep2_h)
    rejected_visit(client, users.rep_h, cid)
    conflict, quarantined = one_conflict(), one_rejected()
    rep = desk(app, users.rep2)
    assert rep.get("/office/review").status_code == 403
    assert rep.get(f"/office/review/rejected/{quarantined.id}").status_code == 403
    for path in (f"/office/review/conflicts/{conflict.id}/restore", f"/office/review/conflicts/{conflict.id}/dismiss",
                 f"/office/review/rejected/{quarantined.id}", f"/office/review/rejected/{quarantined.id}/dismiss"):
        assert rep.post(path, data={}).status_code == 403, path
    assert app.test_client().get("/office/review").status_code == 302  # logged out: to the login page


def test_managers_see_the_team_service_only_its_own(app, client, users):
    cid = lost_phone(client, users, users.rep2_h)
    lost_phone(client, users, users.service_h, client_id="desk-s")
    rejected_visit(client, users.rep_h, cid)
    rejected_visit(client, users.service_h, cid, client_id="desk-s")
    manager = page(desk(app, users.manager))
    assert (total(manager, "conflict"), total(manager, "rejected")) == (2, 2)
    assert "Kahvila Aalto" in manager and "050 222" in manager and "040 111" in manager
    assert f'href="/office/customers/{cid}"' in manager
    assert "Must be one of" in manager  # the errors by field
    only_rep2 = page(desk(app, users.manager), f"/office/review?user={users.rep2.id}")
    assert (total(only_rep2, "conflict"), total(only_rep2, "rejected")) == (1, 0)
    activities = page(desk(app, users.manager), "/office/review?entity=activity")
    assert (total(activities, "conflict"), total(activities, "rejected")) == (0, 2)

    service = desk(app, users.service)
    own = page(service, f"/office/review?user={users.rep2.id}")  # the user filter is a manager's only
    assert (total(own, "conflict"), total(own, "rejected")) == (1, 1)
    others_conflict = one_conflict(lost_by=users.rep2.id)
    others_op = one_rejected(user_id=users.rep.id)
    assert service.post(f"/office/review/conflicts/{others_conflict.id}/restore", data={}).status_code == 403
    assert service.post(f"/office/review/conflicts/{others_conflict.id}/dismiss", data={}).status_code == 403
    assert service.get(f"/office/review/rejected/{others_op.id}").status_code == 403
    assert service.post(f"/office/review/rejected/{others_op.id}/dismiss", data={}).status_code == 403
    assert not one_conflict(lost_by=users.rep2.id).resolved and not one_rejected(user_id=users.rep.id).resolved


def test_restore_puts_the_lost_value_back_and_resolves(app, client, users):
    cid = lost_phone(client, users, users.rep2_h)
    conflict = one_conflict()
    manager = desk(app, users.manager)
    version = client.get(f"/api/customers/{cid}", headers=users.manager_h).json["version"]
    response = manager.post(f"/office/review/conflicts/{conflict.id}/restore",
                            data={"version": version, "back": "/office/review?state=open"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Restored: Customer “Kahvila Aalto” has the lost value again." in html
    assert response.request.path == "/office/review" and total(html, "conflict") == 0
    assert client.get(f"/api/customers/{cid}", headers=users.rep_h).json["phone"] == "050 222"
    pulled = state(client, users.rep2_h)[("conflict", conflict.id)]
    assert pulled["data"]["resolved"] is True
    handled = page(manager, "/office/review?state=resolved")
    assert total(handled, "conflict") == 1 and "Handled" in handled


def test_dismiss_keeps_the_current_value(app, client, users):
    cid = lost_phone(client, users, users.rep2_h)
    conflict = one_conflict()
    rep2_on_desk = desk(app, users.manager)
    response = rep2_on_desk.post(f"/office/review/conflicts/{conflict.id}/dismiss", data={}, follow_redirects=True)
    assert "Dismissed: the current value stays." in response.get_data(as_text=True)
    assert client.get(f"/api/customers/{cid}", headers=users.rep_h).json["phone"] == "040 111"
    assert state(client, users.rep2_h)[("conflict", conflict.id)]["data"]["resolved"] is True


def test_the_loser_on_service_restores_its_own(app, client, users):
    cid = lost_phone(client, users, users.service_h, client_id="desk-s")
    conflict = one_conflict()
    response = desk(app, users.service).post(f"/office/review/conflicts/{conflict.id}/restore", data={},
                                             follow_redirects=True)
    assert "has the lost value again" in response.get_data(as_text=True)
    assert client.get(f"/api/customers/{cid}", headers=users.rep_h).json["phone"] == "050 222"


def test_restore_onto_a_deleted_or_changed_record_says_so(app, client, users):
    cid = lost_phone(client, users, users.rep2_h)
    conflict = one_conflict()
    manager = desk(app, users.manager)
    seen = client.get(f"/api/customers/{cid}", headers=users.manager_h).json["version"]
    edited = client.patch(f"/api/customers/{cid}", json={"city": "Oulu"}, headers={**users.manager_h, "If-Match": str(seen)})
    assert edited.status_code == 200
    stale = manager.post(f"/office/review/conflicts/{conflict.id}/restore", data={"version": seen}, follow_redirects=True)
    assert stale.status_code == 200 and "changed again after you opened this page" in stale.get_data(as_text=True)
    assert client.get(f"/api/customers/{cid}", headers=users.rep_h).json["phone"] == "040 111"

    assert client.delete(f"/api/customers/{cid}", headers=users.manager_h).status_code == 204
    listed = page(manager)
    assert "Deleted since." in listed and 'data-testid="restore"' not in listed
    gone = manager.post(f"/office/review/conflicts/{conflict.id}/restore", data={}, follow_redirects=True)
    assert gone.status_code == 200
    assert "was deleted after this conflict, so there is nothing to put the value back on" in gone.get_data(as_text=True)
    assert not one_conflict().resolved


def test_every_action_needs_the_csrf_token(app, client, users):
    cid = lost_phone(client, users, users.rep2_h)
    rejected_visit(client, users.rep_h, cid)
    conflict, quarantined = one_conflict(), one_rejected()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        manager = desk(app, users.manager)
        for path in (f"/office/review/conflicts/{conflict.id}/restore", f"/office/review/conflicts/{conflict.id}/dismiss",
                     f"/office/review/rejected/{quarantined.id}", f"/office/review/rejected/{quarantined.id}/dismiss"):
            assert manager.post(path, data={}).status_code == 400, path
        db.session.expire_all()
        assert not one_conflict().resolved and not one_rejected().resolved
        token = csrf_token(manager, "/office/review")
        assert token
        ok = manager.post(f"/office/review/conflicts/{conflict.id}/dismiss", data={"csrf_token": token})
        assert ok.status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_the_list_costs_the_same_queries_for_one_or_many(app, client, users, count_queries):
    manager = desk(app, users.manager)
    cid = lost_phone(client, users, users.rep2_h)
    rejected_visit(client, users.rep_h, cid)
    with count_queries() as one:
        page(manager)
    for n in range(4):
        lost_phone(client, users, users.rep2_h, client_id=f"phone-{n}")
        rejected_visit(client, users.rep_h, cid)
    with count_queries() as many:
        html = page(manager)
    assert total(html, "conflict") == 5 and total(html, "rejected") == 5
    assert many[0] == one[0]


def test_diff_words_marks_only_what_changed():
    kept, lost = diff_words("Call Tuesday morning\nabout samples", "Call Friday morning\nabout samples")
    assert kept == [("Call ", False), ("Tuesday", True), (" morning\nabout samples", False)]
    assert lost == [("Call ", False), ("Friday", True), (" morning\nabout samples", False)]
    assert diff_words("same", "same") == ([("same", False)], [("same", False)])


def test_fixed_choices_are_shown_in_words(app, client, users):
    cid, v = make_customer(client, users.rep_h, stage="active")
    push_one(client, users.rep_h, op("customer", cid, {"stage": "passive"}, base=v, minute=10))
    push_one(client, users.rep2_h, op("customer", cid, {"stage": "occasional"}, base=v, minute=5), "phone-b")
    html = page(desk(app, users.manager))
    assert "<td>Stage</td>" in html and "Passive" in html and "Occasional" in html


def test_a_delete_that_lost_can_be_carried_out_after_all(app, client, users):
    cid, _v = make_customer(client, users.rep_h)
    contact = new_id()
    made = push_one(client, users.rep_h, op("contact", contact, {"customer_id": cid, "name": "Maija Mäki"}))
    push_one(client, users.rep_h, op("contact", contact, {"phone": "040 1"}, base=made["version"], minute=10))
    refused = push_one(client, users.rep2_h, op("contact", contact, type_="delete", base=made["version"], minute=5),
                       "phone-b")
    assert refused["status"] == "conflict"
    manager = desk(app, users.manager)
    listed = page(manager)
    assert "Kept (not deleted)" in listed and "Delete after all" in listed and "Maija Mäki" in listed
    response = manager.post(f"/office/review/conflicts/{one_conflict().id}/restore", data={}, follow_redirects=True)
    assert "Deleted: Contact “Maija Mäki” was deleted as the lost edit wanted." in response.get_data(as_text=True)
    assert client.get(f"/api/contacts/{contact}", headers=users.rep_h).status_code == 404
    db.session.expire_all()
    assert one_conflict().resolved
