"""Back office orders: lines and a server-made total, deliver (one follow-up, however often), cancel, the list."""
import re
from decimal import Decimal

import pytest

from office_helpers import csrf_token, desk
from server.extensions import db
from server.models import Delivery, Task

pytestmark = pytest.mark.usefixtures("own_contexts")


@pytest.fixture
def customer(create_record, users):
    return create_record("customer", name="Kahvila Aalto", owner_id=users.rep.id, segment="B")


def order_form(customer_id, lines, **fields):
    data = {"customer_id": customer_id, "order_no": "T-1", "ordered_on": "2026-12-01", "deliver_on": "2026-12-08",
            "channel": "phone"} | fields
    for i, (product, quantity, price) in enumerate(lines):
        data |= {f"line-{i}-product": product, f"line-{i}-quantity": quantity, f"line-{i}-unit_price": price}
    return data


def stored(order_id) -> Delivery:
    db.session.expire_all()
    return db.session.get(Delivery, order_id)


def test_a_rep_gets_403_on_every_order_page(app, users, customer, create_record):
    order = create_record("delivery", customer_id=customer, lines=[{"product": "Kakku", "quantity": 1}])
    rep = desk(app, users.rep)
    for path in ("/office/orders", "/office/orders/new", f"/office/orders/{order}", "/office/production"):
        assert rep.get(path).status_code == 403, path
    for action in ("edit", "deliver", "cancel"):
        assert rep.post(f"/office/orders/{order}/{action}").status_code == 403, action
    assert rep.post("/office/orders/new", data=order_form(customer, [("Kakku", "1", "")])).status_code == 403
    assert stored(order).status == "ordered"


def test_new_order_total_is_computed_on_the_server(app, users, customer):
    service = desk(app, users.service)
    form = service.get(f"/office/orders/new?customer_id={customer}").get_data(as_text=True)
    assert "Kahvila Aalto" in form and len(re.findall(r'name="line-\d-product"', form)) == 5
    # 2,5 × 12,40 = 31.00; 3 × 0.333 = 0.999; 1 × no price; empty rows ignored: 31.999 -> 32.00
    data = order_form(customer, [("Juustokakku", "2,5", "12,40 €"), ("", "", ""), ("Pulla", "3", "0.333"),
                                 ("Näyte", "1", "")], total="1.00")
    r = service.post("/office/orders/new", data=data)
    assert r.status_code == 422 and "unit price" in r.get_data(as_text=True)  # 0.333 has three decimals
    data["line-2-unit_price"] = "0,34"  # 3 × 0.34 = 1.02 -> 31.00 + 1.02 = 32.02
    r = service.post("/office/orders/new", data=data)
    assert r.status_code == 302, r.get_data(as_text=True)
    order = Delivery.query.one()
    assert order.total == Decimal("32.02") and order.status == "ordered"
    assert order.lines == [{"product": "Juustokakku", "quantity": "2.5", "unit_price": "12.40"},
                           {"product": "Pulla", "quantity": "3", "unit_price": "0.34"},
                           {"product": "Näyte", "quantity": "1"}]
    assert str(order.deliver_on) == "2026-12-08" and order.channel == "phone"
    page = service.get(r.headers["Location"]).get_data(as_text=True)
    assert "€32.02" in page and "€31.00" in page and "Juustokakku" in page
    fi = desk(app, users.service, language="fi").get(r.headers["Location"]).get_data(as_text=True)
    assert "32,02\xa0€" in fi


def test_errors_are_per_line_and_field_and_keep_the_input(app, users, customer):
    service = desk(app, users.service)
    r = service.post("/office/orders/new", data=order_form(
        customer, [("Kakku", "two", "5"), ("", "", ""), ("", "3", "4"), ("Pulla", "1", "abc")], deliver_on="32.12.2026"))
    page = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "Line 1: quantity must be a number." in page and "Line 3: product is missing." in page
    assert "Line 4: unit price must be an amount" in page and "Not a date" in page
    assert 'value="two"' in page and 'value="abc"' in page and 'value="32.12.2026"' in page
    empty = service.post("/office/orders/new", data=order_form(customer, [("", "", "")]))
    assert empty.status_code == 422 and "at least one line" in empty.get_data(as_text=True)
    schema = service.post("/office/orders/new", data=order_form(customer, [("Kakku", "0", "1")]))
    assert schema.status_code == 422 and "Line 1: quantity: Give a number" in schema.get_data(as_text=True)
    assert Delivery.query.count() == 0


