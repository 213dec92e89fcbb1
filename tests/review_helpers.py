"""Shared by the back office review tests: conflicts and rejected ops made by real sync pushes."""
import re

from server.extensions import db
from server.models import Conflict, QuarantinedOp
from sync_helpers import make_customer, new_id, op, push_one


def lost_phone(client, users, loser_h, client_id="phone-b"):
    """A customer whose phone two users set at once; the loser's "050 222" lost to "040 111"."""
    cid, v = make_customer(client, users.rep_h, name="Kahvila Aalto")
    push_one(client, users.rep_h, op("customer", cid, {"phone": "040 111"}, base=v, minute=10))
    result = push_one(client, loser_h, op("customer", cid, {"phone": "050 222"}, base=v, minute=5), client_id)
    assert result["status"] == "conflict"
    return cid


def rejected_visit(client, headers, customer_id, client_id="phone-a", **fields):
    """An activity the server refuses (a type that does not exist); its id."""
    aid = new_id()
    result = push_one(client, headers, op("activity", aid, {"customer_id": customer_id, "type": "dance",
                                                            "title": "Kahvila Aalto: esittely", **fields}), client_id)
    assert result["status"] == "rejected" and "type" in result["errors"]
    return aid


def page(client, path="/office/review", status=200):
    response = client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def total(html, which):
    return int(re.search(rf'data-testid="{which}-total">(\d+)<', html).group(1))


def one_conflict(**where) -> Conflict:
    [conflict] = db.session.scalars(db.select(Conflict).filter_by(**where)).all()
    return conflict


def one_rejected(**where) -> QuarantinedOp:
    [quarantined] = db.session.scalars(db.select(QuarantinedOp).filter_by(**where)).all()
    return quarantined
