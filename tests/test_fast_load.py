"""The push's fast validation path must accept only what marshmallow accepts, with the same result."""
import copy
import uuid
from decimal import Decimal
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from server.schemas.entities import SCHEMAS
from server.schemas.fast import fast_load
from server.sync import validation
from server.sync.codec import CODECS

OUT_OF_RANGE = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00Z",
                "9999-12-31T23:59:59Z", "1899-12-31T23:59:59Z", "2201-01-01T00:00:00Z", "0001-01-01", "9999-12-31",
                "1899-12-31", "2201-01-01"]
MONEY = st.one_of(st.sampled_from([1000000000000.99, "1000000000000.99", 999999999999.99, "999999999999.99",
                                   "-0.01", -0.0, "1.999", 0.125, "24.90", " 24.90", "1e3", 1e26]),
                  st.decimals(allow_nan=False, allow_infinity=False).map(str), st.floats(allow_nan=False))
QUANTITIES = st.one_of(st.sampled_from([2, 2.0, "2.0", "2.50", 5e-324, 1e-05, 9.49e306, 0.0009, 0.001, "0.0001",
                                        1_000_000_000, 1000000000.001, "02", " 2", "2,5", True]),
                       st.floats(allow_nan=False), st.integers())
LINES = st.fixed_dictionaries({}, optional={"product": st.sampled_from(["Kakku", "0", " ", "a\nb"]),
                                            "quantity": QUANTITIES, "unit_price": MONEY})  # partial ones too
TEXTS = st.one_of(st.text(max_size=12), st.text(min_size=195, max_size=205), st.just("  "), st.just(" Äänekoski "))
VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), TEXTS,
    st.sampled_from(["A", "a", "visit", "planned", "open", "customer", "FI", "fi", "true", "ordered"]),
    st.builds(lambda: str(uuid.uuid4())), st.builds(lambda: str(uuid.uuid4()).upper()),
    st.lists(st.integers(), max_size=2),
    st.sampled_from(["1234561-2", " 1234561-2 ", "1234561-3", "1234561-2\n", "12345612", "FI\n", "F1",
                     "\u0661\u0662\u0663\u0664\u0665\u0666\u0661-\u0662"]),
    st.sampled_from(["a@b.fi", "x@localhost", "@b.fi", "a@", "a b@c.fi", '"q r"@x.fi', "a@b", "a@[1.2.3.4]",
                     "äiti@öljy.fi", "a@b@c.fi", "a.@b.fi", "a@-b.fi", "A@B.FI", "a@b.fi\n", " a@b.fi"]),
    st.sampled_from(["2026-11-20T08:15:00Z", "2026-11-20T07:15:00Z", "2026-02-30T08:15:00Z", "2026-11-20T08:15:00",
                     "2026-11-20T10:15:00+02:00", "2026-11-20", "2026-13-01", "20.11.2026"]),
    st.sampled_from(OUT_OF_RANGE + ["1900-01-01T00:00:00Z", "2200-12-31T23:59:59Z", "1900-01-01", "2200-12-31"]),
    st.sampled_from(["a\nb", "a\x00b", "a\r\nb", "a\rb", "a\tb", "a\x1bb", "a\u2028b", "a\x85b", " a\n", "\n"]),
    st.sampled_from(["www.aalto.fi", "https://aalto.fi", "notaurl", "http://localhost", "https://u:p@aalto.fi",
                     "00100", "ABCDE", "1234", "SW1A 1AA", "422 46", "SE", "GB"]),
    st.sampled_from([0, 1, 0.0, 1.0, "yes", "1", "false", "on"]),  # not flags: only true and false are
    MONEY, QUANTITIES, st.lists(LINES, max_size=2),
)


def _field_names(entity):
    return sorted(SCHEMAS[entity]().load_fields) + ["bogus"]


@st.composite
def inputs(draw):
    entity = draw(st.sampled_from(sorted(SCHEMAS)))
    names = draw(st.lists(st.sampled_from(_field_names(entity)), unique=True, max_size=6))
    return entity, {name: draw(VALUES) for name in names}, draw(st.booleans())


