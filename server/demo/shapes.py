"""The two demo shapes: ~150 customers from SPEC §1's cases with history, or N customers for benchmarks."""
from datetime import date, timedelta

from . import names as N
from .build import Builder

INTERVAL = {"A": 30, "B": 90, "C": 180, "D": 365}  # the default service levels (visit interval, days)
DELIVERIES = {"A": (5, 10), "B": (2, 6), "C": (1, 3), "D": (0, 2)}
FOLLOW_UP_DELAY = 3
HISTORY_DAYS = 183


class Demo(Builder):
    """About 150 customers across the cases, six months back and three weeks ahead."""

    def build(self) -> list:
        r = self.rng
        self.nudged: set = set()  # reps who already have a past visit left open and an overdue task
        for chain in N.CHAINS:  # grocery chains with outlets, the bakery's biggest buyers
            chain_id, chain_fields = self.customer(f"{chain} Oy", "chain", "grocery", segment="A", stage="active",
                                                   city=r.choice(N.BIG_CITIES))
            self.populate(chain_id, chain_fields, "grocery", deliveries=False)
            for city in r.sample(sorted(N.CITIES), r.randrange(4, 7)):
                district = r.choice(N.CITIES[city][3])
                outlet = self.customer(f"{chain} {city} {district}", "outlet", "grocery", parent_id=chain_id,
                                       segment=r.choice("BBC"), city=city, site=f"{city} {district}", title_name=chain)
                self.populate(*outlet, "grocery")
        for group, count in (("cafe", 40), ("salon", 35), ("machine", 22), ("reseller", 25)):
            for _ in range(count):
                prospect = r.random() < 0.12
                kind = "prospect" if prospect else ("reseller" if group == "reseller" else "customer")
                word = r.choice(N.LAST) if group == "machine" and r.random() < 0.7 else r.choice(N.WORDS)
                name = self.unique_name(r.choice(N.PATTERNS[group]).format(word))
                cid, fields = self.customer(name, kind, group, segment=r.choice("CCDD") if prospect else None,
                                            stage=r.choice(["lead", "lead", "new"]) if prospect else None)
                self.populate(cid, fields, group, deliveries=not prospect)
        for foreign in N.FOREIGN:  # the machine shop's export customers
            cid, fields = self.customer(foreign[0], "customer", "machine", foreign=foreign, segment=r.choice("AAB"),
                                        stage="active")
            self.populate(cid, fields, "machine")
        return self.ops

    def populate(self, cid: str, cust: dict, group: str, deliveries: bool = True) -> None:
        r = self.rng
        big = group == "machine" and cust["segment"] == "A"  # dozens of contacts at a big machine maker
        contacts = self.contacts(cid, r.randrange(4, 7) if big else r.randrange(1, 5))
        self.history(cid, cust, contacts)
        rep = cust["owner_id"] if cust["owner_id"] != self.users["manager"] else None
        force = rep is not None and rep not in self.nudged  # the Monday nudge and overdue list are never empty
        if force or (rep and r.random() < 0.12):  # a past visit nobody closed
            self.visit(cid, cust, r.choice(contacts), self.when(-r.randrange(1, 10)), "planned")
        if cust["stage"] in ("active", "new", "lead") and r.random() < 0.45:
            self.visit(cid, cust, r.choice(contacts), self.when(r.randrange(0, 22)), "planned")
        if deliveries:
            self.orders(cid, cust, group)
        if force or r.random() < 0.25:
            kinds = ["complaint", "sample_order", "info"] + (["spare_part"] if group == "machine" else [])
            kind = "complaint" if force else r.choice(kinds)
            due = self.today + timedelta(days=-r.randrange(2, 7) if force else r.randrange(-6, 15))
            title = N.TASKS[kind].get(group) or N.TASKS[kind].get("*") or N.TASKS["info"]["*"]
            done = due < self.today - timedelta(days=3) and r.random() < 0.5
            self.task(cid, cust["owner_id"], kind, f"{title} ({cust['name']})", due, status="done" if done else "open")
        if force:
            self.nudged.add(rep)

    def history(self, cid: str, cust: dict, contacts: list) -> None:
        """Visits and calls spaced by the segment's interval; about one in five customers is overdue."""
        r = self.rng
        interval = INTERVAL.get(cust["segment"], 120)
        if cust["stage"] in ("passive", "former"):
            day = -r.randrange(interval + 30, interval + 200)
        elif cust["stage"] == "lead":
            day = -r.randrange(5, 60) if r.random() < 0.5 else -HISTORY_DAYS
        elif r.random() < 0.2:
            day = -r.randrange(interval + 5, interval + 60)
        else:
            day = -r.randrange(1, max(3, int(interval * 0.9)))
        while day > -HISTORY_DAYS:
            status = "cancelled" if r.random() < 0.08 else "done"
            self.visit(cid, cust, r.choice(contacts), self.when(day), status)
            day -= r.randrange(2, 10) if status == "cancelled" else max(5, int(interval * r.uniform(0.5, 1.1)))

    def orders(self, cid: str, cust: dict, group: str) -> None:
        """Deliveries over six months, each delivered one followed up a few days later."""
        r = self.rng
        low, high = DELIVERIES.get(cust["segment"], (0, 2))
        count = r.randrange(low, high + 1)
        oldest = 90 if cust["stage"] in ("passive", "former") else 0  # passive: nothing lately
        for _ in range(min(count, 3) if group == "machine" else count):
            ordered = self.today - timedelta(days=r.randrange(oldest, 180))
            recent = ordered > self.today - timedelta(days=4)
            status = "ordered" if recent else ("cancelled" if r.random() < 0.03 else "delivered")
            delivery_id = self.delivery(cid, group, ordered, status == "delivered", big=group == "machine",
                                        status=status)
            delivered_on = self.ops[-1]["fields"].get("delivered_on")
            if not delivered_on or ordered < self.today - timedelta(days=60):
                continue
            due = date.fromisoformat(delivered_on) + timedelta(days=FOLLOW_UP_DELAY)
            late = due < self.today and (due < self.today - timedelta(days=7) or r.random() < 0.5)
            self.task(cid, cust["owner_id"], "follow_up", f"Soita toimituksen jälkeen: {cust['name']}", due,
                      delivery_id, status="done" if late else "open")


