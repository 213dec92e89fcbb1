"""Office customers: list (search, filters, sort, paging), page, timeline, contacts, edit, archive, delete."""
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from office_helpers import csrf_token, desk
from server.models.base import utcnow
from server.office.stages import month_of
from sync_helpers import op, push_one

pytestmark = pytest.mark.usefixtures("own_contexts")
LINK = re.compile(r'<a href="/office/customers/([0-9a-f-]{36})">([^<]+)</a>')


def names(page) -> list:
    return [name for _id, name in LINK.findall(page.get_data(as_text=True))]


def stamp(days_ago: float) -> str:
    return (utcnow() - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def register(create_record, users):
    """Five hand-made customers whose lights follow the default intervals (A 30 days, B 90)."""
    ids = {
        "Äijälä": create_record("customer", name="Alpo Äijälä Oy", city="Oulu", segment="A", stage="active",
                                owner_id=users.rep.id),
        "Bakery": create_record("customer", name="Bakery Bee", city="Tampere", segment="A", stage="passive",
                                owner_id=users.rep2.id),
        "Cafe": create_record("customer", name="Cafe Cee", city="Espoo", segment="B", stage="new",
                              owner_id=users.rep.id),
        "Deli": create_record("customer", name="Deli Dee", city=None, segment=None, stage="lead", owner_id=None),
        "Archived": create_record("customer", name="Archived Ee", city="Turku", segment="C", archived=True,
                                  owner_id=users.rep.id),
    }
    for key, days in (("Äijälä", 10), ("Bakery", 27)):  # green (< 24 days), yellow (24..30)
        create_record("activity", customer_id=ids[key], owner_id=users.rep.id, type="visit", status="done",
                      title="Visit", starts_at=stamp(days))
    create_record("activity", customer_id=ids["Cafe"], owner_id=users.rep.id, type="visit", status="planned",
                  title="Planned only", starts_at=stamp(-3))  # planned is no contact: still red
    create_record("contact", customer_id=ids["Cafe"], name="Matti Meikäläinen")
    return ids


def test_every_customer_page_is_403_for_a_rep(app, users, register):
    rep, cid = desk(app, users.rep), register["Cafe"]
    for path in ("/office/customers", "/office/customers/lookup?q=ca", f"/office/customers/{cid}",
                 f"/office/customers/{cid}/edit", "/office/customers/new", f"/office/customers/{cid}/delete"):
        assert rep.get(path).status_code == 403, path
    for path in (f"/office/customers/{cid}/edit", "/office/customers/new", f"/office/customers/{cid}/archive",
                 f"/office/customers/{cid}/delete", f"/office/customers/{cid}/contacts"):
        assert rep.post(path, data={"name": "x"}).status_code == 403, path
    service = desk(app, users.service)
    assert service.get(f"/office/customers/{cid}/delete").status_code == 403  # managers delete
    assert service.post(f"/office/customers/{cid}/delete").status_code == 403


def test_search_and_filters(app, users, register):
    client = desk(app, users.service)

    def shown(query=""):
        return names(client.get(f"/office/customers?{query}"))
    assert shown() == ["Alpo Äijälä Oy", "Bakery Bee", "Cafe Cee", "Deli Dee"]  # archived hidden by default
    assert "4 customers" in client.get("/office/customers").get_data(as_text=True)
    assert shown("q=ÄIJÄ") == ["Alpo Äijälä Oy"]  # casefolded, not only ASCII
    assert shown("q=meikäläinen") == ["Cafe Cee"]  # a contact's name finds its customer
    assert shown("q=tampere") == ["Bakery Bee"]
    assert shown("segment=A") == ["Alpo Äijälä Oy", "Bakery Bee"]
    assert shown("segment=none") == ["Deli Dee"]
    assert shown(f"owner={users.rep.id}") == ["Alpo Äijälä Oy", "Cafe Cee"]
    assert shown("owner=none") == ["Deli Dee"]
    assert shown("stage=passive") == ["Bakery Bee"]
    assert shown("light=green") == ["Alpo Äijälä Oy"]
    assert shown("light=yellow") == ["Bakery Bee"]
    assert shown("light=red") == ["Cafe Cee"]
    assert shown("light=none") == ["Deli Dee"]
    assert shown("light=red&segment=A") == [] and shown("light=red&page=7") == ["Cafe Cee"]  # past the end
    assert shown("archived=1") == ["Archived Ee"]
    assert shown("archived=all&segment=C") == ["Archived Ee"]
    month = month_of(utcnow(), ZoneInfo("Europe/Helsinki"))
    assert shown(f"stage_month={month}") == ["Alpo Äijälä Oy", "Bakery Bee", "Cafe Cee", "Deli Dee"]
    assert shown("stage_month=2020-01") == []
    assert shown(f"stage=passive&stage_month={month}") == ["Bakery Bee"]
    assert shown("stage=passive&stage_month=2020-01") == []
    assert all(s in client.get("/office/customers?light=red").get_data(as_text=True)
               for s in ('class="light red"', "Overdue", "Espoo"))


def test_sort_both_ways(app, users, register):
    client = desk(app, users.service)

    def shown(query):
        return names(client.get(f"/office/customers?{query}"))
    # never contacted counts as the oldest contact; ties by name
    assert shown("sort=last_contact") == ["Cafe Cee", "Deli Dee", "Bakery Bee", "Alpo Äijälä Oy"]
    assert shown("sort=last_contact&dir=desc") == ["Alpo Äijälä Oy", "Bakery Bee", "Cafe Cee", "Deli Dee"]
    assert shown("sort=light") == ["Cafe Cee", "Bakery Bee", "Alpo Äijälä Oy", "Deli Dee"]  # red, yellow, green, none
    assert shown("sort=light&dir=desc") == ["Deli Dee", "Alpo Äijälä Oy", "Bakery Bee", "Cafe Cee"]
    assert shown("sort=city") == ["Cafe Cee", "Alpo Äijälä Oy", "Bakery Bee", "Deli Dee"]  # no city last
    assert shown("sort=city&dir=desc") == ["Bakery Bee", "Alpo Äijälä Oy", "Cafe Cee", "Deli Dee"]
    assert shown("sort=stage") == ["Deli Dee", "Cafe Cee", "Alpo Äijälä Oy", "Bakery Bee"]  # lead, new, active, passive
    assert shown("sort=segment&dir=desc")[:3] == ["Cafe Cee", "Alpo Äijälä Oy", "Bakery Bee"]
    assert shown("sort=owner")[-1] == "Deli Dee"


def test_bad_parameters_get_400_naming_them(app, users):
    client = desk(app, users.service)
    for query, name in (("segment=X", "segment"), ("light=blue", "light"), ("sort=price", "sort"),
                        ("dir=up", "dir"), ("owner=12", "owner"), ("stage_month=2026-13", "stage_month"),
                        ("page=0", "page"), ("page=two", "page"), ("archived=yes", "archived"), ("stage=gone", "stage")):
        response = client.get(f"/office/customers?{query}")
        assert response.status_code == 400, query
        assert f"parameter &#39;{name}&#39;" in response.get_data(as_text=True), query


def _bulk(create_record, count, prefix="Firm"):
    return [create_record("customer", name=f"{prefix} {n:03d}", segment="B") for n in range(count)]


def test_paging_50_a_page_with_total_and_the_last_page_for_a_page_too_far(app, users, create_record):
    _bulk(create_record, 53)
    client = desk(app, users.service)
    first = client.get("/office/customers")
    body = first.get_data(as_text=True)
    assert names(first) == [f"Firm {n:03d}" for n in range(50)]
    assert "53 customers" in body and "Page 1 of 2" in body and "page=2" in body
    assert names(client.get("/office/customers?page=2")) == ["Firm 050", "Firm 051", "Firm 052"]
    assert names(client.get("/office/customers?page=9")) == ["Firm 050", "Firm 051", "Firm 052"]
    desc = client.get("/office/customers?sort=name&dir=desc&page=2")
    assert names(desc) == ["Firm 002", "Firm 001", "Firm 000"]
    assert '<a href="/office/customers?dir=desc" rel="prev">' in desc.get_data(as_text=True)  # keeps the sort


def test_the_list_runs_the_same_queries_for_5_or_50_customers(app, users, create_record, count_queries):
    client = desk(app, users.service)
    ids = _bulk(create_record, 5)
    for query in ("", "sort=light", "light=red"):
        with count_queries() as few:
            assert client.get(f"/office/customers?{query}").status_code == 200
        if query == "":
            _bulk(create_record, 45, "More")
            for cid in ids:
                create_record("activity", customer_id=cid, type="call", status="done", title="Call", starts_at=stamp(1))
        with count_queries() as many:
            assert client.get(f"/office/customers?{query}").status_code == 200
        assert many[0] == few[0] <= 9, query


def test_lookup_gives_at_most_20_matches(app, users, create_record):
    _bulk(create_record, 22, "Kahvila")
    create_record("customer", name="Other", city="Kahvilakylä")
    client = desk(app, users.service)
    found = client.get("/office/customers/lookup?q=kahvila").json
    assert len(found) == 20 and set(found[0]) == {"id", "name", "city"}
    assert client.get("/office/customers/lookup?q=other").json[0]["city"] == "Kahvilakylä"
    assert client.get("/office/customers/lookup?q=").json == []


def test_the_page_shows_fields_contacts_and_every_kind_in_the_timeline(app, client, users, register, create_record):
    cid = register["Cafe"]
    create_record("activity", customer_id=cid, owner_id=users.rep.id, type="call", status="done",
                  title="Called about prices", starts_at=stamp(2), outcome="Wants samples")
    task = create_record("task", users.service, customer_id=cid, assignee_id=users.rep.id, kind="complaint",
                         title="Broken cake box", due_on=utcnow().date().isoformat())
    client.patch(f"/api/tasks/{task}", json={"status": "done"}, headers=users.rep_h)
    create_record("delivery", customer_id=cid, order_no="T-1", ordered_on="2026-11-02", status="delivered",
                  delivered_on="2026-11-04", lines=[{"product": "Cake", "quantity": 3, "unit_price": "10.00"}],
                  total="30.00")
    version = client.get(f"/api/customers/{cid}", headers=users.rep_h).json["version"]
    push_one(client, users.rep_h, op("customer", cid, {"phone": "040 111"}, base=version, minute=10))
    push_one(client, users.rep2_h, op("customer", cid, {"phone": "050 222"}, base=version, minute=5), "phone-b")
    page = desk(app, users.manager).get(f"/office/customers/{cid}").get_data(as_text=True)
    assert "Cafe Cee" in page and "Matti Meikäläinen" in page and "Espoo" in page
    kinds = re.findall(r'<tr data-kind="(\w+)"', page)
    assert set(kinds) == {"activity", "task", "order", "delivery", "conflict"}
    assert "Called about prices" in page and "Wants samples" in page and "Planned only" in page
    assert re.search(r"done [^<]* by Rep", page)  # who closed the task, and when
    assert "€30.00" in page and "T-1" in page
    assert "kept: 040 111; lost: 050 222" in page
    assert f"/office/tasks/new?customer_id={cid}" in page and f"/office/orders/new?customer_id={cid}" in page
    # service sees the conflicts of their own only (the rep2's here is not theirs)
    assert 'data-kind="conflict"' not in desk(app, users.service).get(f"/office/customers/{cid}").get_data(as_text=True)


def test_edit_saves_only_what_changed_and_phones_pull_it(app, client, users, register):
    cid = register["Deli"]
    desk_client = desk(app, users.service)
    form = desk_client.get(f"/office/customers/{cid}/edit").get_data(as_text=True)
    version = int(re.search(r'name="version" value="(\d+)"', form).group(1))
    response = desk_client.post(f"/office/customers/{cid}/edit", data={
        "version": version, "name": "Deli Dee", "kind": "customer", "stage": "lead", "city": "Vaasa", "country": "fi",
        "segment": "D", "owner_id": users.rep2.id})
    assert response.status_code == 302
    stored = client.get(f"/api/customers/{cid}", headers=users.rep_h).json
    assert (stored["city"], stored["segment"], stored["owner_id"], stored["country"]) == ("Vaasa", "D", users.rep2.id, "FI")


def test_a_stale_edit_keeps_the_input_and_shows_what_changed(app, client, users, register):
    cid = register["Deli"]
    desk_client = desk(app, users.service)
    form = desk_client.get(f"/office/customers/{cid}/edit").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', form).group(1)
    client.patch(f"/api/customers/{cid}", json={"phone": "09 123 456"}, headers=users.rep_h)
    typed = {"version": version, "name": "Deli Dee", "kind": "customer", "stage": "lead", "city": "Kuopio",
             "notes": "Typed at the desk"}
    stale = desk_client.post(f"/office/customers/{cid}/edit", data=typed)
    page = stale.get_data(as_text=True)
    assert stale.status_code == 409 and "Nothing was saved" in page
    assert 'value="Kuopio"' in page and "Typed at the desk" in page
    assert 'data-changed="phone"' in page and "09 123 456" in page and "Rep" in page
    assert client.get(f"/api/customers/{cid}", headers=users.rep_h).json["city"] is None
    assert (newer := re.search(r'name="version" value="(\d+)"', page).group(1)) != version
    assert desk_client.post(f"/office/customers/{cid}/edit", data={**typed, "version": newer}).status_code == 302
    assert client.get(f"/api/customers/{cid}", headers=users.rep_h).json["city"] == "Kuopio"


def test_invalid_input_names_the_field_and_keeps_the_rest(app, users, register):
    cid = register["Deli"]
    desk_client = desk(app, users.service)
    version = re.search(r'name="version" value="(\d+)"',
                        desk_client.get(f"/office/customers/{cid}/edit").get_data(as_text=True)).group(1)
    response = desk_client.post(f"/office/customers/{cid}/edit", data={
        "version": version, "name": "Deli Dee", "kind": "customer", "stage": "lead", "email": "not-an-address",
        "city": "Lahti"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'data-field="email"' in page and re.search(r"<li>E-mail: [^<]*e-?mail", page, re.I)
    assert 'value="not-an-address"' in page and 'value="Lahti"' in page
    new = desk_client.post("/office/customers/new", data={"name": "", "kind": "customer", "stage": "new",
                                                            "business_id": "1234567-2", "city": "Pori"})
    page = new.get_data(as_text=True)
    assert new.status_code == 422 and 'data-field="name"' in page and 'data-field="business_id"' in page
    assert 'value="Pori"' in page


def test_new_customer_is_created_through_the_merge(app, client, users):
    cid = desk(app, users.service).post("/office/customers/new", data={
        "name": "Uusi Asiakas Oy", "kind": "prospect", "stage": "lead", "segment": "C", "country": "FI",
        "owner_id": users.rep.id, "marketing_ban": "1"}).headers["Location"].rsplit("/", 1)[1]
    stored = client.get(f"/api/customers/{cid}", headers=users.rep_h).json
    assert (stored["name"], stored["kind"], stored["marketing_ban"], stored["owner_id"]) == \
        ("Uusi Asiakas Oy", "prospect", True, users.rep.id)


def test_edit_and_archive_need_the_csrf_token(app, client, users, register):
    cid = register["Deli"]
    desk_client = desk(app, users.service)
    page = f"/office/customers/{cid}/edit"
    app.config["WTF_CSRF_ENABLED"] = True  # TestConfig turns it off; the app fixture is per test
    assert desk_client.post(page, data={"name": "Hijacked", "version": "1"}).status_code == 400
    assert desk_client.post(f"/office/customers/{cid}/archive", data={"archived": "1"}).status_code == 400
    assert client.get(f"/api/customers/{cid}", headers=users.rep_h).json["name"] == "Deli Dee"
    token = csrf_token(desk_client, page)
    assert desk_client.post(f"/office/customers/{cid}/archive", data={"archived": "1", "csrf_token": token}).status_code == 302


def test_archive_and_restore(app, client, users, register):
    cid, desk_client = register["Deli"], desk(app, users.service)
    assert desk_client.post(f"/office/customers/{cid}/archive", data={"archived": "1"}).status_code == 302
    assert client.get(f"/api/customers/{cid}", headers=users.rep_h).json["archived"] is True
    assert "Deli Dee" not in names(desk_client.get("/office/customers"))
    assert "Deli Dee" in names(desk_client.get("/office/customers?archived=1"))
    assert "Restore from the archive" in desk_client.get(f"/office/customers/{cid}").get_data(as_text=True)
    desk_client.post(f"/office/customers/{cid}/archive", data={"archived": "0"})
    assert client.get(f"/api/customers/{cid}", headers=users.rep_h).json["archived"] is False


def test_a_manager_deletes_after_a_confirmation(app, client, users, register):
    cid = register["Cafe"]
    manager = desk(app, users.manager)
    confirm = manager.get(f"/office/customers/{cid}/delete").get_data(as_text=True)
    assert 'data-testid="confirm-delete"' in confirm and "1 contacts, 1 activities" in confirm
    assert client.get(f"/api/customers/{cid}", headers=users.rep_h).status_code == 200  # a GET deletes nothing
    assert manager.post(f"/office/customers/{cid}/delete").headers["Location"] == "/office/customers"
    assert client.get(f"/api/customers/{cid}", headers=users.rep_h).status_code == 404
    assert manager.get(f"/office/customers/{cid}").status_code == 404


def test_contacts_are_added_edited_and_deleted(app, client, users, register):
    cid = register["Deli"]
    desk_client = desk(app, users.service)
    assert desk_client.post(f"/office/customers/{cid}/contacts", data={"name": "Liisa", "role": "buyer",
                                                                       "email": "liisa@example.com"}).status_code == 302
    [contact] = client.get(f"/api/contacts?customer_id={cid}", headers=users.rep_h).json["items"]
    assert contact["role"] == "buyer"
    bad = desk_client.post(f"/office/customers/{cid}/contacts", data={"name": "", "phone": "040 1"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'data-field="name"' in page and 'value="040 1"' in page
    edit = desk_client.post(f"/office/customers/{cid}/contacts/{contact['id']}",
                            data={"version": contact["version"], "name": "Liisa Laine", "role": "owner"})
    assert edit.status_code == 302
    assert client.get(f"/api/contacts/{contact['id']}", headers=users.rep_h).json["name"] == "Liisa Laine"
    other = register["Cafe"]  # a contact is edited only under its own customer
    assert desk_client.post(f"/office/customers/{other}/contacts/{contact['id']}/delete").status_code == 404
    assert desk_client.post(f"/office/customers/{cid}/contacts/{contact['id']}/delete").status_code == 302
    assert client.get(f"/api/contacts/{contact['id']}", headers=users.rep_h).status_code == 404