@settings(max_examples=600, deadline=None)
@given(inputs())
def test_fast_path_agrees_with_marshmallow(case):
    entity, data, partial = case
    schema = SCHEMAS[entity]()
    fast = fast_load(schema, data, partial)
    try:
        slow = schema.load(data, partial=partial)
    except ValidationError:
        slow = None
    if fast is not None:
        assert slow == fast


def test_fast_path_takes_the_common_case():
    """It must actually be used for an ordinary customer edit, or the push is slow again."""
    schema = SCHEMAS["customer"]()
    data = {"name": " Kahvila Aalto ", "city": "Tampere", "segment": "B", "archived": False,
            "owner_id": str(uuid.uuid4()), "notes": ""}
    assert fast_load(schema, data, partial=False) == {**data, "name": "Kahvila Aalto", "notes": None}
    company = {"name": "Aalto Oy", "business_id": " 1234561-2 ", "country": "FI", "email": "myynti@aalto.fi"}
    assert fast_load(schema, company, partial=False) == {**company, "business_id": "1234561-2"}
    visit = {"customer_id": str(uuid.uuid4()), "type": "visit", "title": "Aalto – Tampere – tasting",
             "starts_at": "2026-11-20T08:00:00Z", "ends_at": "2026-11-20T09:00:00Z"}
    assert fast_load(SCHEMAS["activity"](), visit, partial=False) is not None


def test_fast_path_keeps_cross_field_rules():
    backwards = {"customer_id": str(uuid.uuid4()), "type": "visit", "title": "x",
                 "starts_at": "2026-11-20T08:00:00Z", "ends_at": "2026-11-20T07:00:00Z"}
    assert fast_load(SCHEMAS["activity"](), backwards, partial=False) is None


def test_fast_path_checks_y_tunnus_and_country_as_marshmallow_does():
    schema = SCHEMAS["customer"]()
    for field, value in [("business_id", v) for v in ("1234561-2", " 1234561-2 ", "1234561-3", "1234561-2\n",
                                                      "12345612", "", "123456-12", None, 1234561)] + \
                        [("country", v) for v in ("FI", "fi", "FI\n", "F1", "FIN", "", None)]:
        data = {"name": "Aalto", field: value}
        try:
            slow = schema.load(data)
        except ValidationError:
            slow = None
        assert fast_load(schema, data, partial=False) in (None, slow), (field, value)
        if slow is not None and value and value.strip() == value:
            assert fast_load(schema, data, partial=False) == slow, (field, value)  # taken, not just declined


def test_fast_path_declines_years_outside_1900_to_2200():
    """Out-of-range instants and dates go to marshmallow, which names the field (SPEC §5)."""
    for entity, field in [("activity", "starts_at"), ("task", "remind_at"), ("task", "due_on"),
                          ("delivery", "delivered_on")]:
        for value in OUT_OF_RANGE:
            assert fast_load(SCHEMAS[entity](), {field: value}, partial=True) is None, (field, value)
    assert fast_load(SCHEMAS["task"](), {"due_on": "2200-12-31", "remind_at": "1900-01-01T00:00:00Z"},
                     partial=True) is not None


def test_flags_numbers_and_lines_agree_with_marshmallow():
    """0/1 are no flags, money has a ceiling, a quantity is no float's repr, a patch's lines are whole."""
    customer, delivery = SCHEMAS["customer"](), SCHEMAS["delivery"]()
    assert fast_load(customer, {"archived": True}, partial=True) == {"archived": True}
    for flag in (0, 1, 1.0, "true", "yes"):
        assert fast_load(customer, {"archived": flag}, partial=True) is None
        with pytest.raises(ValidationError, match="archived"):
            customer.load({"archived": flag}, partial=True)
    for bad in ({"total": 1000000000000.99}, {"total": "-0.01"}, {"lines": [{"product": "0", "unit_price": "0"}]},
                {"lines": [{"quantity": 1}]}, {"lines": [{"product": "x", "quantity": 5e-324}]}):
        assert fast_load(delivery, bad, partial=True) is None
        with pytest.raises(ValidationError, match=next(iter(bad))):
            delivery.load(bad, partial=True)
    assert delivery.load({"lines": [{"product": "x", "quantity": 2.0, "unit_price": 1}], "total": 2}, partial=True) == \
        {"lines": [{"product": "x", "quantity": "2", "unit_price": "1.00"}], "total": Decimal("2.00")}


