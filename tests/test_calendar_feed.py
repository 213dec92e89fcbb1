"""The subscribed feeds over HTTP: secret URLs, who sees what, edits, deletes, conditional requests."""
from datetime import date, datetime, time, timedelta, timezone
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
import vobject

from server.calendar.links import TEAM, feed_token
from server.extensions import db
from server.permissions import Actor

HEL = ZoneInfo("Europe/Helsinki")


def iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def in_days(days: int, hour: int = 10) -> datetime:
    return datetime.combine(datetime.now(HEL).date() + timedelta(days=days), time(hour), HEL)


def path_of(url: str) -> str:
    return urlsplit(url).path


def feed_url(client, headers) -> str:
    return path_of(client.get("/api/me", headers=headers).json["calendar_url"])


def parse(response):
    """Both parsers must read the feed; return {UID: icalendar VEVENT} and check the wire format."""
    assert response.status_code == 200, response.data[:200]
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.data
    assert body.endswith(b"\r\n") and b"\n" not in body.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    cal = icalendar.Calendar.from_ical(body)
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    vcal = vobject.readOne(body.decode("utf-8"))
    assert {e.uid.value for e in getattr(vcal, "vevent_list", [])} == set(events)
    return events


def summaries(events) -> set:
    return {str(e["SUMMARY"]) for e in events.values()}


def customer(create_record, user, **fields):
    values = {"name": "Kahvila Äänekoski", "street": "Kauppakatu 1", "postal_code": "44100", "city": "Äänekoski",
              "phone": "+358 14 123 4567"}
    return create_record("customer", user, **{**values, **fields})


def visit(create_record, user, customer_id, days=2, **fields):
    values = {"customer_id": customer_id, "type": "visit", "status": "planned", "title": f"Käynti {days}",
              "starts_at": iso(in_days(days))}
    return create_record("activity", user, **{**values, **fields})


def edit(user, entity, record_id, **fields):
    from server.operations import write_one  # imported late: server.api and server.operations import each other
    return write_one(Actor(id=user.id, role=user.role), entity, record_id, "put", fields)


def delete(user, entity, record_id):
    from server.operations import write_one
    return write_one(Actor(id=user.id, role=user.role), entity, record_id, "delete", {})


def test_me_gives_a_secret_url_that_serves_the_feed_without_login(client, users, create_record):
    cid = customer(create_record, users.rep)
    contact = create_record("contact", users.rep, customer_id=cid, name="Päivi Öhman", phone="+358 50 765 4321")
    visit(create_record, users.rep, cid, title="Kevään esittely", contact_id=contact, notes="Ovikoodi 1234",
          next_step="Lähetä tarjous")
    url = client.get("/api/me", headers=users.rep_h).json["calendar_url"]
    assert url.startswith("http://") and url.endswith(".ics") and users.rep.id in url
    response = client.get(path_of(url))  # no Authorization header, no cookie
    events = parse(response)
    [event] = events.values()
    assert str(event["SUMMARY"]) == "Käynti: Kahvila Äänekoski – Kevään esittely"
    assert str(event["LOCATION"]) == "Kauppakatu 1, 44100 Äänekoski"
    text = str(event["DESCRIPTION"])
    for part in ("Päivi Öhman", "+358 50 765 4321", "Ovikoodi 1234", "Lähetä tarjous", f"/#/customers/{cid}"):
        assert part in text
    assert "Äänekoski".encode() in response.data  # Finnish letters intact, as UTF-8
    assert response.headers["ETag"] and response.headers["Last-Modified"]


def test_a_reps_feed_holds_their_own_visits_and_open_tasks_in_the_window_only(client, users, create_record):
    cid = customer(create_record, users.rep)
    mine = {visit(create_record, users.rep, cid, days=d) for d in (-89, 0, 364)}
    mine.add(visit(create_record, users.rep, cid, days=5, status="cancelled"))
    mine.add(visit(create_record, users.rep, cid, days=-3, status="done", type="call"))
    for days in (-92, 367):
        visit(create_record, users.rep, cid, days=days)
    create_record("activity", users.rep, customer_id=cid, type="visit", title="Ilman aikaa")  # no start time
    visit(create_record, users.rep2, cid, title="Toisen myyjän käynti")
    tasks = {create_record("task", users.rep, customer_id=cid, title="Soita perään", kind="follow_up",
                           due_on=(date.today() + timedelta(days=4)).isoformat())}
    create_record("task", users.rep, customer_id=cid, title="Tehty jo", status="done", due_on=date.today().isoformat())
    create_record("task", users.rep, customer_id=cid, title="Ei päivää")
    create_record("task", users.rep2, customer_id=cid, title="Toisen tehtävä", due_on=date.today().isoformat())
    events = parse(client.get(feed_url(client, users.rep_h)))
    assert set(events) == {f"activity-{i}@kentta" for i in mine} | {f"task-{i}@kentta" for i in tasks}
    assert not any("Toisen" in s for s in summaries(events))
    cancelled = [e for e in events.values() if e["STATUS"] == "CANCELLED"]
    assert len(cancelled) == 1 and str(cancelled[0]["SUMMARY"]).startswith("Peruttu: Käynti")
    [todo] = [e for uid, e in events.items() if uid.startswith("task-")]
    assert todo.decoded("DTSTART") == date.today() + timedelta(days=4)


