"""What the push stores besides the fields: packed metadata, search text, old rows still read."""
import json

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from server.extensions import db
from server.models import Customer
from server.sync.merge import DELETED
from server.entities import ENTITIES
from server.sync.codec.meta import FIELD_ORDER, SHAPE, STAMPS, load_json, pack, pack_json, unpack
from sync_helpers import make_customer, op, push_one, state


# A copy of meta.FIELD_ORDER as released: stored shapes are read by position, so this may only grow
# at the end of a tuple. If this test fails, append the new field instead of reordering.
RELEASED_ORDER = {
    "customer": ("name", "business_id", "kind", "parent_id", "segment", "stage", "owner_id", "phone", "email",
                 "website", "street", "postal_code", "city", "country", "do_not_contact", "marketing_ban",
                 "preferred_contact", "notes", "archived", "latitude", "longitude"),
    "contact": ("customer_id", "name", "role", "phone", "email", "marketing_ban", "notes"),
    "activity": ("customer_id", "contact_id", "owner_id", "type", "status", "title", "starts_at", "ends_at",
                 "location", "notes", "outcome", "next_step"),
    "task": ("customer_id", "assignee_id", "created_by", "kind", "title", "due_on", "remind_at", "status",
             "delivery_id", "notes"),
    "delivery": ("customer_id", "order_no", "ordered_on", "delivered_on", "status", "channel", "lines", "total",
                 "deliver_on"),
    "conflict": ("entity", "record_id", "field", "kept_value", "lost_value", "lost_by", "kept_by",
                 "lost_edited_at", "resolved"),
}


def test_field_order_only_grows_and_lists_every_field():
    for name, entity in ENTITIES.items():
        order = FIELD_ORDER[name]
        assert order[:len(RELEASED_ORDER[name])] == RELEASED_ORDER[name], f"{name}: append new fields, never reorder"
        assert set(entity.fields) <= set(order), f"{name}: add {set(entity.fields) - set(order)} to FIELD_ORDER"


ONE = [9, "2026-11-20T08:00:00.000000Z", "phone-a", "op-1", "u-a", 17]
OTHER = [12, "2026-11-21T08:00:00.000000Z", "phone-b", "op-2", "u-b", None]


def test_pack_lists_each_change_once_with_one_code_per_field():
    meta = {"name": ONE, "city": ONE, "phone": OTHER, DELETED: list(OTHER)}  # an equal stamp in its own list
    packed = pack(meta, "customer")
    assert packed[STAMPS] == [ONE, OTHER] and packed[DELETED] == 1
    assert packed[SHAPE] == "0------1----0"  # name, phone and city in FIELD_ORDER's places
    assert unpack(packed, "customer") == meta
    assert unpack(pack({}, "customer"), "customer") == {} and unpack(None, "customer") == {}


def test_pack_json_is_the_json_of_pack_and_reads_back():
    odd = [9, "2026-11-20T08:00:00.000000Z", "phone-\"ä\"\n", "op-1", None, 0]
    legacy = [12, "x", "phone-b", "op-2", "u-b"]  # a stamp from before the sixth place existed
    metas = [{}, {"name": ONE}, {"name": ONE, "city": ONE, "phone": OTHER, DELETED: list(OTHER)},
             {"city": OTHER, "name": ONE}, {"name": list(ONE), "city": list(ONE)}, {"notes": odd, "city": legacy},
             {"name": ONE, "added_later": OTHER}]
    for meta in metas * 2:  # the second round reads the cached shape
        text = pack_json(meta, "customer")
        assert json.loads(text) == pack(meta, "customer")
        assert unpack(json.loads(text), "customer") == meta and unpack(load_json(text), "customer") == meta
    assert len(pack_json({f: ONE for f in FIELD_ORDER["activity"]}, "activity")) < 160  # was ~370 bytes


def test_both_earlier_stored_forms_are_read():
    unpacked = {"name": ONE, "city": OTHER}
    packed_by_name = {STAMPS: [ONE, OTHER], "name": 0, "city": 1}
    assert unpack(dict(unpacked), "customer") == unpacked
    assert unpack(packed_by_name, "customer") == unpacked


