"""The kept feed bytes: a poll of an unchanged feed builds nothing, any change to it shows at once."""
from datetime import timedelta

import pytest
from test_calendar_feed import customer, delete, edit, feed_url, parse, path_of, summaries, visit

from server.calendar import feed as feed_module
from server.calendar.cache import LRU
from server.extensions import db
from server.models import utcnow


@pytest.fixture
def builds(monkeypatch):
    """Count the feeds serialised (the work the cache saves), not the time they take."""
    made = []
    real = feed_module.feed_bytes

    def counting(*args, **kwargs):
        made.append(args[2].team)
        return real(*args, **kwargs)
    monkeypatch.setattr(feed_module, "feed_bytes", counting)
    return made


def test_polls_of_an_unchanged_feed_build_it_once(client, users, create_record, builds):
    cid = customer(create_record, users.rep)
    visit(create_record, users.rep, cid, title="Kevään esittely")
    url = feed_url(client, users.rep_h)
    first = client.get(url)
    assert len(parse(first)) == 1 and len(builds) == 1
    again = client.get(url)
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    customer(create_record, users.rep2, name="Toisen myyjän asiakas")  # moves the counter, not this feed
    visit(create_record, users.rep2, cid, title="Toisen myyjän käynti")
    later = client.get(url)
    assert later.data == first.data and later.headers["ETag"] == first.headers["ETag"]
    assert len(builds) == 1


def test_an_edit_a_customer_change_and_a_delete_show_in_the_next_poll(client, users, create_record, builds):
    cid = customer(create_record, users.rep)
    vid = visit(create_record, users.rep, cid, title="Ensimmäinen")
    url = feed_url(client, users.rep_h)
    first = client.get(url)
    assert summaries(parse(first)) == {"Käynti: Kahvila Äänekoski – Ensimmäinen"}
    edit(users.rep, "activity", vid, notes="Uusi muistiinpano")
    assert "Uusi muistiinpano" in client.get(url).data.decode()
    edit(users.rep, "customer", cid, street="Torikatu 9")
    changed = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    [event] = parse(changed).values()
    assert str(event["LOCATION"]) == "Torikatu 9, 44100 Äänekoski"
    delete(users.rep, "activity", vid)
    assert parse(client.get(url)) == {}
    assert len(builds) == 4


def test_the_window_moving_to_a_new_day_drops_a_visit_that_fell_out(client, users, create_record, builds,
                                                                     monkeypatch):
    cid = customer(create_record, users.rep)
    oldest = visit(create_record, users.rep, cid, days=-90, title="Vanhin")
    url = feed_url(client, users.rep_h)
    assert set(parse(client.get(url))) == {f"activity-{oldest}@kentta"}
    monkeypatch.setattr(feed_module, "utcnow", lambda: utcnow() + timedelta(days=1))
    assert parse(client.get(url)) == {}  # nothing was written, yet tomorrow's window starts a day later
    assert len(builds) == 2


def test_a_renamed_rep_shows_in_the_team_feed(client, users, make_user, create_record, builds):
    liisa = make_user("rep", name="Liisa Myyjä")
    visit(create_record, liisa, customer(create_record, liisa), title="Esittely")
    team = path_of(client.get("/api/me/calendar", headers=users.manager_h).json["team_https"])
    assert summaries(parse(client.get(team))) == {"Liisa Myyjä · Käynti: Kahvila Äänekoski – Esittely"}
    liisa.name = "Liisa Virtanen"  # users are no synced records: no version moves
    db.session.commit()
    assert summaries(parse(client.get(team))) == {"Liisa Virtanen · Käynti: Kahvila Äänekoski – Esittely"}
    assert builds == [True, True]


def test_the_users_language_and_the_public_address_are_part_of_the_feed(app, client, users, create_record):
    cid = customer(create_record, users.rep)
    visit(create_record, users.rep, cid, title="Esittely")
    url = feed_url(client, users.rep_h)
    assert summaries(parse(client.get(url))) == {"Käynti: Kahvila Äänekoski – Esittely"}
    users.rep.locale = "en"
    db.session.commit()
    [event] = parse(client.get(url)).values()
    assert str(event["SUMMARY"]) == "Visit: Kahvila Äänekoski – Esittely"
    app.config["PUBLIC_BASE_URL"] = "https://crm.example.fi"
    [event] = parse(client.get(url)).values()
    assert str(event["URL"]) == f"https://crm.example.fi/#/customers/{cid}"


def test_the_lru_keeps_the_recently_used_within_its_entry_and_size_bounds():
    lru = LRU(max_entries=3, max_size=10, size=len)
    for key in "abc":
        lru.put(key, b"xx")
    assert lru.get("a") == b"xx"         # a is now the most recent
    lru.put("d", b"xx")                  # four entries: b, the least recent, goes
    assert lru.get("b") is None and [lru.get(k) for k in "acd"] == [b"xx"] * 3
    lru.put("e", b"x" * 7)               # 13 bytes: the least recent go until 10 fit
    assert len(lru) == 2 and lru.size == 9 and lru.get("e") and lru.get("d")
    lru.put("huge", b"x" * 11)           # larger than the whole budget: not kept, nothing pushed out
    assert lru.get("huge") is None and len(lru) == 2
    lru.put("d", b"x")                   # replacing a value frees the old one's size
    assert lru.size == 8