def test_fast_path_keeps_text_hygiene():
    """Control characters, line ends, web addresses and postal codes: what marshmallow refuses or changes."""
    customer, activity = SCHEMAS["customer"](), SCHEMAS["activity"]()
    for data in ({"name": "a\nb"}, {"city": "a\x00b"}, {"website": "notaurl"}, {"postal_code": "ABCDE"}):
        assert fast_load(customer, data, partial=True) is None, data
    assert fast_load(activity, {"notes": "a\r\nb"}, partial=True) is None  # marshmallow makes it a\nb
    assert fast_load(activity, {"notes": "a\n\tb"}, partial=True) == {"notes": "a\n\tb"}
    assert fast_load(customer, {"name": "Aalto", "website": "www.aalto.fi", "postal_code": "00100"},
                     partial=False) == {"name": "Aalto", "website": "https://www.aalto.fi", "postal_code": "00100"}


def _both_paths(entity, data, creating):
    """validation.load's (stored, wire), or marshmallow's messages, with the fast path and without it."""
    def load(fast: bool):
        with mock.patch.object(validation, "fast_load", validation.fast_load if fast else lambda *_a: None):
            try:
                return validation.load(entity, copy.deepcopy(data), creating)
            except ValidationError as err:
                return err.messages
    return load(True), load(False)


@settings(max_examples=600, deadline=None)
@given(inputs())
def test_the_production_load_stores_and_sends_the_same_on_either_path(case):
    """What a push stores and what its merge compares, stamps and reports (the wire values) do not
    depend on whether the fast path or marshmallow took the op (sync/validation.py's two paths)."""
    entity, data, partial = case
    fast, slow = _both_paths(entity, data, not partial)
    assert fast == slow
    if isinstance(fast, tuple):  # accepted: the wire values are those the codec makes of the stored ones
        stored, wire = fast
        codec = CODECS[entity]
        assert wire == codec.values({name: value for name, value in stored.items() if name in codec.conv_of})




CUSTOMER, CONTACT = str(uuid.uuid4()), str(uuid.uuid4())
VALID = [
    ("customer", {"name": " Kahvila Aalto ", "business_id": "1234561-2", "website": "www.aalto.fi", "archived": False}),
    ("contact", {"customer_id": CUSTOMER, "name": "Liisa", "email": "liisa@aalto.fi", "marketing_ban": True}),
    ("activity", {"customer_id": CUSTOMER, "contact_id": CONTACT, "type": "visit", "title": "Aalto – maistatus",
                  "starts_at": "2026-11-20T08:00:00Z", "ends_at": "2026-11-20T09:00:00Z", "notes": "a\n\tb"}),
    ("task", {"customer_id": CUSTOMER, "title": "Soita", "kind": "follow_up", "due_on": "2026-11-23",
              "remind_at": "2026-11-23T06:00:00Z"}),
    ("delivery", {"customer_id": CUSTOMER, "status": "delivered", "ordered_on": "2026-11-18",
                  "delivered_on": "2026-11-20", "total": "995.00", "lines": [{"product": "Kakku", "quantity": 2,
                                                                              "unit_price": "497.5"}]}),
]


@pytest.mark.parametrize("entity,data", VALID, ids=[e for e, _ in VALID])
@pytest.mark.parametrize("creating", [True, False], ids=["create", "edit"])
def test_ordinary_ops_store_and_send_the_same_on_either_path(entity, data, creating):
    """The common ops, create and edit: the cases the fast path exists for, on both paths alike."""
    fast, slow = _both_paths(entity, data, creating)
    assert fast == slow
    codec = CODECS[entity]
    assert fast[1] == codec.values({name: value for name, value in fast[0].items() if name in codec.conv_of})
