"""GET /api/openapi.json is a valid OpenAPI 3 document covering every resource."""
import re

from openapi_spec_validator import validate


def test_openapi_document_is_valid_and_complete(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    doc = response.json
    validate(doc)
    assert doc["openapi"].startswith("3.")
    for plural in ("customers", "contacts", "activities", "tasks", "deliveries", "conflicts"):
        assert f"/api/{plural}" in doc["paths"] and f"/api/{plural}/{{id}}" in doc["paths"]
    for path in ("/api/auth/token", "/api/me", "/api/sync/push", "/api/sync/pull"):
        assert path in doc["paths"]
    for rule in client.application.url_map.iter_rules():  # every /api/ route and method is documented
        if rule.rule.startswith("/api/") and rule.rule != "/api/openapi.json":
            path = re.sub(r"<(?:[^:>]+:)?(\w+)>", r"{\1}", rule.rule).replace("{record_id}", "{id}")
            assert path in doc["paths"], rule.rule
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert method.lower() in doc["paths"][path], (method, rule.rule)
    customer = doc["components"]["schemas"]["Customer"]
    assert "name" in customer["required"] and customer["properties"]["name"]["type"] == "string"
