"""The production list: quantities per product per delivery day, counted by hand from a few orders."""
import re
from datetime import date
from decimal import Decimal

import pytest

from office_helpers import desk

pytestmark = pytest.mark.usefixtures("own_contexts")

MON, TUE, WED = date(2026, 12, 7), date(2026, 12, 8), date(2026, 12, 9)


def line(product, quantity):
    return {"product": product, "quantity": quantity, "unit_price": "1.00"}


ORDERS = [
    # Monday: cheesecake 2 + 1.5 (two lines of one order) + 3 = 6.5; buns 10
    {"status": "ordered", "deliver_on": MON, "lines": [line("Juustokakku", "2"), line("Pulla", "10"),
                                                       line("Juustokakku", "1.5")]},
    {"status": "ordered", "deliver_on": "2026-12-07", "lines": [line("  juustokakku ", "3")]},
    # Tuesday: cheesecake 2.5 (spelled in capitals, two spaces); a cancelled and a delivered order do not count
    {"status": "ordered", "deliver_on": TUE, "lines": [line("JUUSTOKAKKU", "2.5"), line("Mustikkapiirakka", "1")]},
    {"status": "cancelled", "deliver_on": TUE, "lines": [line("Pulla", "100")]},
    {"status": "delivered", "deliver_on": TUE, "lines": [line("Pulla", "50")]},
    # Outside the range, a deleted one, and a product spelled differently in another way stays apart
    {"status": "ordered", "deliver_on": date(2026, 12, 10), "lines": [line("Pulla", "7")]},
    {"status": "ordered", "deliver_on": WED, "deleted": True, "lines": [line("Pulla", "9")]},
    {"status": "ordered", "deliver_on": WED, "lines": [line("Juusto kakku", "1")]},
]


def test_sums_against_hand_counted_orders(app):
    from server.office.production import sums

    table = sums(ORDERS, [MON, TUE, WED])
    rows = {name: (cells, total) for name, cells, total in table.rows}
    assert [name for name, _c, _t in table.rows] == ["Juusto kakku", "Juustokakku", "Mustikkapiirakka", "Pulla"]
    assert rows["Juustokakku"] == ({MON: Decimal("6.5"), TUE: Decimal("2.5")}, Decimal("9.0"))
    assert rows["Pulla"] == ({MON: Decimal("10")}, Decimal("10"))
    assert rows["Juusto kakku"] == ({WED: Decimal("1")}, Decimal("1"))
    assert table.day_totals == {MON: Decimal("16.5"), TUE: Decimal("3.5"), WED: Decimal("1")}
    assert table.total == Decimal("21.0") and table.orders_per_day == {MON: 2, TUE: 1, WED: 1}


def test_the_spelling_shown_is_the_most_used_one(app):
    from server.office.production import sums

    orders = [{"status": "ordered", "deliver_on": MON, "lines": [line("pulla", "1"), line("Pulla", "1"),
                                                                  line("Pulla ", "1")]}]
    [(name, cells, total)] = sums(orders, [MON]).rows
    assert (name, total) == ("Pulla", Decimal("3"))


def test_the_page_counts_the_stored_orders_and_prints(app, users, create_record):
    customer = create_record("customer", name="Kahvila Aalto", owner_id=users.rep.id)
    for order in ORDERS:
        if order.get("deleted"):
            continue
        day = order["deliver_on"]
        create_record("delivery", users.service, customer_id=customer, status=order["status"],
                      deliver_on=day if isinstance(day, str) else day.isoformat(), lines=order["lines"])
    service = desk(app, users.service)
    page = service.get("/office/production?from=2026-12-07&days=3").get_data(as_text=True)
    cells = re.findall(r'<td class="num">(?:<strong>)?([^<]*)', page.split('data-testid="production"')[1])
    # rows: Juusto kakku, Juustokakku, Mustikkapiirakka, Pulla; then day totals and orders per day
    assert cells[:16] == ["", "", "1", "1", "6.5", "2.5", "", "9", "", "1", "", "1", "10", "", "", "10"]
    assert cells[16:20] == ["16.5", "3.5", "1", "21"]
    assert "data-print" in page and "Production list Dec 7, 2026 – Dec 9, 2026" in page
    assert "production-sheet landscape" not in page
    wide = service.get("/office/production?from=2026-12-07&days=14").get_data(as_text=True)
    assert "production-sheet landscape" in wide
    fi = desk(app, users.service, language="fi").get("/office/production?from=2026-12-07&days=3")
    assert "16,5" in fi.get_data(as_text=True)


def test_bad_range_is_named_and_a_rep_is_refused(app, users):
    service = desk(app, users.service)
    bad = service.get("/office/production?from=7.13.2026&days=99")
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "Not a date" in page and "from 1 to 31" in page and 'value="7.13.2026"' in page
    assert desk(app, users.rep).get("/office/production").status_code == 403
