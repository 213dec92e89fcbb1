"""Dashboard: the KPI figures against hand-counted weeks and months, and the page per role.

"Now" is fixed at Wednesday 2026-12-09 10:00 UTC (12:00 in Helsinki, ISO week 2026-W50), so
the nine weeks counted are W42..W50, the planned ones W50..W52 and the months 2026-01..2026-12.
"""
import base64
import re
from datetime import date, datetime, timezone
from decimal import Decimal
from html import unescape
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest

from office_helpers import desk
from server.extensions import db
from server.office import dashboard, kpi
from server.operations import write_one
from server.permissions import Actor
from server.sync.push import apply_ops
from sync_helpers import new_id

pytestmark = pytest.mark.usefixtures("own_contexts")

NOW = datetime(2026, 12, 9, 10, 0)
HEL = ZoneInfo("Europe/Helsinki")
TODAY = date(2026, 12, 9)


def write(*records, at=None) -> list:
    """Write (entity, fields) records through the merge as of `at` (naive UTC; default: now), so
    created_at and the field stamps are `at`; return their ids."""
    when = (at.replace(tzinfo=timezone.utc) if at else datetime.now(timezone.utc))
    ids = [new_id() for _ in records]
    ops = [{"op_id": new_id(), "entity": entity, "id": rid, "type": "put", "base_version": 0,
            "fields": fields, "edited_at": when} for rid, (entity, fields) in zip(ids, records)]
    results = apply_ops(db.session, Actor(id=None, role="admin"), "test-desk", ops, now=when)
    db.session.commit()
    assert [r["status"] for r in results] == ["applied"] * len(ops), results
    return ids


def visit(customer, owner, starts_at, status="done", type_="visit", title="Käynti"):
    fields = {"customer_id": customer, "type": type_, "status": status, "title": title, "starts_at": starts_at}
    return "activity", {**fields, "owner_id": owner.id if owner else None}


def delete(entity, rid):
    write_one(Actor(id=None, role="admin"), entity, rid, "delete", {})


def test_visits_per_week_count_iso_weeks_in_helsinki(app, users):
    [cust] = write(("customer", {"name": "Käyntikohde"}))
    rep, rep2 = users.rep, users.rep2
    _, _, _, _, _, _, gone, _, _, _, _, _ = write(
        visit(cust, rep, "2026-12-06T22:30:00Z"),  # Mon 7.12. 00:30 in Helsinki: W50
        visit(cust, rep, "2026-12-06T21:30:00Z"),  # Sun 6.12. 23:30: W49
        visit(cust, rep, "2026-10-11T21:00:00Z"),  # Mon 12.10. 00:00 (summer time, +3): W42, the first week
        visit(cust, rep, "2026-10-11T20:59:00Z"),  # Sun 11.10. 23:59: W41, too old
        visit(cust, rep2, "2026-12-08T08:00:00Z"),
        visit(cust, rep2, "2026-12-13T21:59:00Z"),  # Sun 13.12. 23:59: still W50
        visit(cust, rep2, "2026-12-08T09:00:00Z"),  # deleted below
        visit(cust, rep2, "2026-12-08T10:00:00Z", type_="call"),
        visit(cust, rep2, "2026-12-08T11:00:00Z", status="cancelled"),
        visit(cust, rep, "2026-12-07T06:00:00Z", status="planned"),  # W50, in the past but still planned
        visit(cust, None, "2026-12-27T21:59:00Z", status="planned"),  # Sun 27.12. 23:59: W52
        visit(cust, rep, "2026-12-27T22:00:00Z", status="planned"),  # Mon 28.12.: W53, beyond three weeks
    )
    delete("activity", gone)
    done = kpi.visits_per_week(db.session, "done", kpi.weeks_back(TODAY, 9), HEL)
    assert done == {rep.id: [1, 0, 0, 0, 0, 0, 0, 1, 1], rep2.id: [0, 0, 0, 0, 0, 0, 0, 0, 2]}
    mondays = kpi.weeks_ahead(TODAY, 3)
    assert [kpi.week_label(m) for m in mondays] == ["2026-W50", "2026-W51", "2026-W52"]
    assert kpi.visits_per_week(db.session, "planned", mondays, HEL) == {rep.id: [1, 0, 0], None: [0, 0, 1]}


