"""GET /api/rules publishes the server's validation rules; the app's validate.js applies them.

The sample table below goes through the push's own validation (server.sync.validation.validate_op)
and the verdicts, field by field, are kept in tests/fixtures/validation_samples.json, which
tests/js/validate.test.mjs runs through validate.js: the two must agree on every sample. A change
to a rule fails here until the fixture is rewritten (KENTTA_WRITE_FIXTURES=1), and then in node
until validate.js follows.
"""
import json
import os
from pathlib import Path

import jsonschema
from api_helpers import assert_error

from server.api.rules import build_rules
from server.sync.batch import Invalid
from server.sync.validation import validate_op

FIXTURE = Path(__file__).parent / "fixtures" / "validation_samples.json"
RULES = Path(__file__).parent / "fixtures" / "rules.json"  # what GET /api/rules answers, for the node test
U = "6f9619ff-8b86-4d01-b42d-00cf4fc964ff"
BASE = {"customer": {"name": "Oy Testi Ab"}, "contact": {"customer_id": U, "name": "Liisa"},
        "activity": {"customer_id": U, "type": "visit", "title": "Käynti"},
        "task": {"customer_id": U, "title": "Soita"}, "delivery": {"customer_id": U}, "conflict": {"resolved": True}}

# (entity, field, values[, stored record: an edit]) - a create gets BASE around the value
TABLE = [
    ("customer", "email", ["eiole@", "a@b.fi", "matti.meikalainen@yritys.fi", "x@localhost", "a@b", "a@[1.2.3.4]",
                           "äö@ÄÖ.fi", "a b@c.fi", "a@b.fi ", "", '"quoted"@x.fi', "a..b@c.fi", "a@-b.fi", "a@b.c",
                           "a@b.123", "a@@b.fi", "@b.fi", "x" * 250 + "@b.fi", None, 5]),
    ("customer", "business_id", ["0112038-9", "0112038-8", " 0112038-9 ", "01120389", "１２３４５６７-8", "",
                                 "1234567-8", "1234567-1", "0000000-0", None]),
    ("customer", "postal_code", ["00100", "0010", "SW1A 1AA", " 00100 ", "001000", "", "ABC", "１２３４５"]),
    ("customer", "postal_code", ["00100", "SW1A 1AA", "12", "123 45"], {"country": "SE"}),
    ("customer", "postal_code", ["00100", "SW1A 1AA"], {"country": "FI"}),
    ("customer", "phone", ["+358 40 123 4567", "a\tb", "x" * 41, "  " + "x" * 40 + " ", "", "   ", "a\u2028b",
                           "a\x85b", "\ufeffx", "\x1fx", None]),
    ("customer", "name", ["", "  ", None, "Oy Ab", "x" * 201, "😀" * 200, "😀" * 201, "a\nb"]),
    ("customer", "notes", ["rivi1\nrivi2", "tab\there", "a\x00b", "a\r\nb", "a\x0bb", "x" * 5001]),
    ("customer", "website", ["www.example.fi", "https://www.example.fi/path", "localhost", "http://localhost",
                             "ftp://x.fi", "https://a@b.fi", "example", "https://www.pankki.fi@evil.example/",
                             "http://1.2.3.4", "https://esimerkki.fi:8080/x?y=1#z", "https://esim erkki.fi",
                             "mailto:x@y.fi", "https://ä.fi", "HTTPS://WWW.EXAMPLE.FI", "www.example.f",
                             "https://" + "a" * 290 + ".fi", "https://[::1]/", "https://-a.fi"]),
    ("customer", "country", ["FI", "fi", "FIN", None]),
    ("customer", "segment", ["A", "E", None, ""]),
    ("customer", "kind", ["customer", "x", None]),
    ("customer", "do_not_contact", [True, 1, "true", None]),
    ("customer", "latitude", [60.1, 91, -90, None, True]),
    ("customer", "parent_id", [U, "not-a-uuid", U.replace("-", ""), "{" + U + "}", None]),
    ("customer", "unknown_field", ["x"]),
    ("activity", "starts_at", ["2026-11-20T08:15:00Z", "2026-11-20T08:15:00", "2026-11-20T08:15:00+02:00",
                               "1899-12-31T23:00:00Z", "2026-02-30T08:00:00Z", "2201-01-01T00:00:00Z",
                               "2200-12-31T23:30:00-01:00", "2026-11-20T08:15:00.123Z", "2026-11-20 08:15Z",
                               "2026-11-20T25:00:00Z", "tomorrow", None]),
    ("activity", "type", ["visit", "walk", None]),
    ("activity", "title", ["Käynti", "", None]),
    ("task", "due_on", ["2026-11-20", "2026-11-31", "1899-12-31", "2200-12-31", "20261120", "2026-1-2", None]),
    ("delivery", "lines", [[{"product": "A", "quantity": 2, "unit_price": "6.25"}], [{"product": "A", "quantity": "0"}],
                           [{"product": "A", "quantity": "1.2345"}], [{"product": "A", "quantity": 1, "unit_price": "6.255"}],
                           [{"product": "A"}], [{"product": "A", "quantity": 1, "colour": "red"}], []]),
    ("delivery", "total", [12.5, -1, "12.50", "12.5.0", None, 1e13]),
]


