"""The push envelope's fast path agrees with the marshmallow schema it stands in for."""
import copy
import uuid
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from server.sync.envelope import fast_envelope, load, slow_envelope

# Mostly valid values, so that whole pushes often take the fast path, with every kind of wrong one mixed in
UUIDS = st.sampled_from([str(uuid.UUID(int=7))] * 8 + [str(uuid.UUID(int=7)).upper(), "not-a-uuid",
                                                       str(uuid.UUID(int=9)) + "\n"])
INSTANTS = st.sampled_from(["2026-11-20T08:15:00Z"] * 4 + ["2026-11-20T10:15:00+02:00", "2026-11-20T08:15:00",
                                                           "yesterday", "2026-02-30T08:15:00Z"])
VALUE = st.one_of(st.none(), st.integers(-2, 3), st.booleans(), st.text(max_size=3), st.lists(st.integers(), max_size=1))
OP = st.fixed_dictionaries(
    {"op_id": st.one_of(UUIDS, UUIDS, UUIDS, VALUE), "entity": st.sampled_from(["customer", "contact"] * 3 + ["unicorn", 1]),
     "id": st.one_of(UUIDS, UUIDS, UUIDS, VALUE), "type": st.sampled_from(["put", "delete"] * 3 + ["patch"]),
     "base_version": st.one_of(st.integers(-1, 5), st.integers(0, 5), st.just(True), st.just(2.0), st.just("3")),
     "edited_at": st.one_of(INSTANTS, INSTANTS, INSTANTS, VALUE)},
    optional={"fields": st.one_of(st.dictionaries(st.sampled_from(["name", "city"]), VALUE, max_size=2), VALUE),
              "seq": st.one_of(st.integers(0, 9), st.integers(-1, 2), st.just(2**53), VALUE), "extra": VALUE})

VALID_OP = st.fixed_dictionaries(
    {"op_id": st.just(str(uuid.UUID(int=7))), "entity": st.sampled_from(["customer", "activity"]),
     "id": st.just(str(uuid.UUID(int=8))), "type": st.sampled_from(["put", "delete"]),
     "base_version": st.integers(0, 5), "edited_at": st.sampled_from(["2026-11-20T08:15:00Z", "2026-11-20T10:15:00+02:00"])},
    optional={"fields": st.dictionaries(st.sampled_from(["name", "city"]), VALUE, max_size=2),
              "seq": st.integers(0, 2**53 - 1)})


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=3), st.just("phone-a"), st.just("phone-a")), st.lists(st.one_of(VALID_OP, VALID_OP, OP, VALUE), max_size=3))
def test_fast_envelope_accepts_only_what_the_schema_accepts_with_the_same_result(client_id, ops):
    body = {"client_id": client_id, "ops": ops}
    original = copy.deepcopy(body)
    fast = fast_envelope(body)
    if fast is None:
        assert body == original  # the slow path sees the body as it came
        return
    expected = slow_envelope(original)
    assert fast["client_id"] == expected["client_id"] and len(fast["ops"]) == len(expected["ops"])
    for got, want in zip(fast["ops"], expected["ops"]):
        got = {k: v for k, v in got.items() if k in want}  # unknown keys are ignored by both
        assert got == want
        assert isinstance(got["edited_at"], datetime) and got["edited_at"].tzinfo is not None


def test_a_canonical_push_takes_the_fast_path():
    op = {"op_id": str(uuid.uuid4()), "entity": "customer", "id": str(uuid.uuid4()), "type": "put",
          "base_version": 0, "fields": {"name": "Kahvila"}, "edited_at": "2026-11-20T08:15:00Z"}
    runs = [dict(op, op_id=str(uuid.uuid4())) for _ in range(3)] + [{k: v for k, v in op.items() if k != "fields"}]
    fast = fast_envelope({"client_id": "phone-a", "ops": runs})
    assert fast is not None and fast["ops"][-1]["fields"] == {}
    assert fast["ops"][0]["edited_at"] == fast["ops"][1]["edited_at"] == datetime.fromisoformat("2026-11-20T08:15:00+00:00")


def test_a_bad_op_late_in_a_push_leaves_every_op_as_sent():
    good = {"op_id": str(uuid.uuid4()), "entity": "customer", "id": str(uuid.uuid4()), "type": "put",
            "base_version": 0, "edited_at": "2026-11-20T08:15:00Z"}
    body = {"client_id": "phone-a", "ops": [good, dict(good, base_version=-1)]}
    assert fast_envelope(body) is None
    assert body["ops"][0] == good and "fields" not in body["ops"][0]
    with pytest.raises(ValidationError) as refused:
        load(body)
    assert set(refused.value.messages["ops"]) == {1}  # the second op, named; the first is fine


def test_load_takes_the_fast_path_or_the_schema_with_one_result():
    op = {"op_id": str(uuid.uuid4()), "entity": "customer", "id": str(uuid.uuid4()), "type": "put",
          "base_version": 0, "fields": {"name": "Kahvila"}, "edited_at": "2026-11-20T10:15:00+02:00", "seq": 4}
    canonical = dict(op, edited_at="2026-11-20T08:15:00Z")
    slow, fast = load({"client_id": "p", "ops": [copy.deepcopy(op)]}), load({"client_id": "p", "ops": [canonical]})
    assert fast_envelope({"client_id": "p", "ops": [copy.deepcopy(op)]}) is not None  # both forms are fast...
    assert slow_envelope({"client_id": "p", "ops": [copy.deepcopy(op)]}) == slow       # ...and agree with the schema
    assert slow["ops"][0]["edited_at"] == fast["ops"][0]["edited_at"]
