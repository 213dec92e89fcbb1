"""Build demo records as sync ops (plain dicts), parents before children."""
import uuid
from datetime import date, datetime, timedelta

from . import names as N

INSTANT = "%Y-%m-%dT%H:%M:%SZ"


def business_id(rng, taken: set) -> str:
    """A random valid Y-tunnus (weights 7,9,10,5,8,4,2; remainder 1 has no check digit)."""
    while True:
        digits = f"{rng.randrange(1000000, 3300000):07d}"
        rest = sum(int(d) * w for d, w in zip(digits, (7, 9, 10, 5, 8, 4, 2))) % 11
        if rest == 1:
            continue
        value = f"{digits}-{0 if rest == 0 else 11 - rest}"
        if value not in taken:
            taken.add(value)
            return value


class Builder:
    def __init__(self, rng, users: dict, now: datetime):
        self.rng, self.users, self.now = rng, users, now
        self.today = now.date()
        self.ops: list = []
        self.counts = {"customers": 0, "contacts": 0, "activities": 0, "deliveries": 0, "tasks": 0}
        self.taken: set = set()

    def add(self, entity: str, fields: dict, plural: str) -> str:
        record_id = str(uuid.uuid4())
        self.ops.append({"op_id": str(uuid.uuid4()), "entity": entity, "id": record_id, "type": "put",
                         "base_version": 0, "fields": fields, "edited_at": self.now})
        self.counts[plural] += 1
        return record_id

    def person(self) -> str:
        return f"{self.rng.choice(N.FIRST)} {self.rng.choice(N.LAST)}"

    def phone(self) -> str:
        r = self.rng
        return f"+358 {r.choice(['40', '44', '50', '45'])} {r.randrange(100, 999)} {r.randrange(1000, 9999)}"

    def customer(self, name: str, kind: str, group: str, parent_id=None, segment=None) -> tuple:
        r = self.rng
        city, postal = r.choice(N.CITIES)
        slug = "".join(ch for ch in name.lower() if ch.isalnum())[:20] or "yritys"
        slug = slug.translate(str.maketrans("äöå", "aoa"))
        fields = {
            "name": name, "kind": kind, "segment": segment or r.choice("AABBBCCCD"),
            "stage": r.choice(["active"] * 5 + ["occasional", "passive", "new", "lead"]),
            "owner_id": r.choice([self.users["rep1"], self.users["rep2"], self.users["rep1"], self.users["manager"]]),
            "phone": self.phone(), "email": f"info@{slug}.fi", "website": f"https://www.{slug}.fi",
            "street": f"{r.choice(N.STREETS)} {r.randrange(1, 60)}", "postal_code": postal, "city": city,
            "preferred_contact": r.choice(N.PREFERRED), "do_not_contact": r.random() < 0.03,
            "marketing_ban": r.random() < 0.1,
        }
        if kind != "outlet":
            fields["business_id"] = business_id(r, self.taken)
        if parent_id:
            fields["parent_id"] = parent_id
        return self.add("customer", fields, "customers"), fields

    def contacts(self, customer_id: str, count: int) -> list:
        out = []
        for _ in range(count):
            name = self.person()
            email = name.lower().replace(" ", ".").translate(str.maketrans("äöå", "aoa")) + "@example.fi"
            out.append(self.add("contact", {"customer_id": customer_id, "name": name, "role": self.rng.choice(N.ROLES),
                                            "phone": self.phone(), "email": email}, "contacts"))
        return out

    def visit(self, customer_id: str, cust: dict, contact_id, when: datetime, status: str) -> str:
        r = self.rng
        purpose = r.choice(N.PURPOSES)
        fields = {"customer_id": customer_id, "owner_id": cust["owner_id"], "contact_id": contact_id,
                  "type": r.choice(["visit", "visit", "visit", "call", "meeting"]), "status": status,
                  "title": f"{cust['name']} – {cust['city']} – {purpose}",
                  "starts_at": when.strftime(INSTANT), "ends_at": (when + timedelta(hours=1)).strftime(INSTANT),
                  "location": f"{cust['street']}, {cust['postal_code']} {cust['city']}"}
        if status == "done":
            fields.update(notes=f"Käytiin läpi {purpose}. {r.choice(N.OUTCOMES)}", outcome=r.choice(N.OUTCOMES),
                          next_step=r.choice(N.NEXT_STEPS))
        return self.add("activity", fields, "activities")

    def when(self, days: int) -> datetime:
        day = self.today + timedelta(days=days)
        return datetime(day.year, day.month, day.day, self.rng.choice([6, 7, 8, 9, 10, 11, 12, 13]), 0)

    def delivery(self, customer_id: str, group: str, ordered: date, delivered: bool) -> str:
        r = self.rng
        lines = [{"product": p, "quantity": r.randrange(1, 12), "unit_price": price}
                 for p, price in r.sample(N.PRODUCTS[group], k=r.randrange(1, len(N.PRODUCTS[group]) + 1))]
        total = sum(line["quantity"] * float(line["unit_price"]) for line in lines)
        fields = {"customer_id": customer_id, "order_no": f"T-{r.randrange(10000, 99999)}",
                  "ordered_on": ordered.isoformat(), "status": "delivered" if delivered else "ordered",
                  "channel": r.choice(["phone", "email", "visit", "web"]), "lines": lines, "total": f"{total:.2f}"}
        if delivered:
            fields["delivered_on"] = (ordered + timedelta(days=r.randrange(1, 6))).isoformat()
        return self.add("delivery", fields, "deliveries")

    def task(self, customer_id: str, assignee: str, kind: str, title: str, due: date, delivery_id=None) -> str:
        fields = {"customer_id": customer_id, "assignee_id": assignee, "created_by": self.users["service"],
                  "kind": kind, "title": title, "due_on": due.isoformat(),
                  "status": "done" if due < self.today - timedelta(days=10) else "open"}
        if delivery_id:
            fields["delivery_id"] = delivery_id
        return self.add("task", fields, "tasks")

    # ---- the two shapes ----------------------------------------------------------------------
    def demo(self) -> list:
        """About 150 customers across SPEC §1's cases, with six months of history."""
        r = self.rng
        plan = [("cafe", N.CAFES, 45), ("salon", N.SALONS, 35), ("machine", N.MACHINES, 25), ("reseller", N.RESELLERS, 25)]
        for chain in N.CHAINS:  # grocery chains with outlets, the bakery's biggest buyers
            chain_id, chain_fields = self.customer(f"{chain} Oy", "chain", "cafe", segment="A")
            self.contacts(chain_id, 2)
            for city, _postal in r.sample(N.CITIES, r.randrange(4, 7)):
                self.populate(*self.customer(f"{chain} {city}", "outlet", "cafe", parent_id=chain_id), "cafe")
        for group, patterns, count in plan:
            for _ in range(count):
                name = r.choice(patterns).format(r.choice(N.WORDS))
                kind = "reseller" if group == "reseller" else r.choice(["customer"] * 6 + ["prospect"])
                self.populate(*self.customer(name, kind, group), group)
        return self.ops

    def populate(self, customer_id: str, cust: dict, group: str) -> None:
        r = self.rng
        contacts = self.contacts(customer_id, r.randrange(1, 5))
        for _ in range(r.randrange(0, 7)):  # six months of visits and calls
            status = r.choice(["done"] * 8 + ["cancelled"])
            self.visit(customer_id, cust, r.choice(contacts), self.when(-r.randrange(1, 180)), status)
        if r.random() < 0.15:  # a past visit nobody closed (the Monday nudge)
            self.visit(customer_id, cust, r.choice(contacts), self.when(-r.randrange(2, 9)), "planned")
        if r.random() < 0.4:
            self.visit(customer_id, cust, r.choice(contacts), self.when(r.randrange(0, 21)), "planned")
        if cust["kind"] == "prospect":
            return
        for _ in range(r.randrange(0, 4)):
            ordered = self.today - timedelta(days=r.randrange(0, 150))
            delivery_id = self.delivery(customer_id, group, ordered, delivered=ordered < self.today - timedelta(days=6))
            if r.random() < 0.5:
                self.task(customer_id, cust["owner_id"], "follow_up", f"Soita: miten toimitus onnistui? ({cust['name']})",
                          ordered + timedelta(days=r.randrange(3, 12)), delivery_id)
        if r.random() < 0.2:
            kind = r.choice(["complaint", "sample_order", "spare_part", "info"])
            self.task(customer_id, cust["owner_id"], kind, f"{kind.replace('_', ' ').capitalize()}: {cust['name']}",
                      self.today + timedelta(days=r.randrange(-5, 10)))

    def benchmark(self, size: int) -> list:
        """`size` customers and contacts, 2.5 x size activities, size/10 deliveries and tasks."""
        r = self.rng
        customers = []
        for i in range(size):
            customers.append(self.customer(f"{r.choice(N.CAFES).format(r.choice(N.WORDS))} {i}", "customer", "cafe"))
            self.contacts(customers[-1][0], 1)
        for i in range(size * 5 // 2):
            cid, cust = customers[i % size]
            self.visit(cid, cust, None, self.when(-r.randrange(0, 180)), "done")
        for i in range(size // 10):
            cid, cust = customers[r.randrange(size)]
            delivery_id = self.delivery(cid, "cafe", self.today - timedelta(days=r.randrange(7, 90)), True)
            self.task(cid, cust["owner_id"], "follow_up", "Soita toimituksen jälkeen", self.today, delivery_id)
        return self.ops
