"""Who a row may already be: the customers and contacts there are, and those earlier rows make.

A customer is the same as another when it has the same Y-tunnus, or (when the Y-tunnus does not
tell them apart) the same normalised name and city. A name is normalised by case-folding, dropping
punctuation, collapsing white space and removing the company-form words at its start or end
(oy, oyj, ab, ky, ay, tmi, ltd, osakeyhtiö, toiminimi): "Kahvila Lehto Oy" and "KAHVILA  LEHTO"
in Oulu are one customer. A contact is the same as another at the same customer when its name
normalises the same (case, punctuation, spaces).
"""
import re
from dataclasses import dataclass

from sqlalchemy import select

from ..models import Contact, Customer

COMPANY_FORMS = {"oy", "oyj", "ab", "abp", "ky", "ay", "tmi", "ltd", "osakeyhtio", "osakeyhtiö", "toiminimi",
                 "kommandiittiyhtio", "kommandiittiyhtiö", "avoin", "yhtio", "yhtiö"}
CHUNK = 500


def person_key(name: str) -> str:
    """A person's name as compared: case, punctuation and spaces do not count."""
    return " ".join(re.sub(r"[^\w\s]", " ", name.casefold()).split())


def company_key(name: str, city: str | None) -> str:
    """"kahvila lehto|oulu": the name without its company form, and the city."""
    words = person_key(name).split()
    while len(words) > 1 and words[-1] in COMPANY_FORMS:
        words.pop()
    while len(words) > 1 and words[0] in COMPANY_FORMS:
        words.pop(0)
    return " ".join(words) + "|" + person_key(city or "")


@dataclass
class Holder:
    """A customer a row may be: stored (line None) or made by an earlier row of the file."""
    id: str
    name: str
    business_id: str | None
    line: int | None = None
    deleted: bool = False

    def describe(self) -> str:
        return f"line {self.line}" if self.line else f"the existing customer {self.name!r}"


class Known:
    """The stored customers by Y-tunnus and by name key, and (asked for) their contacts by name key."""

    def __init__(self, session):
        self.session = session
        self.by_bid: dict = {}
        self.by_key: dict = {}
        rows = session.execute(select(Customer.id, Customer.name, Customer.city, Customer.business_id,
                                      Customer.deleted))
        for rid, name, city, bid, deleted in rows:
            holder = Holder(rid, name, bid, None, deleted)
            if bid:
                self.by_bid[bid] = holder
            if not deleted:
                self.by_key.setdefault(company_key(name, city), holder)
        self.contacts: dict = {}  # (customer id, person key) -> contact id
        self._loaded: set = set()

    def find(self, business_id: str | None, key: str) -> Holder | None:
        """The customer this one duplicates: by Y-tunnus, else by name and city unless the Y-tunnus differ."""
        if business_id and business_id in self.by_bid:
            return self.by_bid[business_id]
        holder = self.by_key.get(key)
        if holder and business_id and holder.business_id and holder.business_id != business_id:
            return None  # two companies of one name in one town, told apart by their Y-tunnus
        return holder

    def add(self, holder: Holder, key: str) -> None:
        if holder.business_id:
            self.by_bid.setdefault(holder.business_id, holder)
        self.by_key.setdefault(key, holder)

    def load_contacts(self, customer_ids) -> None:
        """Fetch the live contacts of these stored customers (once each), in IN-lists of CHUNK."""
        wanted = [cid for cid in dict.fromkeys(customer_ids) if cid not in self._loaded]
        self._loaded.update(wanted)
        for start in range(0, len(wanted), CHUNK):
            query = select(Contact.id, Contact.customer_id, Contact.name).where(
                Contact.customer_id.in_(wanted[start:start + CHUNK]), Contact.deleted.is_(False))
            for cid, customer_id, name in self.session.execute(query):
                self.contacts.setdefault((customer_id, person_key(name)), cid)