def samples() -> list:
    out = []
    for entity, field, values, *record in TABLE:
        stored = record[0] if record else None
        for value in values:
            fields = {field: value} if stored else {**BASE[entity], field: value}
            out.append({"entity": entity, "fields": fields, "record": stored})
    out.append({"entity": "activity", "record": None, "fields": {**BASE["activity"], "starts_at": "2026-11-20T10:00:00Z",
                                                                 "ends_at": "2026-11-20T09:00:00Z"}})
    return out


def server_verdict(sample) -> list:
    """The fields the push would refuse (an edit is checked against the stored record); a delivery
    line's error (lines.0.quantity) counts as its list's."""
    try:
        validate_op(sample["entity"], sample["fields"], sample["record"] is None, sample["record"])
    except Invalid as invalid:
        return sorted({name.split(".")[0] for name in invalid.errors})
    return []


def test_fixture_holds_the_servers_verdicts():
    table = [{**s, "bad": server_verdict(s)} for s in samples()]
    if os.environ.get("KENTTA_WRITE_FIXTURES"):
        FIXTURE.write_text(json.dumps(table, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        RULES.write_text(json.dumps(build_rules(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert json.loads(RULES.read_text(encoding="utf-8")) == build_rules(), "KENTTA_WRITE_FIXTURES=1 pytest this"
    assert json.loads(FIXTURE.read_text(encoding="utf-8")) == table, "rules changed: KENTTA_WRITE_FIXTURES=1 pytest this"
    assert {"entity": "customer", "fields": {"name": "Oy Testi Ab", "email": "eiole@"}, "record": None,
            "bad": ["email"]} in table


def test_the_json_schema_agrees_with_the_server_where_json_schema_can_say():
    """The published schema, in a stock JSON Schema validator (the named formats left to validate.js):
    everything it refuses the server refuses too, and it refuses every wrong type, enum and unknown key."""
    rules = build_rules()["entities"]
    for sample in samples():
        schema = dict(rules[sample["entity"]])
        if sample["record"] is not None:
            schema.pop("required", None)
        refused = {e.path[0] if e.path else e.message.split("'")[1] for e in
                   jsonschema.Draft202012Validator(schema).iter_errors(sample["fields"])
                   if e.validator not in ("maxLength", "minLength")}  # those count the trimmed text
        assert refused <= set(server_verdict(sample)), sample


def test_rules_need_a_login_and_answer_304_to_their_etag(client, users):
    assert_error(client.get("/api/rules"), 401)
    r = client.get("/api/rules", headers=users.rep_h)
    assert r.status_code == 200 and r.headers["ETag"].startswith('"')
    rules = r.json["entities"]
    assert rules["customer"]["properties"]["business_id"]["format"] == "y-tunnus"
    assert rules["customer"]["properties"]["postal_code"]["format"] == "postal-code-fi"
    assert rules["customer"]["properties"]["phone"] == {"type": ["string", "null"], "format": "one-line", "maxLength": 40}
    assert rules["customer"]["properties"]["email"]["format"] == "email"
    assert rules["activity"]["properties"]["starts_at"]["format"] == "date-time"
    assert rules["task"]["properties"]["due_on"]["format"] == "date"
    assert rules["customer"]["required"] == ["name"]
    again = client.get("/api/rules", headers={**users.rep_h, "If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    for role in ("service", "manager"):
        assert client.get("/api/rules", headers=getattr(users, f"{role}_h")).status_code == 200
