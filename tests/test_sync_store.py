"""What the push stores besides the fields: packed metadata, search text, old rows still read."""
import json

from sqlalchemy import select, update

from server.extensions import db
from server.models import Customer
from server.sync.merge import DELETED
from server.sync.meta import STAMPS, load_json, pack, pack_json, unpack
from sync_helpers import make_customer, op, push_one, state


def test_pack_lists_each_change_once_and_unpacks_to_the_same_meta():
    one, other = [9, "2026-11-20T08:00:00.000000Z", "phone-a", "op-1", "u-a", ""], [12, "x", "phone-b", "op-2", "u-b", ""]
    meta = {"name": one, "city": one, "phone": other, DELETED: list(other)}  # an equal stamp in its own list
    packed = pack(meta)
    assert packed[STAMPS] == [one, other] and packed["name"] == packed["city"] == 0 and packed[DELETED] == 1
    assert unpack(packed) == meta
    assert unpack(pack({})) == {} and unpack(None) == {} and unpack({}) == {}


def test_pack_json_is_the_json_of_pack_and_reads_back():
    one, other = [9, "2026-11-20T08:00:00.000000Z", "phone-\"ä\"\n", "op-1", None, ""], [12, "x", "phone-b", "op-2", "u-b"]
    metas = [{}, {"name": one}, {"name": one, "city": one, "phone": other, DELETED: list(other)},
             {"city": other, "name": one}, {"name": list(one), "city": list(one)}]
    for meta in metas * 2:  # the second round reads the cached field part
        text = pack_json(meta)
        assert json.loads(text) == pack(meta) and list(json.loads(text)) == list(pack(meta))  # key order too
        assert unpack(json.loads(text)) == meta and unpack(load_json(text)) == meta


def test_rows_written_before_packing_are_read_and_merged(client, users, app):
    cid, v = make_customer(client, users.rep_h, city="Oulu")
    with app.app_context():  # rewrite the row's metadata in the old, unpacked form
        stored = db.session.scalar(select(Customer.field_meta).where(Customer.id == cid))
        db.session.execute(update(Customer).where(Customer.id == cid).values(field_meta=unpack(stored)))
        db.session.commit()
    # phone-b did not see phone-a's city (base 0 < v): a real conflict, decided from the old-form stamps
    late = push_one(client, users.rep2_h, op("customer", cid, {"city": "Pori"}, base=0, minute=-60), "phone-b")
    assert late["status"] == "conflict" and late["conflicts"][0]["kept_value"] == "Oulu"
    own = push_one(client, users.rep_h, op("customer", cid, {"phone": "040 1"}, base=v, minute=5))
    assert own["status"] == "applied"
    with app.app_context():
        assert STAMPS in db.session.scalar(select(Customer.field_meta).where(Customer.id == cid))  # packed again


def test_search_follows_edits_of_searched_fields_only(client, users):
    cid, v = make_customer(client, users.rep_h, name="Kahvila Aalto", city="Ähtäri")
    v = push_one(client, users.rep_h, op("customer", cid, {"notes": "ei hakuun"}, base=v, minute=1))["version"]
    search = lambda q: [c["id"] for c in client.get(f"/api/customers?q={q}", headers=users.rep_h).json["items"]]
    assert search("ähtäri") == [cid]  # an edit of an unsearched field keeps the search text
    push_one(client, users.rep_h, op("customer", cid, {"city": "Tampere"}, base=v, minute=2))
    assert search("tampere") == [cid] and search("ähtäri") == []
    assert state(client, users.rep_h)[("customer", cid)]["data"]["notes"] == "ei hakuun"
