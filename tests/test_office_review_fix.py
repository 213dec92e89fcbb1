"""Back office review of rejected ops: fix and retry as the desk user, still-bad input kept, delete, dismiss."""
import pytest

from office_helpers import desk
from review_helpers import one_rejected, page, rejected_visit, total
from server.extensions import db
from sync_helpers import make_customer, new_id, op, push_one

pytestmark = pytest.mark.usefixtures("own_contexts")


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
