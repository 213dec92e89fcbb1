"""A first walk through the API as a rep would use it."""


def test_rep_creates_searches_and_patches_a_customer(client, users):
    r = client.post("/api/customers", json={"name": "Kahvila Äänekoski", "city": "Ähtäri", "business_id": "0112038-9"},
                    headers=users.rep_h)
    assert r.status_code == 201, r.json
    cid, version = r.json["id"], r.json["version"]
    assert r.headers["ETag"] == f'"{version}"'
    found = client.get("/api/customers?q=äHTÄ", headers=users.rep_h).json
    assert [c["id"] for c in found["items"]] == [cid]
    r = client.patch(f"/api/customers/{cid}", json={"phone": "040 123"}, headers={**users.rep_h, "If-Match": str(version)})
    assert r.status_code == 200 and r.json["phone"] == "040 123"
    stale = client.patch(f"/api/customers/{cid}", json={"phone": "x"}, headers={**users.rep_h, "If-Match": str(version)})
    assert stale.status_code == 412 and stale.json["error"]["code"] == "precondition_failed"
