"""Back office review: conflicts and rejected ops made by real sync pushes; restore, dismiss, fix and retry."""
import re

import pytest

from office_helpers import csrf_token, desk
from server.extensions import db
from server.models import Conflict, QuarantinedOp
from server.office.review_data import diff_words
from sync_helpers import make_customer, new_id, op, push_one, state

pytestmark = pytest.mark.usefixtures("own_contexts")


def lost_phone(client, users, loser_h, client_id="phone-b"):
    """A customer whose phone two users set at once; the loser's "050 222" lost to "040 111"."""
    cid, v = make_customer(client, users.rep_h, name="Kahvila Aalto")
    push_one(client, users.rep_h, op("customer", cid, {"phone": "040 111"}, base=v, minute=10))
    result = push_one(client, loser_h, op("customer", cid, {"phone": "050 222"}, base=v, minute=5), client_id)
    assert result["status"] == "conflict"
    return cid


def rejected_visit(client, headers, customer_id, client_id="phone-a", **fields):
    """An activity the server refuses (a type that does not exist); its id."""
    aid = new_id()
    result = push_one(client, headers, op("activity", aid, {"customer_id": customer_id, "type": "dance",
                                                            "title": "Kahvila Aalto: esittely", **fields}), client_id)
    assert result["status"] == "rejected" and "type" in result["errors"]
    return aid


def page(client, path="/office/review", status=200):
    response = client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def total(html, which):
    return int(re.search(rf'data-testid="{which}-total">(\d+)<', html).group(1))


def one_conflict(**where) -> Conflict:
    [conflict] = db.session.scalars(db.select(Conflict).filter_by(**where)).all()
    return conflict


def one_rejected(**where) -> QuarantinedOp:
    [quarantined] = db.session.scalars(db.select(QuarantinedOp).filter_by(**where)).all()
    return quarantined


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


def test_fix_and_retry_applies_the_corrected_op_as_the_desk_user(app, client, users):
    cid, _v = make_customer(client, users.rep_h, name="Leipomo Lehto")
    aid = rejected_visit(client, users.rep_h, cid, notes="Rivi 1\nRivi 2", mood="happy")
    quarantined = one_rejected()
    manager = desk(app, users.manager)
    form = page(manager, f"/office/review/rejected/{quarantined.id}")
    assert '<option value="dance" selected>' in form and "Must be one of" in form
    assert '<textarea id="v_notes" name="v_notes" rows="4">Rivi 1\nRivi 2</textarea>' in form
    assert "Not a field of this record: it is left out." in form and 'name="v_mood"' not in form
    assert "not Rep&#39;s" in form or "not Rep's" in form  # the desk user acts as themselves
    done = manager.post(f"/office/review/rejected/{quarantined.id}",
                        data={"v_customer_id": cid, "v_type": "visit", "v_title": "Leipomo Lehto: esittely",
                              "v_notes": "Rivi 1\nRivi 2"})
    assert done.status_code == 302 and done.headers["Location"] == f"/office/review/rejected/{quarantined.id}"
    visit = client.get(f"/api/activities/{aid}", headers=users.rep_h).json
    assert (visit["type"], visit["title"], visit["notes"]) == ("visit", "Leipomo Lehto: esittely", "Rivi 1\nRivi 2")
    assert visit["owner_id"] == users.manager.id
    db.session.expire_all()
    assert one_rejected().resolved
    after = page(manager, f"/office/review/rejected/{quarantined.id}")
    assert "This change has been handled." in after and f'href="/office/customers/{cid}"' in after
    assert total(page(manager), "rejected") == 0


