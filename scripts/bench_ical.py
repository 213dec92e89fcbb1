#!/usr/bin/env python
"""Measure a 2 000-event calendar feed, kept and rebuilt, against bare icalendar.

    .venv/bin/python scripts/bench_ical.py [--events 2000] [--rounds 15] [--profile]
    DATABASE_URL=postgresql+psycopg://user@host:port/db .venv/bin/python scripts/bench_ical.py

One rep gets 80 % visits and 20 % open tasks inside the feed window, written through the merge
(apply_ops). Measured in the same run, each the median of --rounds repetitions:
- baseline, bare icalendar: icalendar.Event objects with the same properties built from the same
  records (as read by the feed's own query, not timed) and Calendar.to_ical();
- our build: records to bytes (content.py and ical.py, no database, no HTTP);
- the feed request on a miss (the cache emptied first: token, counter, reads, build);
- the feed request after a change elsewhere (the counter moved: the narrow read, then the kept bytes);
- the feed request on a hit (200 from the cache) and a conditional one (304).
Prints each with its ratio to the baseline (below 1: cheaper than bare icalendar). Never fails on
a figure.
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
from server.calendar.cache import feed_cache
from server.calendar.content import FeedSettings, activity_event, feed_bytes, task_event, window
from server.calendar.links import personal_url
from server.config import org_timezone_name
from server.demo import names as N
from server.demo.build import Builder
from server.extensions import db
from server.models import User


def load(app, n_events: int, seed: int):
    """Load a rep with n_events feed events (4 visits : 1 open task) through the merge; return them and the builder."""
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
        return actor, b


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


def change_elsewhere(actor, b: Builder, round_no: int) -> None:
    """Write a customer without visits: the sync counter moves, the feed's bytes stay the same."""
    b.ops.clear()  # the builder keeps the Y-tunnukset it has handed out, so the new one is unique
    b.customer(f"Muualla {round_no}", "customer", "cafe")
    load_ops(actor, b.ops)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="also print cProfile of the missed requests")
    args = parser.parse_args()
    with fresh_databases(("ical",), server_url_from_env()) as urls:
        app = build_app(urls["ical"])
        print(f"== bench_ical on {database_label(urls['ical'])}: {args.events} events, {args.rounds} rounds ==")
        started = time.perf_counter()
        actor, builder = load(app, args.events, args.seed)
        user_id = actor.id
        print(f"setup: {args.events} events (+ customers, contacts) through apply_ops in "
              f"{time.perf_counter() - started:.1f} s")
        with app.test_request_context():
            user = db.session.get(User, user_id)
            path, owner = urlsplit(personal_url(user)).path, user.name
            settings = FeedSettings(base="http://localhost", tz=org_timezone_name())
            win = window(datetime.now(timezone.utc), settings.tz)
            activities, tasks = query.activities(win, user_id), query.open_tasks(win, user_id)
            events = [activity_event(r, settings) for r in activities] + [task_event(r, settings) for r in tasks]
            db.session.remove()
        client = app.test_client()
        bare, build, miss, elsewhere, hit, not_modified = (Watch(), Watch(), Watch(args.profile), Watch(), Watch(),
                                                           Watch())
        first = client.get(path)
        assert first.status_code == 200, first.status_code
        served = icalendar.Calendar.from_ical(first.data).walk("VEVENT")
        if len(served) != len(events) or len(events) < args.events:
            raise SystemExit(f"feed has {len(served)} events, expected {len(events)} (>= {args.events})")
        for round_no in range(args.rounds):
            with bare:
                body = bare_icalendar(events)
            with build:
                feed_bytes(activities, tasks, settings, owner)
            with app.app_context():
                feed_cache().clear()
            with miss:
                response = client.get(path)
            assert response.status_code == 200 and response.data == first.data
            with app.app_context():
                change_elsewhere(actor, builder, round_no)
            with elsewhere:
                response = client.get(path)
            assert response.status_code == 200 and response.data == first.data
            with hit:
                response = client.get(path)
            assert response.status_code == 200 and response.data == first.data
            with not_modified:
                response = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
            assert response.status_code == 304
        base_ms = median_ms(bare)
        print(f"{len(events)} events, {len(first.data) / 1024:.0f} KiB (bare icalendar: {len(body) / 1024:.0f} KiB)")
        for label, watch in ((f"bare icalendar {icalendar.__version__}, build + serialise (baseline)", bare),
                             ("our build, records -> bytes (no database)", build),
                             ("feed request, miss (cache emptied)", miss),
                             ("feed request, changed elsewhere (kept bytes)", elsewhere),
                             ("feed request, hit (200 from the cache)", hit),
                             ("conditional request, hit (304)", not_modified)):
            ms = median_ms(watch)
            print(f"{label:<62} median {ms:8.2f} ms  ratio to baseline {ms / base_ms:6.3f}")
        print(f"a cached poll costs 1/{base_ms / median_ms(hit):.0f} of bare icalendar; "
              f"a miss costs {median_ms(miss) / base_ms:.2f}x bare icalendar")
        miss.report("missed feed requests")
        dispose(app)


if __name__ == "__main__":
    main()
