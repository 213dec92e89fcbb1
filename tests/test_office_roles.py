"""Every back-office route names its lowest role: a rep gets 403 on all but their calendar page, and a
stranger is sent to the login page. Walks the URL map, so a page added later is covered too."""
import uuid

import pytest

from office_helpers import desk

pytestmark = pytest.mark.usefixtures("own_contexts")

# What a rep (and anyone logged in) may open: the login, the calendar page and its link rotation, logout.
OPEN_TO_REPS = {"office.login", "office.logout", "office.home", "office.rotate_calendar", "office.static"}


def office_routes(app):
    """[(endpoint, method, url)] for every office route, with made-up values for its arguments."""
    out = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("office.") or rule.endpoint in OPEN_TO_REPS:
            continue
        values = {arg: _value(rule._converters.get(arg)) for arg in rule.arguments}
        with app.test_request_context():
            url = app.url_map.bind("localhost").build(rule.endpoint, values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            out.append((rule.endpoint, method, url))
    return out


def _value(converter) -> str:
    name = type(converter).__name__
    return "1" if name in ("IntegerConverter", "NumberConverter") else str(uuid.uuid4())


def test_there_are_many_office_routes(app):
    assert len({endpoint for endpoint, _m, _u in office_routes(app)}) >= 20


def test_a_rep_gets_403_on_every_office_route_but_the_calendar(app, users):
    rep = desk(app, users.rep)
    answers = {(endpoint, method): rep.open(url, method=method).status_code for endpoint, method, url in office_routes(app)}
    assert {key: code for key, code in answers.items() if code != 403} == {}
    assert rep.get("/office/").status_code == 200


def test_a_stranger_is_sent_to_the_login_page_everywhere(app):
    stranger = app.test_client()
    for endpoint, method, url in office_routes(app):
        response = stranger.open(url, method=method)
        assert response.status_code in (302, 401), (endpoint, method, response.status_code)
        if response.status_code == 302:
            assert "/office/login" in response.headers["Location"], endpoint