def test_an_edit_keeps_the_uid_and_grows_the_sequence_and_a_delete_drops_the_visit(client, users, create_record):
    cid = customer(create_record, users.rep)
    vid = visit(create_record, users.rep, cid, title="Ensimmäinen")
    other = visit(create_record, users.rep, cid, days=3, title="Toinen")
    url = feed_url(client, users.rep_h)
    first = client.get(url)
    before = parse(first)[f"activity-{vid}@kentta"]
    edit(users.rep, "activity", vid, title="Muutettu otsikko", starts_at=iso(in_days(2, hour=13)))
    second = client.get(url)
    after = parse(second)[f"activity-{vid}@kentta"]
    assert str(after["SUMMARY"]).endswith("Muutettu otsikko")
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after.decoded("DTSTART") == in_days(2, hour=13)
    assert after.decoded("LAST-MODIFIED") >= before.decoded("LAST-MODIFIED")
    assert second.headers["ETag"] != first.headers["ETag"]
    delete(users.rep, "activity", vid)
    third = client.get(url)
    assert set(parse(third)) == {f"activity-{other}@kentta"}
    assert third.headers["ETag"] != second.headers["ETag"]
    delete(users.manager, "customer", cid)  # the customer's visits go with it (cascade)
    assert parse(client.get(url)) == {}


def test_a_customer_edit_reaches_the_location_and_the_etag(client, users, create_record):
    cid = customer(create_record, users.rep)
    visit(create_record, users.rep, cid)
    url = feed_url(client, users.rep_h)
    first = client.get(url)
    edit(users.rep, "customer", cid, street="Torikatu 9", city="Jyväskylä", postal_code="40100")
    second = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    [event] = parse(second).values()
    assert str(event["LOCATION"]) == "Torikatu 9, 40100 Jyväskylä"


