"""/office/visits: the activity list behind the dashboard's visit figures, its filters and paging."""
import re
from datetime import datetime

import pytest

from office_helpers import desk
from test_office_dashboard import delete, visit, write

pytestmark = pytest.mark.usefixtures("own_contexts")


def titles(page: str) -> list:
    """The Title column of the list, top to bottom."""
    return re.findall(r'<td class="title">([^<]*)</td>', page)


@pytest.fixture
def made(app, users):
    """Two customers and a handful of activities around week 2026-W50 (Helsinki)."""
    north, south = write(("customer", {"name": "Pohjoisen Kauppa"}), ("customer", {"name": "Etelän Tukku"}),
                         at=datetime(2026, 11, 1, 8, 0))
    ids = write(
        visit(north, users.rep, "2026-12-06T22:30:00Z", title="Maanantain käynti"),  # Mon 7.12. 00:30: W50
        visit(north, users.rep, "2026-12-06T21:30:00Z", title="Sunnuntain käynti"),  # Sun 6.12. 23:30: W49
        visit(south, users.rep2, "2026-12-09T08:00:00Z", title="ÄÄNEKOSKEN huolto"),
        visit(south, users.rep2, "2026-12-10T08:00:00Z", status="planned", title="Suunniteltu käynti"),
        visit(south, None, "2026-12-11T08:00:00Z", title="Omistajaton käynti"),
        visit(north, users.rep, "2026-12-08T08:00:00Z", type_="call", title="Puhelu"),
        visit(north, users.rep, "2026-12-08T09:00:00Z", title="Poistettu käynti"),
    )
    delete("activity", ids[-1])
    return {"north": north, "south": south}


def test_a_rep_gets_403_and_service_sees_the_visits_newest_first(app, users, made):
    assert desk(app, users.rep).get("/office/visits").status_code == 403
    page = desk(app, users.service).get("/office/visits").get_data(as_text=True)
    assert titles(page) == ["Omistajaton käynti", "Suunniteltu käynti", "ÄÄNEKOSKEN huolto",
                            "Maanantain käynti", "Sunnuntain käynti"]  # visits only; the call and the deleted one not
    assert f'href="/office/customers/{made["south"]}"' in page and "Etelän Tukku" in page
    assert "5 activities" in page


@pytest.mark.parametrize("query, expected", [
    ("week=2026-W50", ["Omistajaton käynti", "Suunniteltu käynti", "ÄÄNEKOSKEN huolto", "Maanantain käynti"]),
    ("week=2026-W49", ["Sunnuntain käynti"]),
    ("week=2026-W49..2026-W50&status=done&owner={rep}", ["Maanantain käynti", "Sunnuntain käynti"]),
    ("status=planned", ["Suunniteltu käynti"]),
    ("owner=none", ["Omistajaton käynti"]),
    ("owner={rep2}&status=done&week=2026-W50&type=visit", ["ÄÄNEKOSKEN huolto"]),
    ("type=call", ["Puhelu"]),
    ("type=", ["Omistajaton käynti", "Suunniteltu käynti", "ÄÄNEKOSKEN huolto", "Puhelu", "Maanantain käynti",
               "Sunnuntain käynti"]),
    ("q=äänekosken", ["ÄÄNEKOSKEN huolto"]),  # casefolded, beyond ASCII
    ("q=100%25", []),
    ("customer={north}", ["Maanantain käynti", "Sunnuntain käynti"]),
])
def test_filters(app, users, made, query, expected):
    query = query.format(rep=users.rep.id, rep2=users.rep2.id, north=made["north"])
    response = desk(app, users.manager).get(f"/office/visits?{query}")
    assert response.status_code == 200
    assert titles(response.get_data(as_text=True)) == expected


@pytest.mark.parametrize("query, name", [
    ("week=2026-W60", "week"), ("week=49", "week"), ("week=2026-W50..2026-W49", "week"),
    ("status=finished", "status"), ("type=lunch", "type"), ("owner=bob", "owner"),
    ("customer=1%20OR%201=1", "customer"), ("page=0", "page"), ("page=two", "page"), ("page=%C2%B2", "page"),
])
def test_bad_parameters_get_a_400_naming_them(app, users, query, name):
    response = desk(app, users.service).get(f"/office/visits?{query}")
    assert response.status_code == 400
    assert f"Bad parameter {name}=" in response.get_data(as_text=True)


def test_fifty_a_page_with_a_pager_and_the_same_queries_for_any_page(app, users, count_queries):
    [cust] = write(("customer", {"name": "Iso asiakas"}))
    write(*[visit(cust, users.rep, f"2026-11-{1 + n // 3:02d}T{8 + n % 3:02d}:00:00Z", title=f"Käynti {n:02d}")
            for n in range(51)])
    client = desk(app, users.service)
    mine = "/office/visits?owner=" + users.rep.id  # outside the count: it may reload the user
    with count_queries() as first:
        page = client.get(mine).get_data(as_text=True)
    shown = titles(page)
    assert len(shown) == 50 and shown[0] == "Käynti 50" and shown[-1] == "Käynti 01"
    assert "Page 1 of 2" in page and "51 activities" in page
    next_link = re.search(r'<a href="([^"]+)" rel="next">', page).group(1).replace("&amp;", "&")
    assert f"owner={users.rep.id}" in next_link and "page=2" in next_link
    with count_queries() as second:
        page = client.get(next_link).get_data(as_text=True)
    assert titles(page) == ["Käynti 00"] and 'rel="prev"' in page and 'rel="next"' not in page
    assert first[0] == second[0] == 4  # the logged-in user, the count, the page, the rep menu
