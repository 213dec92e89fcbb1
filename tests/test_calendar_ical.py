"""The pure iCalendar writer and feed content: fixed records in, bytes read back by two parsers."""
import os
import re
import unicodedata
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar
import vobject
from hypothesis import given, settings
from hypothesis import strategies as st

from server.calendar.content import FeedSettings, feed_bytes, window
from server.calendar.ical import SEQUENCE_MAX, CalendarInfo, Event, calendar_bytes

HEL = ZoneInfo("Europe/Helsinki")
BASE = "https://crm.example.fi"
SETTINGS = FeedSettings(base=BASE)
CONTROL = re.compile(b"[\x00-\x08\x0a-\x1f\x7f]")  # RFC 5545 §3.1: CONTROL
STAMP = datetime(2026, 1, 10, 12, 30, 15)


def helsinki(d: date, hour: int) -> datetime:
    """A Helsinki wall-clock time as the naive UTC instant the database stores."""
    return datetime.combine(d, time(hour), HEL).astimezone(timezone.utc).replace(tzinfo=None)


def activity(**over) -> dict:
    rec = {"id": "11111111-1111-4111-8111-111111111111", "version": 41, "created_at": STAMP, "updated_at": STAMP,
           "customer_id": "cccccccc-cccc-4ccc-8ccc-cccccccccccc", "type": "visit", "status": "planned",
           "title": "Kevätesittely, uutuudet; hinnasto", "starts_at": helsinki(date(2026, 1, 15), 9),
           "ends_at": helsinki(date(2026, 1, 15), 10), "location": None, "notes": "Ovikoodi 1234\nKahvit: kyllä",
           "outcome": None, "next_step": "Lähetä tarjous perjantaina", "customer_name": "Kahvila Äänekoski",
           "street": "Kauppakatu 1", "postal_code": "44100", "city": "Äänekoski", "country": "FI",
           "customer_phone": "+358 14 123 4567", "contact_name": "Päivi Öhman", "contact_role": "omistaja",
           "contact_phone": "+358 50 765 4321"}
    rec.update(over)
    return rec


def task(**over) -> dict:
    rec = {"id": "22222222-2222-4222-8222-222222222222", "version": 7, "created_at": STAMP, "updated_at": STAMP,
           "customer_id": "cccccccc-cccc-4ccc-8ccc-cccccccccccc", "kind": "follow_up",
           "title": "Soita: onko toimitus kunnossa?", "due_on": date(2026, 1, 20), "notes": None,
           "customer_name": "Kahvila Äänekoski", "street": "Kauppakatu 1", "postal_code": "44100",
           "city": "Äänekoski", "country": "FI", "customer_phone": "+358 14 123 4567"}
    rec.update(over)
    return rec


def parse_both(body: bytes):
    """(icalendar VEVENTs by UID, vobject VEVENTs by UID): both parsers must accept the bytes."""
    cal = icalendar.Calendar.from_ical(body)
    vcal = vobject.readOne(body.decode("utf-8"))
    ical_events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    vobj_events = {e.uid.value: e for e in vcal.vevent_list}
    assert set(ical_events) == set(vobj_events)
    return cal, ical_events, vcal, vobj_events


def assert_wire_format(body: bytes):
    assert body.endswith(b"\r\n") and b"\n" not in body.replace(b"\r\n", b"")
    assert b"\r" not in body.replace(b"\r\n", b"")
    assert not CONTROL.search(body.replace(b"\r\n", b"")), "a control character other than tab"
    for line in body.split(b"\r\n"):
        assert len(line) <= 75, line
        line.decode("utf-8")  # a fold never cuts a character in two


def test_a_feed_parses_in_both_parsers_with_every_field():
    body = feed_bytes([activity(), activity(id="33333333-3333-4333-8333-333333333333", status="cancelled",
                                            title="Peruttu käynti")], [task()], SETTINGS, "Liisa Myyjä")
    assert_wire_format(body)
    cal, events, vcal, vevents = parse_both(body)
    assert str(cal["X-WR-CALNAME"]) == "Kenttä – Liisa Myyjä"
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in body.decode() and "X-PUBLISHED-TTL:PT1H\r\n" in body.decode()
    visit = events["activity-11111111-1111-4111-8111-111111111111@kentta"]
    assert visit["SUMMARY"] == "Käynti: Kahvila Äänekoski – Kevätesittely, uutuudet; hinnasto"
    assert visit["LOCATION"] == "Kauppakatu 1, 44100 Äänekoski"
    assert int(visit["SEQUENCE"]) == 41 and visit["STATUS"] == "CONFIRMED"
    for prop in ("DTSTAMP", "LAST-MODIFIED", "CREATED"):
        assert visit.decoded(prop) == STAMP.replace(tzinfo=timezone.utc)
    text = str(visit["DESCRIPTION"])
    for part in ("Päivi Öhman", "+358 50 765 4321", "Ovikoodi 1234\nKahvit: kyllä", "Lähetä tarjous perjantaina",
                 f"{BASE}/#/customers/cccccccc-cccc-4ccc-8ccc-cccccccccccc"):
        assert part in text
    assert vevents[str(visit["UID"])].description.value == text  # the second parser reads the same text
    cancelled = events["activity-33333333-3333-4333-8333-333333333333@kentta"]
    assert cancelled["STATUS"] == "CANCELLED" and vevents[str(cancelled["UID"])].status.value == "CANCELLED"
    todo = events["task-22222222-2222-4222-8222-222222222222@kentta"]
    assert todo.decoded("DTSTART") == date(2026, 1, 20) and todo.decoded("DTEND") == date(2026, 1, 21)
    assert vevents[str(todo["UID"])].dtstart.value == date(2026, 1, 20)
    assert todo["SUMMARY"] == "Seuranta: Kahvila Äänekoski – Soita: onko toimitus kunnossa?"
    assert todo["TRANSP"] == "TRANSPARENT" and "+358 14 123 4567" in str(todo["DESCRIPTION"])