def test_weeks_and_months_around_the_new_year():
    assert kpi.weeks_back(date(2027, 1, 3), 2) == [date(2026, 12, 21), date(2026, 12, 28)]
    assert kpi.week_label(date(2026, 12, 28)) == "2026-W53" and kpi.week_label(date(2027, 1, 4)) == "2027-W01"
    assert kpi.parse_week("2026-W53") == date(2026, 12, 28)
    for bad in ("2027-W53", "2026-W00", "2026-W5", "2026W49", ""):
        with pytest.raises(ValueError):
            kpi.parse_week(bad)
    assert kpi.months_back(date(2026, 2, 28), 3) == [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    assert kpi.utc_start(date(2026, 10, 26), HEL) == datetime(2026, 10, 25, 22, 0)  # after the clocks went back


def test_overdue_follow_ups_and_open_tasks(app, users):
    [cust] = write(("customer", {"name": "Tehtäväasiakas"}))

    def task(assignee, due, kind="follow_up", status="open"):
        return "task", {"customer_id": cust, "title": "Soita", "kind": kind, "status": status, "due_on": due,
                        "assignee_id": assignee.id if assignee else None}
    _, _, _, _, _, _, gone = write(
        task(users.rep, "2026-12-08"),  # overdue
        task(users.rep, "2026-12-09"),  # due today: open, not overdue
        task(users.rep, "2026-12-01", status="done"),
        task(users.rep, "2026-12-01", kind="complaint"),  # overdue, but not a follow-up
        task(None, "2026-11-30"),  # overdue, nobody's
        task(users.rep2, None),
        task(users.rep2, "2026-12-01"),  # deleted below
    )
    delete("task", gone)
    assert kpi.overdue_follow_ups(db.session, TODAY) == {users.rep.id: 1, None: 1}
    assert kpi.open_tasks(db.session, TODAY) == {users.rep.id: (3, 2), None: (1, 1), users.rep2.id: (1, 0)}


def test_customers_by_light_per_segment(app, users):
    green, red_never, yellow, red_old, archived, _none, gone = write(
        ("customer", {"name": "A tuore", "segment": "A"}),
        ("customer", {"name": "A ei koskaan", "segment": "A"}),
        ("customer", {"name": "B keltainen", "segment": "B"}),
        ("customer", {"name": "B vanha", "segment": "B"}),
        ("customer", {"name": "C arkistossa", "segment": "C", "archived": True}),
        ("customer", {"name": "Ei segmenttiä"}),
        ("customer", {"name": "D poistettu", "segment": "D"}),
    )
    write(visit(green, users.rep, "2026-12-01T10:00:00Z"),
          visit(red_never, users.rep, "2026-12-08T10:00:00Z", status="planned"),  # planned is no contact
          visit(yellow, users.rep, "2026-09-20T10:00:00Z"),  # 80 days: past 80 % of B's 90, not past 90
          visit(yellow, users.rep, "2026-09-01T10:00:00Z"),  # an older visit does not matter
          visit(red_old, users.rep, "2026-09-09T09:59:00Z"),  # 91 days
          visit(archived, users.rep, "2026-12-01T10:00:00Z"))
    delete("customer", gone)
    counts = kpi.lights_by_segment(db.session, NOW)
    assert counts == {"A": {"green": 1, "red": 1}, "B": {"yellow": 1, "red": 1}, "C": {}, "D": {}, "none": {"none": 1}}


def test_new_passive_and_lost_customers_per_month(app, users):
    nov, jan = datetime(2026, 11, 15, 9, 0), datetime(2026, 1, 10, 9, 0)
    write(("customer", {"name": "Uusi marraskuussa"}), at=nov)
    goes_passive, goes_lost, too_old = write(("customer", {"name": "Hiipuva"}), ("customer", {"name": "Menetetty"}),
                                             ("customer", {"name": "Vanha"}), at=jan)
    db.session.execute(db.text("UPDATE customers SET created_at = :at WHERE id = :id"),
                       {"at": datetime(2025, 12, 31, 21, 59), "id": too_old})  # 31.12.2025 23:59 local
    db.session.commit()
    write(("customer", {"name": "Uudenvuoden asiakas"}), at=datetime(2025, 12, 31, 22, 0))  # 1.1.2026 00:00 local
    write_one_at(datetime(2026, 11, 20, 9, 0), "customer", goes_passive, {"stage": "passive"})
    write_one_at(datetime(2026, 11, 30, 22, 30), "customer", goes_lost, {"stage": "former"})  # 1.12. 00:30 local
    write_one_at(datetime(2026, 11, 2, 9, 0), "customer", too_old, {"stage": "passive"})
    counts = kpi.customer_months(db.session, kpi.months_back(TODAY, 12), HEL)
    assert list(counts)[0] == "2026-01" and list(counts)[-1] == "2026-12"
    assert counts["2026-01"] == {"new": 3, "passive": 0, "former": 0}
    assert counts["2026-11"] == {"new": 1, "passive": 2, "former": 0}
    assert counts["2026-12"] == {"new": 0, "passive": 0, "former": 1}
    assert sum(c["new"] for c in counts.values()) == 4  # the one made in December 2025 is outside


def write_one_at(when, entity, rid, fields):
    """Edit one record through the merge as of `when` (naive UTC)."""
    aware = when.replace(tzinfo=timezone.utc)
    seen = db.session.scalar(db.text(f"SELECT version FROM {entity}s WHERE id = :id"), {"id": rid})
    op = {"op_id": new_id(), "entity": entity, "id": rid, "type": "put", "base_version": seen,
          "fields": fields, "edited_at": aware}
    [result] = apply_ops(db.session, Actor(id=None, role="admin"), "test-desk", [op], now=aware)
    db.session.commit()
    assert result["status"] == "applied", result


def test_count_months_keeps_only_the_months_asked():
    created = {"2026-11": 2, "2025-11": 1}
    staged = [("a", "passive", "2026-11"), ("d", "former", "2026-12"), ("e", "new", "2026-12")]
    assert kpi.count_months(created, staged, ["2026-11", "2026-12"]) == {
        "2026-11": {"new": 2, "passive": 1, "former": 0}, "2026-12": {"new": 0, "passive": 0, "former": 1}}


def test_delivered_sales_per_month(app, users):
    [cust] = write(("customer", {"name": "Ostaja"}))  # no owner: no follow-up tasks to count

    def delivery(status, delivered_on, total):
        return "delivery", {"customer_id": cust, "status": status, "delivered_on": delivered_on, "total": total}
    *_, gone = write(
        delivery("delivered", "2026-11-01", "995.00"),
        delivery("delivered", "2026-11-30", "5.50"),
        delivery("delivered", "2026-11-15", None),  # counted, adds nothing
        delivery("delivered", "2026-12-01", "100.00"),
        delivery("ordered", "2026-11-10", "1000.00"),
        delivery("cancelled", "2026-11-10", "1000.00"),
        delivery("delivered", "2025-12-31", "7.00"),  # before the twelve months
        delivery("delivered", "2026-11-20", "50.00"),  # deleted below
    )
    delete("delivery", gone)
    sales = kpi.delivered_sales(db.session, kpi.months_back(TODAY, 12))
    assert sales["2026-11"] == (3, Decimal("1000.50"))
    assert sales["2026-12"] == (1, Decimal("100.00"))
    assert sales["2026-01"] == (0, Decimal("0.00")) and len(sales) == 12


@pytest.fixture
def fixed_now(monkeypatch):
    monkeypatch.setattr(dashboard, "utcnow", lambda: NOW)


def links(page: str) -> dict:
    """{(path, frozenset of query items): link text} of every link on a page."""
    out = {}
    for href, text in re.findall(r'<a href="([^"]+)"[^>]*>([^<]*)</a>', page):
        parts = urlsplit(unescape(href))
        query = frozenset((k, v[0]) for k, v in parse_qs(parts.query, keep_blank_values=True).items())
        out[(parts.path, query)] = unescape(text).strip()
    return out


def q(**params) -> frozenset:
    return frozenset(params.items())


def sample(users):
    """One of each figure's rows, as of NOW: rep did a visit this week and plans one next week."""
    [seg_a] = write(("customer", {"name": "Asiakas A", "segment": "A"}), at=datetime(2026, 12, 2, 8, 0))
    write(visit(seg_a, users.rep, "2026-12-08T08:00:00Z"), visit(seg_a, users.rep, "2026-12-15T08:00:00Z", "planned"),
          ("task", {"customer_id": seg_a, "title": "Soita", "kind": "follow_up", "status": "open",
                    "due_on": "2026-12-01", "assignee_id": users.rep.id}),
          ("delivery", {"customer_id": seg_a, "status": "delivered", "delivered_on": "2026-11-03", "total": "995.00"}))
    return seg_a


def test_a_manager_sees_every_figure_and_each_number_links_to_its_list(app, users, fixed_now):
    sample(users)
    client = desk(app, users.manager)
    response = client.get("/office/dashboard")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for key in ("done", "planned", "overdue", "tasks", "lights", "stages", "sales"):
        assert f'id="{key}"' in page
    found = links(page)
    assert found[("/office/visits", q(owner=users.rep.id, week="2026-W50", status="done", type="visit"))] == "1"
    assert found[("/office/visits", q(owner=users.rep2.id, week="2026-W50", status="done", type="visit"))] == "0"
    nine_weeks = q(owner=users.rep.id, week="2026-W42..2026-W50", status="done", type="visit")
    assert found[("/office/visits", nine_weeks)] == "1"
    assert found[("/office/visits", q(owner=users.rep.id, week="2026-W51", status="planned", type="visit"))] == "1"
    assert found[("/office/tasks", q(status="overdue", kind="follow_up", assignee=users.rep.id))] == "1"
    assert found[("/office/tasks", q(status="open", assignee=users.rep.id))] == "1"
    assert found[("/office/customers", q(segment="A", light="green"))] == "1"
    assert found[("/office/customers", q(segment="A", light="red"))] == "0"
    assert found[("/office/customers", q(stage_month="2026-12", archived="all"))] == "1"
    assert found[("/office/customers", q(stage="passive", stage_month="2026-11", archived="all"))] == "0"
    assert found[("/office/orders", q(status="delivered", month="2026-11"))] == "€995.00"
    visit_links = re.findall(r'href="(/office/visits\?[^"]+)">(\d+)<', page)
    assert len(visit_links) == 3 * 10 + 3 * 4  # two reps and the totals, nine weeks and three, each with a total
    for href, shown in visit_links:  # each visit figure is the count of the list it opens
        listed = client.get(unescape(href)).get_data(as_text=True)
        assert re.search(r">(\d+) activit", listed).group(1) == shown, href
    images = re.findall(r'<img src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]+)">', page)
    assert len(images) == 7
    for data, alt in images:
        svg = base64.b64decode(data)
        assert svg.startswith(b"<svg") and not re.search(rb"<script[^>]*src=", svg) and len(alt) > 40
    assert b"Rep (2)" in base64.b64decode(images[0][0])  # both reps are called "Rep": two series, not one


def test_customer_service_sees_only_the_task_and_delivery_figures(app, users, fixed_now):
    sample(users)
    page = desk(app, users.service).get("/office/dashboard").get_data(as_text=True)
    for key in ("overdue", "tasks", "sales"):
        assert f'id="{key}"' in page
    for key in ("done", "planned", "lights", "stages"):
        assert f'id="{key}"' not in page
    assert "/office/visits?" not in page and "/office/customers?" not in page
    assert page.count('<img src="data:image/svg+xml') == 3


def test_a_rep_gets_403_and_a_stranger_the_login(app, users):
    assert desk(app, users.rep).get("/office/dashboard").status_code == 403
    response = app.test_client().get("/office/dashboard")
    assert response.status_code == 302 and "/office/login" in response.headers["Location"]


def test_sales_in_finnish_money_format(app, users, fixed_now):
    sample(users)
    page = desk(app, users.manager, language="fi").get("/office/dashboard").get_data(as_text=True)
    assert "995,00\xa0€" in page and "€995.00" not in page


def test_the_dashboard_costs_the_same_queries_for_more_data(app, users, fixed_now, count_queries):
    client = desk(app, users.manager)
    with count_queries() as empty:
        assert client.get("/office/dashboard").status_code == 200
    for _ in range(3):
        sample(users)
    write(*[visit(write(("customer", {"name": f"K{n}", "segment": "B"}))[0], users.rep2, "2026-11-10T08:00:00Z")
            for n in range(5)])
    with count_queries() as full:
        assert client.get("/office/dashboard").status_code == 200
    assert full[0] == empty[0]
