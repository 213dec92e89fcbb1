"""The Monday nudge (SPEC §7): one reminder per rep per week to close past visits still planned."""
from datetime import datetime, timedelta, timezone

import pytest

from push_receiver import PushReceiver, configure_app
from server.extensions import db
from server.models import User
from server.reminders.run import send_reminders

MONDAY_0730 = datetime(2026, 11, 30, 5, 30, tzinfo=timezone.utc)  # 07:30 in Helsinki (UTC+2)


@pytest.fixture
def env(app, tmp_path, client, users):
    configure_app(app, tmp_path)
    with PushReceiver() as receiver:
        browsers = {name: receiver.browser(name) for name in ("rep-phone", "rep-laptop", "rep2-phone")}
        for name, browser in browsers.items():
            headers = users.rep2_h if name.startswith("rep2") else users.rep_h
            assert client.post("/api/push/subscriptions", json=browser.subscription, headers=headers).status_code == 201
        yield receiver, browsers


def activity(client, headers, customer, starts_at, status="planned"):
    r = client.post("/api/activities", json={"customer_id": customer, "type": "visit", "status": status,
                                             "title": "Aalto – Tampere – maistatus", "starts_at": starts_at},
                    headers=headers)
    assert r.status_code == 201, r.json


@pytest.fixture
def week(client, users):
    """rep: two past visits still planned (one late on Sunday) and one done; rep2: only this week's."""
    cid = client.post("/api/customers", json={"name": "Kahvila Aalto"}, headers=users.rep_h).json["id"]
    activity(client, users.rep_h, cid, "2026-11-25T08:00:00Z")
    activity(client, users.rep_h, cid, "2026-11-29T21:30:00Z")  # Sunday 23:30 local: last week
    activity(client, users.rep_h, cid, "2026-11-24T08:00:00Z", status="done")
    activity(client, users.rep2_h, cid, "2026-11-29T22:30:00Z")  # Monday 00:30 local: this week
    activity(client, users.rep2_h, cid, "2026-11-30T08:00:00Z")
    return cid


def test_monday_morning_nudges_each_rep_with_past_planned_visits_once(env, week):
    receiver, browsers = env
    for moment in (datetime(2026, 11, 29, 10, 0, tzinfo=timezone.utc),    # Sunday
                   datetime(2026, 11, 30, 4, 59, tzinfo=timezone.utc)):   # Monday 06:59 local
        send_reminders(now=moment)
    assert receiver.received == []
    counts = send_reminders(now=MONDAY_0730)
    assert counts["sent"] == 2
    assert not receiver.to(browsers["rep2-phone"])
    for name in ("rep-phone", "rep-laptop"):
        [got] = receiver.to(browsers[name])
        message = browsers[name].decrypt(got.body)
        assert message["title"] == "Sulje viime viikon käynnit"
        assert message["body"].startswith("2 mennyttä käyntiä") and "puoleenpäivään" in message["body"]
        assert message["url"] == "/#/today" and message["task_id"] is None
        headers = {k.lower(): v for k, v in got.headers.items()}
        assert 4 * 3600 <= int(headers["ttl"]) <= 4 * 3600 + 30 * 60  # until noon (the run's clock moves on)
        assert headers["topic"] == "nudge-2026-W49"
    for later in (timedelta(hours=1), timedelta(hours=4)):  # 08:30 and 11:30: already nudged this week
        send_reminders(now=MONDAY_0730 + later)
    assert len(receiver.received) == 2


def test_no_nudge_after_noon_and_a_new_one_next_week(env, week):
    receiver, browsers = env
    send_reminders(now=datetime(2026, 11, 30, 10, 1, tzinfo=timezone.utc))  # 12:01 local
    send_reminders(now=datetime(2026, 12, 1, 5, 30, tzinfo=timezone.utc))   # Tuesday
    assert receiver.received == []
    send_reminders(now=MONDAY_0730 + timedelta(days=7))
    [got] = receiver.to(browsers["rep2-phone"])  # rep2's visits are last week's by now
    assert browsers["rep2-phone"].decrypt(got.body)["body"].startswith("2 mennyttä")
    assert len(receiver.to(browsers["rep-phone"])) == 1


def test_nudge_in_english_with_at_least_an_hour_to_live(env, week, users):
    receiver, browsers = env
    db.session.get(User, users.rep.id).locale = "en-GB"
    db.session.commit()
    send_reminders(now=datetime(2026, 11, 30, 9, 30, tzinfo=timezone.utc))  # 11:30 local
    [got] = receiver.to(browsers["rep-phone"])
    message = browsers["rep-phone"].decrypt(got.body)
    assert message["title"] == "Close last week's visits" and message["body"].startswith("2 past visits")
    assert int({k.lower(): v for k, v in got.headers.items()}["ttl"]) == 3600  # half an hour to noon, but >= 1 h