def test_nine_in_helsinki_is_seven_utc_in_winter_and_six_in_summer():
    winter = activity(id="w", starts_at=helsinki(date(2026, 1, 15), 9), ends_at=None)
    summer = activity(id="s", starts_at=helsinki(date(2026, 7, 15), 9), ends_at=None)
    _cal, events, _vcal, vevents = parse_both(feed_bytes([winter, summer], [], SETTINGS, "x"))
    for uid, utc_hour in (("activity-w@kentta", 7), ("activity-s@kentta", 6)):
        start = events[uid].decoded("DTSTART")
        assert start.utcoffset() == timedelta(0) and start.hour == utc_hour
        assert start.astimezone(HEL).hour == 9 and vevents[uid].dtstart.value.astimezone(HEL).hour == 9
        assert events[uid].decoded("DTEND") - start == timedelta(hours=1)  # a visit without an end gets an hour


def test_summary_names_the_customer_once_and_the_rep_in_the_team_feed():
    rec = activity(title="Kahvila Äänekoski – keskusta – esittely", owner_name="Liisa Myyjä")
    body = feed_bytes([rec], [], FeedSettings(base=BASE, team=True, lang="en"), "Manager")
    _cal, events, _vcal, _v = parse_both(body)
    [event] = events.values()
    assert str(event["UID"]).endswith("@team.kentta")
    assert event["SUMMARY"] == "Liisa Myyjä · Visit: Kahvila Äänekoski – keskusta – esittely"
    assert "Rep: Liisa Myyjä" in str(event["DESCRIPTION"])


def test_long_lines_fold_at_75_octets_without_splitting_finnish_letters():
    title = "Äänekosken Öljynvaihtopiste – ÅÄÖ " * 20
    body = feed_bytes([activity(title=title, customer_name="")], [], SETTINGS, "x")
    assert_wire_format(body)
    lines = body.split(b"\r\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(b"SUMMARY:"))
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith(b" "))
    assert end - start > 5 and all(lines[i].startswith(b" ") for i in range(start + 1, end))
    unfolded = b"".join([lines[start], *(line[1:] for line in lines[start + 1:end])]).decode()
    assert unfolded == "SUMMARY:Käynti: " + title.strip()
    assert b"SEQUENCE:41" in lines  # a short line stays whole


def test_a_backslash_before_a_capital_n_stays_a_backslash():
    # icalendar alone writes the text C:\New as C:\new on the wire, which parsers read as a line break
    text = "Tiedosto C:\\New\\Tarjous.pdf, rivi \\N ja \\n"
    body = feed_bytes([activity(title=text, notes=text, customer_name="")], [], SETTINGS, text)
    _cal, events, _vcal, vevents = parse_both(body)
    [(uid, event)] = events.items()
    assert str(event["SUMMARY"]) == vevents[uid].summary.value == f"Käynti: {text}"
    assert f"Muistiinpanot: {text}\n" in str(event["DESCRIPTION"]) == vevents[uid].description.value


@settings(max_examples=int(os.environ.get("KENTTA_ICAL_EXAMPLES", 150)), deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=300))
def test_any_text_survives_both_parsers(value):
    body = feed_bytes([activity(title=value, customer_name="", notes=value)], [], SETTINGS, value)
    assert_wire_format(body)
    _cal, events, _vcal, vevents = parse_both(body)
    [(uid, event)] = events.items()
    title = " ".join("".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in value).split())
    assert str(event["SUMMARY"]) == vevents[uid].summary.value == f"Käynti: {title}"
    notes = value.replace("\r\n", "\n").replace("\r", "\n")
    notes = "".join(ch for ch in notes if ch in "\t\n" or unicodedata.category(ch) != "Cc").strip()
    described = str(event["DESCRIPTION"])
    assert described == vevents[uid].description.value
    assert not notes or f"Muistiinpanot: {notes}\n" in described


def test_sequence_is_clamped_to_a_32_bit_integer():
    ev = Event(uid="u", sequence=2**40, stamp=STAMP, modified=STAMP, created=None, start=STAMP,
               end=STAMP + timedelta(hours=1), summary="s")
    body = calendar_bytes(CalendarInfo(name="n"), [ev])
    assert int(icalendar.Calendar.from_ical(body).walk("VEVENT")[0]["SEQUENCE"]) == SEQUENCE_MAX


def test_window_is_90_days_back_to_365_ahead_in_local_days():
    now = datetime(2026, 3, 29, 21, 30)  # 00:30 on 30 March in Helsinki, the night clocks went forward
    win = window(now, "Europe/Helsinki")
    assert win.first_day == date(2025, 12, 30) and win.last_day == date(2027, 3, 30)
    assert win.start == datetime(2025, 12, 29, 22, 0)  # winter midnight: UTC+2
    assert win.end == datetime(2027, 3, 30, 21, 0)     # summer midnight: UTC+3
    assert win.today_start == datetime(2026, 3, 29, 21, 0)


def test_foreign_addresses_carry_the_country_and_a_separate_meeting_place_goes_to_the_description():
    rec = activity(street="Drottninggatan 5", postal_code="111 51", city="Stockholm", country="SE",
                   location="Messukeskus, Helsinki")
    _cal, events, _vcal, _v = parse_both(feed_bytes([rec], [], SETTINGS, "x"))
    [event] = events.values()
    assert event["LOCATION"] == "Drottninggatan 5, 111 51 Stockholm, SE"
    assert "Paikka: Messukeskus, Helsinki" in str(event["DESCRIPTION"])
