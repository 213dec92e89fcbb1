"""Checks shared by the REST tests."""


def assert_error(response, status, field=None):
    """A §4 error: the status, JSON {"error": {"code", "message", "fields"?}}, naming `field` if given."""
    assert response.status_code == status, (response.status_code, response.data[:300])
    assert response.is_json, response.data[:200]
    body = response.json
    assert list(body) == ["error"]
    err = body["error"]
    assert isinstance(err["code"], str) and err["code"] and isinstance(err["message"], str) and err["message"]
    assert set(err) <= {"code", "message", "fields"}
    if "fields" in err:
        assert all(isinstance(v, list) and all(isinstance(m, str) for m in v) for v in err["fields"].values())
    if field is not None:
        assert field in err.get("fields", {}), err
    return err


VALID = {  # a valid body for each resource; "{cid}" is replaced by a customer id
    "customers": {"name": "Kahvila Aalto", "city": "Tampere", "segment": "B"},
    "contacts": {"customer_id": "{cid}", "name": "Liisa Jääskeläinen", "email": "liisa@example.fi"},
    "activities": {"customer_id": "{cid}", "type": "visit", "title": "Aalto – Tampere – maistatus",
                   "starts_at": "2026-11-20T07:00:00Z"},
    "tasks": {"customer_id": "{cid}", "title": "Soita toimituksen jälkeen", "kind": "follow_up", "due_on": "2026-11-23"},
    "deliveries": {"customer_id": "{cid}", "order_no": "T-1", "lines": [{"product": "Juustokakku", "quantity": 2,
                                                                          "unit_price": "24.90"}], "total": "49.80"},
}


def body_for(resource, cid):
    return {k: (cid if v == "{cid}" else v) for k, v in VALID[resource].items()}
