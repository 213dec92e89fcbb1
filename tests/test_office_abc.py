"""/office/abc: the numbers of the analysis, its filters, Apply through the merge, the audit entry, roles, CSRF."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from office_helpers import csrf_token, desk
from server.extensions import db
from server.models import AuditEntry, Customer
from server.office.task_forms import today_local
from server.operations import write_one
from server.permissions import Actor
from sync_helpers import state

pytestmark = pytest.mark.usefixtures("own_contexts")


@pytest.fixture
def shop(app, users, create_record):
    """Five live customers (sales 700/200/60/40/0 of 1000), an archived one, and sales that do not count."""
    today = today_local()
    ids = {}
    for key, segment in (("big", "A"), ("mid", "B"), ("small", None), ("tiny", "C"), ("none", "A"), ("gone", None)):
        ids[key] = create_record("customer", name=f"Shop {key}", segment=segment, owner_id=users.rep.id,
                                 archived=key == "gone")

    def sale(key, total, status="delivered", days_ago=10):
        return create_record("delivery", customer_id=ids[key], status=status, total=total,
                             delivered_on=(today - timedelta(days=days_ago)).isoformat())
    sale("big", "700.00")
    sale("big", "500.00", days_ago=366)   # more than 12 months ago
    sale("mid", "150.00", days_ago=0)     # today counts
    sale("mid", "50.00", days_ago=364)
    sale("mid", "1000.00", status="ordered")
    sale("small", "60.00")
    sale("tiny", "40.00")
    gone = sale("tiny", "300.00")
    write_one(Actor(id=None, role="admin"), "delivery", gone, "delete", {})
    sale("gone", "5000.00")               # an archived customer is not analysed
    return ids


def _seen(page: str) -> str:
    return re.search(r'name="seen" value="(\d+)"', page).group(1)


def _rows(page: str) -> list:
    table = page.split('data-testid="abc-changes-table"')[1].split("</table>")[0]
    return re.findall(r">Shop (\w+)</a></td>\s*<td class=\"num\">([^<]+)</td><td>([^<]+)</td><td>([^<]+)</td>", table)


def _summary(page: str) -> dict:
    table = page.split('data-testid="abc-summary"')[1].split("</table>")[0]
    return {k: tuple(re.findall(r'<td class="num">([^<]+)</td>', row))
            for k, row in re.findall(r'<tr data-class="(\w+)">(.*?)</tr>', table, re.S)}


def test_the_page_shows_now_and_proposed_and_the_changes(app, users, shop):
    page = desk(app, users.manager).get("/office/abc").get_data(as_text=True)
    assert _summary(page) == {"A": ("2", "70%", "2", "90%"), "B": ("1", "20%", "1", "6%"),
                              "C": ("1", "4%", "1", "4%"), "D": ("0", "0%", "1", "0%"),
                              "none": ("1", "6%", "0", "0%")}
    assert "3 customers would change class" in page and "€1,000.00" in page
    assert _rows(page) == [("mid", "€200.00", "B", "A"), ("small", "€60.00", "–", "B"), ("none", "€0.00", "A", "D")]
    assert 'href="/office/settings"' in page


@pytest.mark.parametrize("query, shown", [
    ("proposed=A", ["mid"]), ("current=none", ["small"]), ("current=A&proposed=D", ["none"]),
    ("q=SMA", ["small"]), ("proposed=C", []),
])
def test_the_change_table_filters(app, users, shop, query, shown):
    page = desk(app, users.manager).get(f"/office/abc?{query}").get_data(as_text=True)
    assert [row[0] for row in _rows(page)] == shown


def test_a_bad_filter_is_named(app, users, shop):
    response = desk(app, users.manager).get("/office/abc?proposed=E&page=x")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "proposed: use one of A, B, C, D." in page and "page: give a page" in page


def _segments(ids) -> dict:
    rows = db.session.execute(select(Customer.id, Customer.segment, Customer.version)).all()
    return {key: next((seg, ver) for cid, seg, ver in rows if cid == ids[key]) for key in ids}


def test_apply_writes_through_the_merge_and_is_audited(app, client, users, shop):
    manager = desk(app, users.manager)
    seen = _seen(manager.get("/office/abc").get_data(as_text=True))
    before = _segments(shop)
    response = manager.post("/office/abc/apply", data={"seen": seen, "classes": ["A", "B", "C", "D"]})
    assert response.status_code == 303
    after = _segments(shop)
    assert {k: seg for k, (seg, _) in after.items()} == {"big": "A", "mid": "A", "small": "B", "tiny": "C",
                                                         "none": "D", "gone": None}
    for key in ("mid", "small", "none"):
        assert after[key][1] > before[key][1]         # a new version a phone pulls
    for key in ("big", "tiny", "gone"):
        assert after[key][1] == before[key][1]
    pulled = state(client, users.rep_h)
    assert pulled[("customer", shop["mid"])]["data"]["segment"] == "A"
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "abc.apply")).all()
    assert entry.actor_id == users.manager.id and "3 customers" in entry.summary
    assert entry.details["results"] == {"applied": 3, "conflict": 0, "rejected": 0}
    page = manager.get("/office/abc").get_data(as_text=True)
    assert "The new class was written to 3 customers." in page and "0 customers would change class" in page


def test_apply_only_the_chosen_classes(app, users, shop):
    manager = desk(app, users.manager)
    seen = _seen(manager.get("/office/abc").get_data(as_text=True))
    assert manager.post("/office/abc/apply", data={"seen": seen, "classes": ["D"]}).status_code == 303
    assert {k: seg for k, (seg, _) in _segments(shop).items() if k in ("mid", "small", "none")} == \
        {"mid": "B", "small": None, "none": "D"}
    response = manager.post("/office/abc/apply", data={"seen": seen})
    assert response.status_code == 400 and "choose at least one proposed class" in response.get_data(as_text=True)
    response = manager.post("/office/abc/apply", data={"classes": "A"})
    assert response.status_code == 400 and "the page&#39;s version is missing" in response.get_data(as_text=True)


def test_an_edit_made_after_the_page_was_read_gets_the_normal_merge(app, users, shop):
    manager = desk(app, users.manager)
    seen = _seen(manager.get("/office/abc").get_data(as_text=True))
    write_one(Actor(id=users.rep.id, role="rep"), "customer", shop["mid"], "put", {"segment": "C"})
    manager.post("/office/abc/apply", data={"seen": seen, "classes": ["A"]})
    # the later edit (Apply) wins, the rep's value is kept in a conflict record
    assert _segments(shop)["mid"][0] == "A"
    entry = db.session.scalars(select(AuditEntry)).one()
    assert entry.details["results"]["conflict"] == 1


@pytest.mark.parametrize("who", ["rep", "service"])
def test_reps_and_service_may_not(app, users, shop, who):
    desk_client = desk(app, getattr(users, who))
    assert desk_client.get("/office/abc").status_code == 403
    assert desk_client.post("/office/abc/apply", data={"seen": "1", "classes": "A"}).status_code == 403
    assert _segments(shop)["mid"][0] == "B"


def test_apply_needs_the_csrf_token(app, users, shop, csrf_on):
    manager = desk(app, users.manager)
    page = manager.get("/office/abc").get_data(as_text=True)
    data = {"seen": _seen(page), "classes": ["A", "B", "C", "D"]}
    assert manager.post("/office/abc/apply", data=data).status_code == 400
    assert _segments(shop)["mid"][0] == "B"
    token = csrf_token(manager, "/office/abc")
    assert manager.post("/office/abc/apply", data={**data, "csrf_token": token}).status_code == 303
    assert _segments(shop)["mid"][0] == "A"
