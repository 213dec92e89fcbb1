#!/usr/bin/env python
"""Measure a 2 000-event calendar feed against serialising the same events with bare icalendar.

    .venv/bin/python scripts/bench_ical.py [--events 2000] [--rounds 15] [--profile]
    DATABASE_URL=postgresql+psycopg://user@host:port/db .venv/bin/python scripts/bench_ical.py

One rep gets 80 % visits and 20 % open tasks inside the feed window, written through the merge
(apply_ops). Measured in the same run, each the median of --rounds repetitions:
- the whole feed request, GET /calendar/<user>/<token>.ics (token check, queries, ETag, bytes);
- a conditional request that answers 304;
- bare icalendar: building icalendar.Event objects with the same properties from the same
  records (as read by the feed's own query, not timed) and Calendar.to_ical().
Prints the figures and the ratio icalendar / feed request (above 1: the whole request is faster
than icalendar's serialising alone). Never fails on a figure.
"""
import argparse
import random
import statistics
import time
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import icalendar
from bench_common import (Watch, build_app, database_label, dispose, fresh_databases, load_ops, make_user,
                          server_url_from_env)

from server.calendar import query
from server.calendar.content import FeedSettings, activity_event, task_event, window
from server.calendar.links import personal_url
from server.config import org_timezone_name
from server.demo import names as N
from server.demo.build import Builder
from server.extensions import db
from server.models import User


def load(app, n_events: int, seed: int):
    """Load a rep with n_events feed events (4 visits : 1 open task) through the merge; return their id."""
    with app.app_context():
        actor, _headers = make_user("rep", "rep@example.com")
        rng = random.Random(seed)
        b = Builder(rng, {"rep1": actor.id, "rep2": actor.id, "manager": actor.id, "service": actor.id},
                    datetime.now(timezone.utc))
        customers = []
        for i in range(max(1, n_events // 10)):
            cid, cust = b.customer(f"{rng.choice(N.CAFES).format(rng.choice(N.WORDS))} {i}", "customer", "cafe")
            customers.append((cid, cust, b.contacts(cid, 1)[0]))
        n_tasks = n_events // 5
        for i in range(n_events - n_tasks):
            cid, cust, contact = customers[i % len(customers)]
            b.visit(cid, cust, contact, b.when(rng.randrange(-85, 360)), rng.choice(["done", "planned", "planned"]))
        for i in range(n_tasks):
            cid, _cust, _contact = customers[i % len(customers)]
            b.task(cid, actor.id, "follow_up", rng.choice([s for s in N.NEXT_STEPS if s]), b.today + timedelta(days=rng.randrange(0, 300)),
                   status="open")
        load_ops(actor, b.ops)
        return actor.id


def bare_icalendar(events) -> bytes:
    """Serialise the same events through icalendar's object model: what using the library costs."""
    cal = icalendar.Calendar()
    for key, value in (("version", "2.0"), ("prodid", "-//Kentta//Kentta CRM//FI"), ("calscale", "GREGORIAN"),
                       ("method", "PUBLISH"), ("x-wr-calname", "Kenttä – Rep"), ("x-published-ttl", "PT1H")):
        cal.add(key, value)
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    for ev in events:
        item = icalendar.Event()
        item.add("uid", ev.uid)
        item.add("sequence", ev.sequence)
        for key, value in (("dtstamp", ev.stamp), ("created", ev.created), ("last-modified", ev.modified)):
            item.add(key, value.replace(tzinfo=timezone.utc))
        if isinstance(ev.start, datetime):
            item.add("dtstart", ev.start.replace(tzinfo=timezone.utc))
            item.add("dtend", ev.end.replace(tzinfo=timezone.utc))
        else:
            item.add("dtstart", ev.start)
            item.add("dtend", ev.end)
        item.add("summary", ev.summary)
        if ev.location:
            item.add("location", ev.location)
        item.add("description", ev.description)
        item.add("url", ev.url)
        item.add("status", ev.status)
        item.add("transp", "OPAQUE" if ev.busy else "TRANSPARENT")
        cal.add_component(item)
    return cal.to_ical()


def median_ms(watch: Watch) -> float:
    return statistics.median(watch.laps) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="also print cProfile of the feed requests")
    args = parser.parse_args()
    with fresh_databases(("ical",), server_url_from_env()) as urls:
        app = build_app(urls["ical"])
        print(f"== bench_ical on {database_label(urls['ical'])}: {args.events} events, {args.rounds} rounds ==")
        started = time.perf_counter()
        user_id = load(app, args.events, args.seed)
        print(f"setup: {args.events} events (+ customers, contacts) through apply_ops in "
              f"{time.perf_counter() - started:.1f} s")
        with app.test_request_context():
            user = db.session.get(User, user_id)
            path = urlsplit(personal_url(user)).path
            settings = FeedSettings(base="http://localhost", tz=org_timezone_name())
            win = window(datetime.now(timezone.utc), settings.tz)
            events = ([activity_event(r, settings) for r in query.activities(win, user_id)]
                      + [task_event(r, settings) for r in query.open_tasks(win, user_id)])
            db.session.remove()
        client = app.test_client()
        feed, not_modified, bare = Watch(args.profile), Watch(), Watch()
        first = client.get(path)
        assert first.status_code == 200, first.status_code
        served = icalendar.Calendar.from_ical(first.data).walk("VEVENT")
        if len(served) != len(events) or len(events) < args.events:
            raise SystemExit(f"feed has {len(served)} events, expected {len(events)} (>= {args.events})")
        for _ in range(args.rounds):
            with feed:
                response = client.get(path)
            assert response.status_code == 200 and response.data == first.data
            with not_modified:
                response = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
            assert response.status_code == 304
            with bare:
                body = bare_icalendar(events)
        feed_ms, bare_ms, nm_ms = median_ms(feed), median_ms(bare), median_ms(not_modified)
        print(f"feed request (200):      median {feed_ms:7.1f} ms, slowest {max(feed.laps) * 1000:.1f} ms, "
              f"{len(first.data) / 1024:.0f} KiB, {len(events)} events")
        print(f"conditional request (304): median {nm_ms:5.1f} ms")
        print(f"bare icalendar {icalendar.__version__} serialise: median {bare_ms:7.1f} ms, "
              f"{len(body) / 1024:.0f} KiB (objects built from the same records; no database, no HTTP)")
        print(f"ratio icalendar / feed request: {bare_ms / feed_ms:.2f} "
              f"(the whole request is {bare_ms / feed_ms:.1f}x as fast as icalendar's serialising alone)")
        feed.report("feed requests")
        dispose(app)


if __name__ == "__main__":
    main()
