"""Build demo records as sync ops (plain dicts) in the order they are made; the shapes are in shapes.py."""
import uuid
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from ..models.base import new_op_id
from . import names as N

try:
    from zoneinfo import ZoneInfo
    LOCAL = ZoneInfo("Europe/Helsinki")
except Exception:  # no time-zone database (e.g. Windows without tzdata): winter time is close enough
    LOCAL = timezone(timedelta(hours=2))

INSTANT = "%Y-%m-%dT%H:%M:%SZ"
ASCII = str.maketrans({"ä": "a", "ö": "o", "å": "a", "ü": "u", "ß": "ss", "é": "e"})
MINUTES = {"visit": [45, 60, 90], "meeting": [60, 90, 120], "training": [90, 120], "call": [10, 15, 20],
           "email": [5], "other": [30]}


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


def slug(text: str) -> str:
    return "".join(ch for ch in text.lower().translate(ASCII) if ch.isascii() and ch.isalnum())


class Builder:
    """Makes records one at a time; `ops` keeps them in call order, so a parent precedes its children."""

    def __init__(self, rng, users: dict, now: datetime):
        self.rng, self.users, self.now = rng, users, now
        self.today = now.astimezone(LOCAL).date()
        self.ops: list = []
        self.counts = {"customers": 0, "contacts": 0, "activities": 0, "deliveries": 0, "tasks": 0}
        self.taken: set = set()
        self.names: dict = {}
        self.info: dict = {}  # customer id -> {"group", "domain"}: what its children need to look right
        self.order_serial = 0

    def add(self, entity: str, fields: dict, plural: str) -> str:
        record_id = str(uuid.uuid4())
        self.ops.append({"op_id": new_op_id(), "entity": entity, "id": record_id, "type": "put",
                         "base_version": 0, "fields": fields, "edited_at": self.now})
        self.counts[plural] += 1
        return record_id

    # ---- small pieces ------------------------------------------------------------------------
    def unique_name(self, base: str) -> str:
        seen = self.names.get(base, 0)
        self.names[base] = seen + 1
        return base if not seen else f"{base} {seen + 1}"

    def person(self, country: str = "FI") -> str:
        first, last = N.FOREIGN_PEOPLE.get(country, (N.FIRST, N.LAST))
        return f"{self.rng.choice(first)} {self.rng.choice(last)}"

    def phone(self, area: str | None = None) -> str:
        r = self.rng
        if area:  # a landline: area code without its leading zero
            return f"+358 {area} {r.randrange(200, 999)} {r.randrange(1000, 9999)}"
        return f"+358 {r.choice(['40', '44', '45', '50'])} {r.randrange(100, 999)} {r.randrange(1000, 9999)}"

    def when(self, days: int, hour: int | None = None) -> datetime:
        """A working-hours start (Finnish time, as UTC) `days` from today, moved off weekends."""
        day = self.today + timedelta(days=days)
        if day.weekday() >= 5:
            day += timedelta(days=(7 - day.weekday()) if days >= 0 else (4 - day.weekday()))
        start = time(hour if hour is not None else self.rng.randrange(8, 16), self.rng.choice([0, 0, 15, 30, 45]))
        return datetime.combine(day, start, LOCAL).astimezone(timezone.utc)

    def morning(self, day: date) -> str:
        return datetime.combine(day, time(8), LOCAL).astimezone(timezone.utc).strftime(INSTANT)

    # ---- records -----------------------------------------------------------------------------
    def customer(self, name: str, kind: str, group: str, parent_id=None, segment=None, city=None,
                 foreign: tuple | None = None, stage=None, site=None, title_name=None) -> tuple:
        r = self.rng
        users = self.users
        city = city or r.choice(N.BIG_CITIES if r.random() < 0.6 else list(N.CITIES))
        area, streets, industrial, _districts = N.CITIES[city]
        street, postal = industrial if group == "machine" else r.choice(streets)
        domain = slug(name.removesuffix(" Oy"))[:24] + ".fi"
        fields = {
            "name": name, "kind": kind, "segment": segment or r.choice("AABBBBCCCCD"),
            "stage": stage or r.choice(["active"] * 6 + ["occasional", "occasional", "passive", "new"]),
            "owner_id": r.choice([users["rep1"], users["rep2"], users["rep1"], users["rep2"], users["manager"]]),
            "phone": self.phone(area if r.random() < 0.5 else None), "email": f"info@{domain}",
            "website": f"https://www.{domain}", "street": f"{street} {r.randrange(1, 60)}", "postal_code": postal,
            "city": city, "country": "FI", "preferred_contact": r.choice(N.PREFERRED),
            "do_not_contact": r.random() < 0.03, "marketing_ban": r.random() < 0.1, "notes": r.choice(N.CUSTOMER_NOTES),
        }
        if foreign:
            name, street, postal, city, country, phone = foreign
            domain = slug(name.rsplit(" ", 1)[0]) + "." + country.lower()  # without AB, GmbH, AS ...
            fields.update(name=name, street=street, postal_code=postal, city=city, country=country, phone=phone,
                          email=f"info@{domain}", website=f"https://www.{domain}")
        elif kind == "outlet" and parent_id in self.info:  # an outlet is part of its chain's company
            domain = self.info[parent_id]["domain"]
            fields.update(email=f"{slug(fields['city'])}@{domain}", website=f"https://www.{domain}")
        else:
            fields["business_id"] = business_id(r, self.taken)
        if parent_id:
            fields["parent_id"] = parent_id
        record_id = self.add("customer", fields, "customers")
        self.info[record_id] = {"group": group, "domain": domain, "country": fields["country"],
                                "roles": N.GROUP_ROLES["chain" if kind == "chain" else group],
                                "phone": fields["phone"],
                                "site": site or fields["city"], "title_name": title_name or fields["name"]}
        return record_id, fields

    def contacts(self, customer_id: str, count: int) -> list:
        r = self.rng
        info = self.info.get(customer_id, {"domain": "example.fi", "country": "FI", "roles": N.ROLES})
        roles, abroad = info["roles"], info["country"] != "FI"
        out = []
        for _ in range(count):
            name = self.person(info["country"])
            first, last = name.split(" ", 1)
            email = f"{slug(first)}.{slug(last)}@{info['domain']}"
            # abroad: the company's country code, then a number in that country's style
            phone = f"{info['phone'].split()[0]} {r.randrange(10, 99)} {r.randrange(100, 999)} {r.randrange(100, 999)}" \
                if abroad else self.phone()
            fields = {"customer_id": customer_id, "name": name, "role": r.choice(roles),
                      "phone": phone, "email": email, "marketing_ban": r.random() < 0.05}
            out.append(self.add("contact", fields, "contacts"))
        return out

    def visit(self, customer_id: str, cust: dict, contact_id, when: datetime, status: str, kind=None) -> str:
        r = self.rng
        info = self.info.get(customer_id) or {"group": "cafe", "site": cust["city"], "title_name": cust["name"]}
        group = info["group"]
        purpose = r.choice(N.PURPOSES[group])
        kind = kind or r.choice(N.TYPES[group])
        fields = {"customer_id": customer_id, "owner_id": cust["owner_id"], "contact_id": contact_id,
                  "type": kind, "status": status, "title": f"{info['title_name']} – {info['site']} – {purpose}",
                  "starts_at": when.strftime(INSTANT),
                  "ends_at": (when + timedelta(minutes=r.choice(MINUTES[kind]))).strftime(INSTANT),
                  "location": f"{cust['street']}, {cust['postal_code']} {cust['city']}" if kind != "call" else None}
        if status == "done":
            fields.update(notes=f"{purpose.capitalize()}. {r.choice(N.NOTES[group])}", outcome=r.choice(N.OUTCOMES),
                          next_step=r.choice(N.NEXT_STEPS))
        elif status == "cancelled":
            fields["notes"] = r.choice(N.CANCELLED)
        return self.add("activity", fields, "activities")

    def delivery(self, customer_id: str, group: str, ordered: date, delivered: bool, big=False,
                 status: str | None = None) -> str:
        r = self.rng
        products = N.PRODUCTS[group]
        lines = [{"product": p, "quantity": r.randrange(1, 12) * (10 if big else 1), "unit_price": price}
                 for p, price in r.sample(products, k=r.randrange(1, min(4, len(products)) + 1))]
        total = sum(line["quantity"] * Decimal(line["unit_price"]) for line in lines)
        self.order_serial += 1
        status = status or ("delivered" if delivered else "ordered")
        fields = {"customer_id": customer_id, "order_no": f"T{ordered:%y%m}-{self.order_serial:04d}",
                  "ordered_on": ordered.isoformat(), "status": status,
                  "channel": r.choice(["phone", "phone", "email", "visit", "web"]), "lines": lines,
                  "total": f"{total:.2f}"}
        # The wanted day: 1-5 days after ordering, from the serial so the demo's random stream stays as it was.
        fields["deliver_on"] = (ordered + timedelta(days=self.order_serial % 5 + 1)).isoformat()
        if status == "delivered":
            fields["delivered_on"] = min(ordered + timedelta(days=r.randrange(1, 6)), self.today).isoformat()
        return self.add("delivery", fields, "deliveries")

    def task(self, customer_id: str, assignee: str, kind: str, title: str, due: date, delivery_id=None,
             status: str | None = None, created_by: str | None = None) -> str:
        fields = {"customer_id": customer_id, "assignee_id": assignee,
                  "created_by": created_by or self.users.get("service", assignee), "kind": kind, "title": title,
                  "due_on": due.isoformat(), "remind_at": self.morning(due),
                  "status": status or ("done" if due < self.today - timedelta(days=10) else "open")}
        if delivery_id:
            fields["delivery_id"] = delivery_id
        return self.add("task", fields, "tasks")
