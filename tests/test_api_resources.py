"""REST resources of SPEC §4: create, get, list, search, filter, patch, archive, delete."""
import pytest

from api_helpers import VALID, assert_error, body_for


@pytest.fixture
def customer(client, users):
    return client.post("/api/customers", json={"name": "Kahvila Aalto"}, headers=users.rep_h).json["id"]


@pytest.mark.parametrize("resource", sorted(VALID))
def test_create_get_patch_list_each_resource(client, users, customer, resource):
    r = client.post(f"/api/{resource}", json=body_for(resource, customer), headers=users.service_h)
    assert r.status_code == 201, r.json
    record = r.json
    assert {"id", "version", "deleted", "created_at", "updated_at"} <= set(record)
    got = client.get(f"/api/{resource}/{record['id']}", headers=users.rep_h)
    assert got.json == record and got.headers["ETag"] == f'"{record["version"]}"'
    patched = client.patch(f"/api/{resource}/{record['id']}", json={"notes": "Päivitetty"} if resource != "deliveries"
                           else {"order_no": "T-2"}, headers={**users.service_h, "If-Match": got.headers["ETag"]})
    assert patched.status_code == 200 and patched.json["version"] > record["version"]
    listing = client.get(f"/api/{resource}", headers=users.rep_h).json
    assert set(listing) == {"items", "total", "page", "per_page"}
    assert record["id"] in [item["id"] for item in listing["items"]]


def test_patch_with_a_stale_version_is_412_and_changes_nothing(client, users, customer):
    first = client.patch(f"/api/customers/{customer}", json={"city": "Oulu"}, headers={**users.rep_h, "If-Match": "1"})
    assert first.status_code == 200
    assert_error(client.patch(f"/api/customers/{customer}", json={"city": "Pori"},
                              headers={**users.rep_h, "If-Match": "1"}), 412)
    assert client.get(f"/api/customers/{customer}", headers=users.rep_h).json["city"] == "Oulu"


def test_paging(client, users):
    for i in range(7):
        client.post("/api/customers", json={"name": f"Kahvila {i}"}, headers=users.rep_h)
    page = client.get("/api/customers?page=3&per_page=3", headers=users.rep_h).json
    assert (page["total"], page["page"], page["per_page"], len(page["items"])) == (7, 3, 3, 1)
    names = [c["name"] for p in (1, 2, 3) for c in client.get(f"/api/customers?page={p}&per_page=3",
                                                             headers=users.rep_h).json["items"]]
    assert names == sorted(names) and len(set(names)) == 7


@pytest.mark.parametrize("q", ["äht", "ÄHT", "Ähtäri", "jääsk", "JÄÄSKELÄINEN", "0112038", "KAHVILA ÅS"])
def test_search_is_case_insensitive_with_finnish_letters(client, users, q):
    hit = client.post("/api/customers", json={"name": "Kahvila Åsa", "city": "Ähtäri", "business_id": "0112038-9"},
                      headers=users.rep_h).json["id"]
    client.post("/api/customers", json={"name": "Konepaja Oy", "city": "Oulu"}, headers=users.rep_h)
    client.post("/api/contacts", json={"customer_id": hit, "name": "Liisa Jääskeläinen"}, headers=users.rep_h)
    found = client.get("/api/customers", query_string={"q": q}, headers=users.rep_h).json
    assert [c["id"] for c in found["items"]] == [hit] and found["total"] == 1


def test_search_treats_like_wildcards_literally(client, users):
    client.post("/api/customers", json={"name": "Kahvila Aalto"}, headers=users.rep_h)
    assert client.get("/api/customers", query_string={"q": "%"}, headers=users.rep_h).json["total"] == 0
    assert client.get("/api/customers", query_string={"q": "_"}, headers=users.rep_h).json["total"] == 0


def test_filters_segment_owner_stage_archived(client, users):
    a = client.post("/api/customers", json={"name": "A", "segment": "A", "stage": "active"}, headers=users.rep_h).json
    b = client.post("/api/customers", json={"name": "B", "segment": "B", "stage": "lead"}, headers=users.rep2_h).json
    client.patch(f"/api/customers/{b['id']}", json={"archived": True}, headers=users.rep2_h)

    def ids(query):
        return [c["id"] for c in client.get("/api/customers", query_string=query, headers=users.rep_h).json["items"]]
    assert ids({"segment": "A"}) == [a["id"]]
    assert ids({"owner": users.rep2.id}) == [b["id"]] == ids({"owner_id": users.rep2.id})
    assert ids({"stage": "lead"}) == [b["id"]]
    assert ids({"archived": "true"}) == [b["id"]] and ids({"archived": "false"}) == [a["id"]]
    assert client.get(f"/api/customers/{b['id']}", headers=users.rep_h).json["archived"] is True


def test_manager_delete_takes_the_customers_records_with_it(client, users, customer):
    children = {res: client.post(f"/api/{res}", json=body_for(res, customer), headers=users.service_h).json["id"]
                for res in ("contacts", "activities", "tasks", "deliveries")}
    assert client.delete(f"/api/customers/{customer}", headers=users.manager_h).status_code == 204
    for res, rid in children.items():
        assert_error(client.get(f"/api/{res}/{rid}", headers=users.manager_h), 404)
    assert client.get("/api/contacts", headers=users.manager_h).json["total"] == 0
    assert_error(client.delete(f"/api/customers/{customer}", headers=users.manager_h), 404)


def test_client_chosen_id_is_kept_and_a_duplicate_is_409(client, users):
    rid = "6f1d7c1e-7a51-4a4b-9f42-0c8a4d3f0a11"
    assert client.post("/api/customers", json={"id": rid, "name": "X"}, headers=users.rep_h).json["id"] == rid
    assert_error(client.post("/api/customers", json={"id": rid, "name": "Y"}, headers=users.rep_h), 409)


@pytest.mark.parametrize("body", [{}, {"id": "6f1d7c1e-7a51-4a4b-9f42-0c8a4d3f0a11", "version": 1}])
def test_patch_that_names_no_field_is_422(client, users, customer, body):
    before = client.get(f"/api/customers/{customer}", headers=users.rep_h).json
    err = assert_error(client.patch(f"/api/customers/{customer}", json=body, headers=users.rep_h), 422)
    assert err["code"] == "validation_error" and "at least one field" in err["message"]
    assert client.get(f"/api/customers/{customer}", headers=users.rep_h).json == before