def test_a_fix_still_bad_shows_errors_and_keeps_the_input(app, client, users):
    cid, _v = make_customer(client, users.rep_h)
    aid = rejected_visit(client, users.rep_h, cid)
    quarantined = one_rejected()
    manager = desk(app, users.manager)
    bad = manager.post(f"/office/review/rejected/{quarantined.id}",
                       data={"v_customer_id": cid, "v_type": "visit", "v_title": "", "v_extra": "x"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Not saved: check the fields marked below." in html
    assert "Must not be empty." in html and '<option value="visit" selected>' in html
    assert client.get(f"/api/activities/{aid}", headers=users.rep_h).status_code == 404
    db.session.expire_all()
    assert not one_rejected().resolved


def test_delivery_lines_are_fixed_as_json(app, client, users):
    cid, _v = make_customer(client, users.rep_h)
    did = new_id()
    lines = [{"product": "Juustokakku", "quantity": 0, "unit_price": "24.90"}]
    result = push_one(client, users.rep_h, op("delivery", did, {"customer_id": cid, "lines": lines}))
    assert result["status"] == "rejected"
    quarantined = one_rejected()
    manager = desk(app, users.manager)
    listed = page(manager)
    assert "Juustokakku" in listed and "€24.90" in listed and "Line 1, Quantity" in listed
    broken = manager.post(f"/office/review/rejected/{quarantined.id}",
                          data={"v_customer_id": cid, "v_lines": '[{"product": "Juustokakku", '})
    html = broken.get_data(as_text=True)
    assert broken.status_code == 422 and "Not valid JSON" in html and "[{&#34;product&#34;: &#34;Juustokakku&#34;, " in html
    fixed = manager.post(f"/office/review/rejected/{quarantined.id}", data={
        "v_customer_id": cid, "v_lines": '[{"product": "Juustokakku", "quantity": 2, "unit_price": "24.90"}]'})
    assert fixed.status_code == 302
    assert client.get(f"/api/deliveries/{did}", headers=users.rep_h).json["lines"] == [
        {"product": "Juustokakku", "quantity": "2", "unit_price": "24.90"}]


def test_a_rejected_delete_can_be_retried_by_a_manager(app, client, users):
    cid, v = make_customer(client, users.rep_h, name="Poistettava Oy")
    result = push_one(client, users.rep_h, op("customer", cid, type_="delete", base=v))
    assert result["status"] == "rejected"
    quarantined = one_rejected()
    manager = desk(app, users.manager)
    assert "Delete this record" in page(manager)
    assert manager.post(f"/office/review/rejected/{quarantined.id}", data={}).status_code == 302
    assert client.get(f"/api/customers/{cid}", headers=users.manager_h).status_code == 404
    again = manager.post(f"/office/review/rejected/{quarantined.id}", data={})
    assert again.status_code == 409 and "already handled" in again.get_data(as_text=True)


def test_dismissing_a_rejected_op(app, client, users):
    cid, _v = make_customer(client, users.rep_h)
    rejected_visit(client, users.service_h, cid, client_id="desk-s")
    quarantined = one_rejected()
    service = desk(app, users.service)
    response = service.post(f"/office/review/rejected/{quarantined.id}/dismiss", data={}, follow_redirects=True)
    assert "Dismissed: the rejected change will not be applied." in response.get_data(as_text=True)
    db.session.expire_all()
    assert one_rejected().resolved


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


def test_a_field_the_rep_may_not_set_is_fixed_with_the_managers_rights(app, client, users):
    cid, _v = make_customer(client, users.rep_h, name="Kahvila Aalto")
    aid = new_id()
    result = push_one(client, users.rep_h, op("activity", aid, {"customer_id": cid, "type": "visit", "title": "Esittely",
                                                                "owner_id": users.rep2.id}))
    assert result["status"] == "rejected" and "owner_id" in result["errors"]
    quarantined = one_rejected()
    manager = desk(app, users.manager)
    form = page(manager, f"/office/review/rejected/{quarantined.id}")
    assert f'<option value="{users.rep2.id}" selected>Rep</option>' in form  # a person is picked, not typed
    assert "You can only plan activities for yourself." in form and "Kahvila Aalto" in form  # the id's name
    assert '<option value="visit" selected>Visit</option>' in form
    done = manager.post(f"/office/review/rejected/{quarantined.id}", data={
        "v_customer_id": cid, "v_type": "visit", "v_title": "Esittely", "v_owner_id": users.rep2.id})
    assert done.status_code == 302
    assert client.get(f"/api/activities/{aid}", headers=users.rep2_h).json["owner_id"] == users.rep2.id


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


def test_a_rejected_edit_shows_what_the_record_holds_now(app, client, users):
    cid, v = make_customer(client, users.rep_h, name="Kahvila Aalto", postal_code="00100")
    bad = push_one(client, users.rep_h, op("customer", cid, {"postal_code": "1234", "do_not_contact": True}, base=v))
    assert bad["status"] == "rejected" and "postal_code" in bad["errors"]
    quarantined = one_rejected()
    manager = desk(app, users.manager)
    form = page(manager, f"/office/review/rejected/{quarantined.id}")
    assert 'value="1234"' in form and "Now: <span class=\"review-text\">00100</span>" in form
    assert '<option value="true" selected>Yes</option>' in form
    assert manager.post(f"/office/review/rejected/{quarantined.id}",
                        data={"v_postal_code": "00120", "v_do_not_contact": "true"}).status_code == 302
    customer = client.get(f"/api/customers/{cid}", headers=users.rep_h).json
    assert (customer["postal_code"], customer["do_not_contact"]) == ("00120", True)