class Benchmark(Builder):
    """`size` customers and contacts, 2.5 x size activities, size/10 deliveries and 3 x size/20 tasks."""

    def build(self, size: int) -> list:
        r = self.rng
        groups = ["cafe"] * 8 + ["salon"] * 5 + ["machine"] * 3 + ["reseller"] * 4
        customers = []
        for _ in range(size):
            group = r.choice(groups)
            name = self.unique_name(r.choice(N.PATTERNS[group]).format(r.choice(N.WORDS)))
            cid, fields = self.customer(name, "reseller" if group == "reseller" else "customer", group)
            customers.append((cid, fields, self.contacts(cid, 1)[0], group))
        for i in range(size * 5 // 2):
            cid, cust, contact, _group = customers[i % size]
            roll = r.random()
            if roll < 0.08:
                self.visit(cid, cust, contact, self.when(r.randrange(0, 22)), "planned")
            else:
                status = "planned" if roll < 0.1 else ("cancelled" if roll < 0.15 else "done")
                self.visit(cid, cust, contact, self.when(-r.randrange(1, HISTORY_DAYS)), status)
        for i in range(size // 10):
            cid, cust, _contact, group = customers[r.randrange(size)]
            ordered = self.today - timedelta(days=r.randrange(7, 90))
            delivery_id = self.delivery(cid, group, ordered, True, big=group == "machine")
            due = ordered + timedelta(days=FOLLOW_UP_DELAY + 3)
            self.task(cid, cust["owner_id"], "follow_up", f"Soita toimituksen jälkeen: {cust['name']}", due,
                      delivery_id)
            if i % 2:
                self.task(cid, cust["owner_id"], "info", f"Lähetä hinnasto 2027 ({cust['name']})",
                          self.today + timedelta(days=r.randrange(-5, 15)))
        return self.ops
