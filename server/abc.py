"""ABC analysis: a class per customer from their sales (pure: plain data in, plain data out).

The rule, as the issue states it and with the two edge cases decided:

- Customers with sales > 0 are sorted by sales, largest first. A customer's class is decided by the
  share of all sales held by the customers *before* it: under 80 % -> A, under 95 % -> B, else C.
  So the customer whose sales carry the running share across 80 % is still an A customer (the
  classic Pareto cut: the smallest set of customers that makes up at least 80 % of sales), and the
  one crossing 95 % is still B.
- Customers with equal sales get the same class (that of the first of them): the outcome never
  depends on the order of ids, and two equal customers are never split across a border.
- Sales of zero or less (nothing delivered, or credit notes outweighing deliveries) -> D.

Shares are compared in exact Decimal arithmetic (no float rounding at the borders).
"""
from decimal import Decimal
from itertools import groupby

CLASSES = ("A", "B", "C", "D")
A_LIMIT = Decimal("0.80")  # share of sales before a customer under which it is A
B_LIMIT = Decimal("0.95")  # ... under which it is B (A's 80 % plus the next 15 %)


def classify(sales: dict) -> dict:
    """Map {customer_id: Decimal sales} to {customer_id: "A" | "B" | "C" | "D"}."""
    out = {cid: "D" for cid, amount in sales.items() if amount <= 0}
    selling = sorted(((amount, cid) for cid, amount in sales.items() if amount > 0), reverse=True)
    total = sum((amount for amount, _ in selling), Decimal(0))
    before = Decimal(0)
    for amount, group in groupby(selling, key=lambda pair: pair[0]):
        ids = [cid for _, cid in group]
        # before / total < limit, without dividing
        klass = "A" if before < A_LIMIT * total else "B" if before < B_LIMIT * total else "C"
        for cid in ids:
            out[cid] = klass
        before += amount * len(ids)
    return out


def summary(sales: dict, current: dict, proposed: dict) -> dict:
    """{class: {"now": (count, share), "proposed": (count, share)}}; class None = no segment yet.

    `current` holds the stored segment (None or a class) of every customer in `sales`; a share is a
    fraction of the total of positive sales (0 when nothing was sold).
    """
    total = sum((amount for amount in sales.values() if amount > 0), Decimal(0))
    rows = {klass: {"now": [0, Decimal(0)], "proposed": [0, Decimal(0)]} for klass in CLASSES + (None,)}
    for cid, amount in sales.items():
        positive = amount if amount > 0 else Decimal(0)
        for side, klass in (("now", current.get(cid)), ("proposed", proposed[cid])):
            rows[klass][side][0] += 1
            rows[klass][side][1] += positive
    return {klass: {side: (count, (amount / total) if total else Decimal(0))
                    for side, (count, amount) in sides.items()} for klass, sides in rows.items()}


def changes(current: dict, proposed: dict) -> dict:
    """{customer_id: (current, proposed)} of the customers whose class would change."""
    return {cid: (current.get(cid), klass) for cid, klass in proposed.items() if current.get(cid) != klass}