def test_delivered_makes_exactly_one_followup_even_when_edited_again(app, users, customer, create_record):
    order = create_record("delivery", users.service, customer_id=customer, order_no="T-9", status="ordered",
                          lines=[{"product": "Kakku", "quantity": "2", "unit_price": "10.00"}], total="20.00")
    service = desk(app, users.service)
    r = service.post(f"/office/orders/{order}/deliver", data={"delivered_on": "2026-12-04",
                                                              "version": stored(order).version})
    assert r.status_code == 302
    assert (stored(order).status, str(stored(order).delivered_on)) == ("delivered", "2026-12-04")
    [task] = Task.query.filter_by(delivery_id=order).all()
    assert (task.assignee_id, task.kind, str(task.due_on)) == (users.rep.id, "follow_up", "2026-12-07")  # B: 3 days
    # Marked again (a corrected day), and edited once more through the API: still one task.
    service.post(f"/office/orders/{order}/deliver", data={"delivered_on": "2026-12-05", "version": stored(order).version})
    assert str(stored(order).delivered_on) == "2026-12-05"
    patch = service.application.test_client().patch(
        f"/api/deliveries/{order}", json={"status": "delivered", "delivered_on": "2026-12-06"},
        headers=users.service_h | {"If-Match": str(stored(order).version)})
    assert patch.status_code == 200, patch.json
    assert Task.query.filter_by(delivery_id=order).count() == 1
    assert "Follow-up" in service.get(f"/office/orders/{order}").get_data(as_text=True)


def test_no_followup_without_an_owner_and_the_desk_is_told(app, users, create_record):
    nobody = create_record("customer", name="Orpo Oy")
    order = create_record("delivery", users.service, customer_id=nobody, lines=[{"product": "K", "quantity": "1"}])
    service = desk(app, users.service)
    r = service.post(f"/office/orders/{order}/deliver", data={"version": stored(order).version}, follow_redirects=True)
    assert "the customer has no owner" in r.get_data(as_text=True)
    assert stored(order).status == "delivered" and Task.query.count() == 0


def test_cancel_and_a_stale_version_is_caught(app, users, customer, create_record):
    order = create_record("delivery", users.service, customer_id=customer, status="ordered",
                          lines=[{"product": "Kakku", "quantity": "1"}])
    service = desk(app, users.service)
    seen = stored(order).version
    edit = service.post(f"/office/orders/{order}/edit", data=order_form(customer, [("Kakku", "4", "2.50")],
                                                                        version=seen))
    assert edit.status_code == 302 and stored(order).total == Decimal("10.00")
    stale = service.post(f"/office/orders/{order}/edit", data=order_form(customer, [("Kakku", "9", "")], version=seen))
    page = stale.get_data(as_text=True)
    assert stale.status_code == 409 and "Someone changed this record" in page and 'value="9"' in page
    assert stored(order).lines[0]["quantity"] == "4"
    stale_cancel = service.post(f"/office/orders/{order}/cancel", data={"version": seen}, follow_redirects=True)
    assert "Someone changed this record" in stale_cancel.get_data(as_text=True) and stored(order).status == "ordered"
    service.post(f"/office/orders/{order}/cancel", data={"version": stored(order).version})
    assert stored(order).status == "cancelled"
    assert service.post(f"/office/orders/{order}/deliver", data={}).status_code == 422
    assert service.post(f"/office/orders/{order}/edit", data=order_form(customer, [("X", "1", "")])).status_code == 409
    assert Task.query.count() == 0


def test_list_filters_by_status_and_month(app, users, customer, create_record, count_queries):
    def make(no, **fields):
        return create_record("delivery", users.service, customer_id=customer, order_no=no,
                             lines=[{"product": "Kakku", "quantity": "1"}], **fields)
    make("NOV-DELIVERED-DEC", ordered_on="2026-11-28", status="delivered", delivered_on="2026-12-02", total="100.00")
    make("DEC-DELIVERED", ordered_on="2026-12-01", status="delivered", delivered_on="2026-12-03", total="50.50")
    make("DEC-ORDERED", ordered_on="2026-12-02", status="ordered")
    make("NOV-CANCELLED", ordered_on="2026-11-10", status="cancelled")
    service = desk(app, users.service)
    with count_queries() as n:
        delivered = service.get("/office/orders?status=delivered&month=2026-12").get_data(as_text=True)
    assert "NOV-DELIVERED-DEC" in delivered and "DEC-DELIVERED" in delivered and "DEC-ORDERED" not in delivered
    assert "€150.50" in delivered and "2 orders" in delivered and n[0] < 10
    ordered_dec = service.get("/office/orders?month=2026-12").get_data(as_text=True)
    assert "DEC-ORDERED" in ordered_dec and "DEC-DELIVERED" in ordered_dec and "NOV-DELIVERED-DEC" not in ordered_dec
    assert "NOV-CANCELLED" in service.get(f"/office/orders?status=cancelled&customer_id={customer}").get_data(as_text=True)
    bad = service.get("/office/orders?month=december")
    assert bad.status_code == 400 and "YYYY-MM" in bad.get_data(as_text=True)


def test_posts_need_the_csrf_token(app, users, customer, create_record, csrf_on):
    order = create_record("delivery", users.service, customer_id=customer, lines=[{"product": "K", "quantity": 1}])
    service = desk(app, users.service)
    assert service.post("/office/orders/new", data=order_form(customer, [("K", "1", "")])).status_code == 400
    for action in ("edit", "deliver", "cancel"):
        assert service.post(f"/office/orders/{order}/{action}", data={}).status_code == 400, action
    assert stored(order).status == "ordered" and Delivery.query.count() == 1
    token = csrf_token(service, "/office/orders/new")
    ok = service.post("/office/orders/new", data=order_form(customer, [("K", "1", "")], csrf_token=token))
    assert ok.status_code == 302
