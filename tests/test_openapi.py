"""GET /api/openapi.json is a valid OpenAPI 3 document covering every resource, and what it says a
response looks like is what the server really sends (every record type, account, settings, sync)."""
import re
import uuid

import pytest
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

from api_helpers import body_for

PLURALS = ("customers", "contacts", "activities", "tasks", "deliveries")


def test_openapi_document_is_valid_and_complete(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    doc = response.json
    validate(doc)
    assert doc["openapi"].startswith("3.")
    for plural in (*PLURALS, "conflicts"):
        assert f"/api/{plural}" in doc["paths"] and f"/api/{plural}/{{id}}" in doc["paths"]
    for path in ("/api/auth/token", "/api/me", "/api/sync/push", "/api/sync/pull"):
        assert path in doc["paths"]
    for rule in client.application.url_map.iter_rules():  # every /api/ route and method is documented
        if rule.rule.startswith("/api/") and rule.rule != "/api/openapi.json":
            path = re.sub(r"<(?:[^:>]+:)?(\w+)>", r"{\1}", rule.rule).replace("{record_id}", "{id}")
            assert path in doc["paths"], rule.rule
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert method.lower() in doc["paths"][path], (method, rule.rule)
    customer = doc["components"]["schemas"]["CustomerCreate"]
    assert "name" in customer["required"] and customer["properties"]["name"]["type"] == "string"


def test_every_operation_documents_its_errors_in_the_one_shape(client):
    doc = client.get("/api/openapi.json").json
    for path, item in doc["paths"].items():
        for method, op in item.items():
            codes = set(op["responses"])
            if op.get("security", doc["security"]):
                assert "401" in codes, (method, path)
            if "requestBody" in op:  # sync push answers a bad envelope 400, never 422 (SPEC §5)
                assert {"400", "413", "415"} <= codes and ("422" in codes or path == "/api/sync/push"), (method, path)
            for code, answer in op["responses"].items():
                if code.startswith("4") or code.startswith("5"):
                    assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert "429" in doc["paths"]["/api/auth/token"]["post"]["responses"]
    assert "Retry-After" in doc["paths"]["/api/auth/token"]["post"]["responses"]["429"]["headers"]
    for plural in PLURALS:
        assert {"403", "409"} <= set(doc["paths"][f"/api/{plural}"]["post"]["responses"])
        assert {"403", "404", "409", "412"} <= set(doc["paths"][f"/api/{plural}/{{id}}"]["patch"]["responses"])
    op = doc["paths"]["/api/sync/push"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert op["properties"]["ops"]["items"]["properties"]["seq"]["minimum"] == 0


class Conforms:
    """check(method, path, response): the response matches what the document says for it."""

    def __init__(self, doc):
        self.doc = doc

    def schema_for(self, method: str, path: str, status: int) -> dict:
        answer = self.doc["paths"][path][method.lower()]["responses"][str(status)]
        return answer.get("content", {}).get("application/json", {}).get("schema")

    def __call__(self, method: str, path: str, response) -> None:
        schema = self.schema_for(method, path, response.status_code)
        assert schema is not None or not response.data, (method, path, response.status_code)
        if schema is not None:
            validator = OAS30Validator({**schema, "components": self.doc["components"]})
            errors = sorted(validator.iter_errors(response.json), key=str)
            assert not errors, (method, path, [f"{list(e.path)}: {e.message}" for e in errors[:5]])


@pytest.fixture
def conforms(client):
    return Conforms(client.get("/api/openapi.json").json)


def test_record_responses_match_the_document(client, users, conforms):
    h = users.manager_h
    r = client.post("/api/customers", json=body_for("customers", None), headers=h)
    conforms("POST", "/api/customers", r)
    cid = r.json["id"]
    assert {"id", "version", "deleted", "created_at", "updated_at"} <= set(r.json)
    for plural in PLURALS:
        r = client.post(f"/api/{plural}", json=body_for(plural, cid), headers=h)
        assert r.status_code == 201, r.json
        conforms("POST", f"/api/{plural}", r)
        record_id = r.json["id"]
        conforms("GET", f"/api/{plural}/{{id}}", client.get(f"/api/{plural}/{record_id}", headers=h))
        conforms("GET", f"/api/{plural}", client.get(f"/api/{plural}", headers=h))
        first = next(iter(k for k in body_for(plural, cid) if k not in ("customer_id", "lines", "total")))
        r = client.patch(f"/api/{plural}/{record_id}", json={first: body_for(plural, cid)[first]}, headers=h)
        conforms("PATCH", f"/api/{plural}/{{id}}", r)
    delivery = client.get("/api/deliveries", headers=h).json["items"][0]
    assert delivery["total"] == "49.80" and delivery["lines"][0]["unit_price"] == "24.90"  # money is a string


def test_conflict_and_sync_responses_match_the_document(client, users, conforms):
    h = users.manager_h
    cid = client.post("/api/customers", json={"name": "Kahvila"}, headers=h).json["id"]

    def op(name, at):
        return {"op_id": str(uuid.uuid4()), "entity": "customer", "id": cid, "type": "put", "base_version": 1,
                "seq": 1, "fields": {"name": name}, "edited_at": at}
    r = client.post("/api/sync/push", json={"client_id": "a", "ops": [op("Kahvila A", "2026-11-20T09:00:00Z")]},
                    headers=h)
    conforms("POST", "/api/sync/push", r)
    r = client.post("/api/sync/push", json={"client_id": "b", "ops": [op("Kahvila B", "2026-11-20T08:00:00Z")]},
                    headers=h)
    conforms("POST", "/api/sync/push", r)
    assert r.json["results"][0]["status"] == "conflict"
    r = client.get("/api/conflicts", headers=h)
    conforms("GET", "/api/conflicts", r)
    conflict = r.json["items"][0]
    conforms("GET", "/api/conflicts/{id}", client.get(f"/api/conflicts/{conflict['id']}", headers=h))
    conforms("PATCH", "/api/conflicts/{id}", client.patch(f"/api/conflicts/{conflict['id']}",
                                                          json={"resolved": True}, headers=h))
    conforms("GET", "/api/sync/pull", client.get("/api/sync/pull?cursor=0", headers=h))


def test_account_and_settings_responses_match_the_document(client, users, conforms):
    for h in (users.rep_h, users.manager_h):
        conforms("GET", "/api/me", client.get("/api/me", headers=h))
        conforms("GET", "/api/me/calendar", client.get("/api/me/calendar", headers=h))
        conforms("POST", "/api/me/calendar-token", client.post("/api/me/calendar-token", headers=h))
        conforms("GET", "/api/service-levels", client.get("/api/service-levels", headers=h))
        conforms("GET", "/api/push/subscriptions", client.get("/api/push/subscriptions", headers=h))
    conforms("PUT", "/api/service-levels/{segment}", client.put(
        "/api/service-levels/A", json={"visit_interval_days": 20, "followup_delay_days": 2}, headers=users.manager_h))
    r = client.post("/api/auth/token", json={"email": users.rep.email, "password": "demo1234"})
    conforms("POST", "/api/auth/token", r)
    conforms("POST", "/api/auth/token", client.post("/api/auth/token", json={"email": "x@example.com", "password": "x"}))
    conforms("POST", "/api/customers", client.post("/api/customers", data="{", headers={
        **users.rep_h, "Content-Type": "application/json"}))
    conforms("POST", "/api/customers", client.post("/api/customers", data="x", headers=users.rep_h))
    conforms("GET", "/api/customers/{id}", client.get(f"/api/customers/{uuid.uuid4()}", headers=users.rep_h))