def test_a_stored_device_clock_reading_is_read_as_no_seq():
    """Rows from before seq kept the device's clock reading (or 0 for "same as edited_at") there:
    a clock never orders one client's own ops, so the reading must not pose as a seq."""
    clock = [9, "2026-11-20T08:00:00.000000Z", "phone-a", "op-1", "u-a", "2030-01-01T00:00:00.000000Z"]
    zero = [10, "2026-11-20T08:00:00.000000Z", "phone-a", "op-2", "u-a", 0]
    read = unpack({STAMPS: [clock, zero], SHAPE: "01"}, "customer")
    assert read["name"][5] is None and read["business_id"][5] == 0
    assert unpack({"city": list(clock)}, "customer")["city"][5] is None


def test_rows_written_before_packing_are_read_and_merged(client, users, app):
    cid, v = make_customer(client, users.rep_h, city="Oulu")
    with app.app_context():  # rewrite the row's metadata in the old, unpacked form
        stored = db.session.scalar(select(Customer.field_meta).where(Customer.id == cid))
        db.session.execute(update(Customer).where(Customer.id == cid).values(field_meta=unpack(stored, "customer")))
        db.session.commit()
    # phone-b did not see phone-a's city (base 0 < v): a real conflict, decided from the old-form stamps
    late = push_one(client, users.rep2_h, op("customer", cid, {"city": "Pori"}, base=0, minute=-60), "phone-b")
    assert late["status"] == "conflict" and late["conflicts"][0]["kept_value"] == "Oulu"
    own = push_one(client, users.rep_h, op("customer", cid, {"phone": "040 1"}, base=v, minute=5))
    assert own["status"] == "applied"
    with app.app_context():
        stored = db.session.scalar(select(Customer.field_meta).where(Customer.id == cid))
        assert STAMPS in stored and SHAPE in stored  # packed again


def test_search_follows_edits_of_searched_fields_only(client, users):
    cid, v = make_customer(client, users.rep_h, name="Kahvila Aalto", city="Ähtäri")
    v = push_one(client, users.rep_h, op("customer", cid, {"notes": "ei hakuun"}, base=v, minute=1))["version"]
    search = lambda q: [c["id"] for c in client.get(f"/api/customers?q={q}", headers=users.rep_h).json["items"]]
    assert search("ähtäri") == [cid]  # an edit of an unsearched field keeps the search text
    push_one(client, users.rep_h, op("customer", cid, {"city": "Tampere"}, base=v, minute=2))
    assert search("tampere") == [cid] and search("ähtäri") == []
    assert state(client, users.rep_h)[("customer", cid)]["data"]["notes"] == "ei hakuun"


_instants = st.sampled_from(["2026-11-20T08:00:00.000000Z", "2026-11-21T09:30:00.000000Z", "2026-11-22T10:00:00.500000Z"])
_stamps = st.one_of(
    st.tuples(st.integers(1, 10**9), _instants, st.sampled_from(["phone-a", "phone-b", "server"]),
              st.uuids().map(str), st.one_of(st.none(), st.uuids().map(str)),
              st.one_of(st.none(), st.integers(0, 2**53 - 1))).map(list),
    st.tuples(st.integers(1, 10**9), _instants, st.just("phone-old"), st.uuids().map(str),
              st.uuids().map(str)).map(list),  # stamps from before the sixth place existed
)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(FIELD_ORDER)), st.data())
def test_any_metadata_packs_and_reads_back_the_same(entity, data):
    names = list(FIELD_ORDER[entity]) + [DELETED, "field_added_later"]
    fields = data.draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names)))
    stamps = data.draw(st.lists(_stamps, min_size=1, max_size=4))
    # fields set by one change share its list; some carry an equal copy (rows stored before packing)
    meta = {name: data.draw(st.sampled_from(stamps)) for name in fields}
    meta = {name: (list(stamp) if data.draw(st.booleans()) else stamp) for name, stamp in meta.items()}
    text = pack_json(meta, entity)
    assert unpack(load_json(text), entity) == meta
    assert unpack(pack(meta, entity), entity) == meta
    assert len(load_json(text)[STAMPS]) == len({tuple(s) for s in meta.values()})  # each change once