def test_an_unchanged_feed_answers_304_to_conditional_requests(client, users, create_record):
    cid = customer(create_record, users.rep)
    vid = visit(create_record, users.rep, cid)
    url = feed_url(client, users.rep_h)
    first = client.get(url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    for headers in ({"If-None-Match": etag}, {"If-None-Match": f'"nope", W/{etag}'},
                    {"If-Modified-Since": modified}, {"If-None-Match": etag, "If-Modified-Since": modified}):
        again = client.get(url, headers=headers)
        assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag, headers
    assert client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200
    edit(users.rep, "activity", vid, notes="Uusi muistiinpano")
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "Uusi muistiinpano" in changed.data.decode()
    assert changed.headers["ETag"] != etag


def test_rotating_the_token_kills_the_old_urls(client, users):
    old_own = feed_url(client, users.manager_h)
    old_team = path_of(client.get("/api/me/calendar", headers=users.manager_h).json["team_https"])
    assert client.get(old_own).status_code == 200 and client.get(old_team).status_code == 200
    rotated = client.post("/api/me/calendar-token", headers=users.manager_h)
    assert rotated.status_code == 201
    new_own, new_team = path_of(rotated.json["calendar_url"]), path_of(rotated.json["team_https"])
    assert new_own != old_own and new_team != old_team
    assert client.get(old_own).status_code == 404 and client.get(old_team).status_code == 404
    assert client.get(new_own).status_code == 200 and client.get(new_team).status_code == 200
    assert feed_url(client, users.manager_h) == new_own


def test_a_wrong_token_user_or_role_gets_404(app, client, users):
    own = feed_url(client, users.rep_h)
    rep2_token = feed_url(client, users.rep2_h).rsplit("/", 1)[1]
    with app.test_request_context():
        rep_team_token = feed_token(users.rep, TEAM)
    for path in (own[:-8] + "0000.ics",                                   # a wrong token
                 f"/calendar/{users.rep.id}/{rep2_token}",                # another user's token
                 f"/calendar/00000000-0000-4000-8000-000000000000/{own.rsplit('/', 1)[1]}",
                 f"/calendar/team/{users.rep.id}/{rep_team_token}.ics",   # a rep has no team feed
                 f"/calendar/team/{users.rep.id}/{own.rsplit('/', 1)[1]}",  # the personal token is not the team's
                 "/calendar/" + "x" * 80 + "/y.ics"):
        response = client.get(path)
        assert response.status_code == 404 and b"BEGIN:VCALENDAR" not in response.data, path
    calendar_token = own.rsplit("/", 1)[1].removesuffix(".ics")
    assert client.get("/api/me", headers={"Authorization": f"Bearer {calendar_token}"}).status_code == 401
    users.rep.active = False
    db.session.commit()
    assert client.get(own).status_code == 404


def test_managers_get_a_team_feed_with_every_reps_visits(client, make_user, login, create_record, users):
    liisa, pekka = make_user("rep", name="Liisa Myyjä"), make_user("rep", name="Pekka Pälli")
    cid = customer(create_record, liisa)
    visit(create_record, liisa, cid, title="Liisan käynti")
    visit(create_record, pekka, cid, title="Pekan käynti", days=4)
    create_record("task", liisa, customer_id=cid, title="Oma tehtävä", due_on=date.today().isoformat())
    assert set(client.get("/api/me/calendar", headers=login(liisa)).json) == {"https", "webcal"}
    assert "team_calendar_url" not in client.get("/api/me", headers=login(liisa)).json
    links = client.get("/api/me/calendar", headers=users.manager_h).json
    assert client.get("/api/me", headers=users.manager_h).json["team_calendar_url"] == links["team_https"]
    assert links["webcal"] == "webcal://" + links["https"].split("://", 1)[1]
    assert links["team_webcal"] == "webcal://" + links["team_https"].split("://", 1)[1]
    team = parse(client.get(path_of(links["team_https"])))
    assert summaries(team) == {"Liisa Myyjä · Käynti: Kahvila Äänekoski – Liisan käynti",
                               "Pekka Pälli · Käynti: Kahvila Äänekoski – Pekan käynti"}
    assert all(uid.endswith("@team.kentta") for uid in team)
    assert parse(client.get(path_of(links["https"]))) == {}  # the manager's own feed: none of these are theirs


def test_nine_oclock_in_helsinki_is_utc_seven_in_winter_and_six_in_summer(client, users, create_record):
    cid = customer(create_record, users.rep)
    days = [datetime.now(HEL).date() + timedelta(days=n) for n in range(1, 365)]
    winter = next(d for d in days if datetime.combine(d, time(9), HEL).utcoffset() == timedelta(hours=2))
    summer = next(d for d in days if datetime.combine(d, time(9), HEL).utcoffset() == timedelta(hours=3))
    ids = {}
    for season, d in (("winter", winter), ("summer", summer)):
        ids[season] = create_record("activity", users.rep, customer_id=cid, type="visit", title=season,
                                    starts_at=iso(datetime.combine(d, time(9), HEL)))
    events = parse(client.get(feed_url(client, users.rep_h)))
    for season, utc_hour in (("winter", 7), ("summer", 6)):
        start = events[f"activity-{ids[season]}@kentta"].decoded("DTSTART")
        assert start.utcoffset() == timedelta(0) and start.hour == utc_hour and start.minute == 0
        assert start.astimezone(HEL).hour == 9


def test_the_feed_takes_the_same_number_of_queries_for_2_and_20_visits(client, users, create_record, count_queries):
    url = feed_url(client, users.rep_h)
    counts = []
    for n in (2, 20):
        cid = customer(create_record, users.rep, name=f"Asiakas {n}")
        for i in range(n // 2):
            contact = create_record("contact", users.rep, customer_id=cid, name=f"Yhteys {i}")
            visit(create_record, users.rep, cid, days=i, contact_id=contact)
            create_record("task", users.rep, customer_id=cid, title=f"Tehtävä {i}", due_on=date.today().isoformat())
        seen = []
        for headers, status in (({}, 200), ({"If-None-Match": '"old"'}, 200), (None, 304), ("elsewhere", 200),
                                (None, 304)):
            if headers == "elsewhere":  # a change the counter sees but this feed does not show
                customer(create_record, users.rep2, name=f"Toisen asiakas {n}")
                headers = {}
            db.session.expire_all()  # each request reads its user, as with a session of its own
            with count_queries() as queries:
                response = client.get(url, headers=headers if headers is not None else {"If-None-Match": etag})
            assert response.status_code == status
            etag = response.headers["ETag"]
            seen.append(queries[0])
        counts.append(seen)
    # Nothing kept yet: user, sync counter, the narrow read (newest change, activities, tasks) and
    # the full one. Nothing changed: user and counter only, for a body as for a 304. Something
    # changed elsewhere: user, counter and the narrow read, whose ETag finds the kept bytes.
    assert counts[0] == counts[1] == [8, 2, 2, 5, 2], counts


def test_links_use_the_public_base_url(app, client, users, create_record):
    app.config["PUBLIC_BASE_URL"] = "https://crm.example.fi/"
    cid = customer(create_record, users.rep)
    visit(create_record, users.rep, cid)
    links = client.get("/api/me/calendar", headers=users.rep_h).json
    assert links["https"].startswith("https://crm.example.fi/calendar/")
    assert links["webcal"].startswith("webcal://crm.example.fi/calendar/")
    [event] = parse(client.get(path_of(links["https"]))).values()
    assert str(event["URL"]) == f"https://crm.example.fi/#/customers/{cid}"
