"""What a feed says: activity and task records (plain dicts) become events, and the window they
fall in. Pure: no Flask, no database; feed.py supplies the records and the settings.
"""
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from .ical import CalendarInfo, Event, calendar_bytes

DAYS_BACK, DAYS_AHEAD = 90, 365
# An activity without a usable end still needs a length, or calendars draw it as a hairline.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")  # Unicode category Cc
_CONTROL_BUT_LF = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # Cc except tab and newline
MINUTES = {"call": 15, "email": 15, "visit": 60, "meeting": 60, "training": 120, "other": 30}

LABELS = {
    "fi": {"visit": "Käynti", "call": "Puhelu", "email": "Sähköposti", "training": "Koulutus",
           "meeting": "Palaveri", "other": "Muu", "follow_up": "Seuranta", "complaint": "Reklamaatio",
           "sample_order": "Näytetilaus", "spare_part": "Varaosa", "info": "Tiedoksi", "task": "Tehtävä",
           "cancelled": "Peruttu", "rep": "Myyjä", "contact": "Yhteyshenkilö", "phone": "Puhelin",
           "place": "Paikka", "notes": "Muistiinpanot", "outcome": "Tulos", "next_step": "Seuraava askel",
           "card": "Asiakaskortti", "own": "Kenttä – {name}", "team": "Kenttä – tiimi",
           "own_desc": "Käynnit ja avoimet tehtävät Kentästä", "team_desc": "Koko tiimin käynnit Kentästä"},
    "en": {"visit": "Visit", "call": "Call", "email": "E-mail", "training": "Training",
           "meeting": "Meeting", "other": "Other", "follow_up": "Follow-up", "complaint": "Complaint",
           "sample_order": "Sample order", "spare_part": "Spare part", "info": "Info", "task": "Task",
           "cancelled": "Cancelled", "rep": "Rep", "contact": "Contact", "phone": "Phone",
           "place": "Place", "notes": "Notes", "outcome": "Outcome", "next_step": "Next step",
           "card": "Customer card", "own": "Kenttä – {name}", "team": "Kenttä – team",
           "own_desc": "Visits and open tasks from Kenttä", "team_desc": "The whole team's visits from Kenttä"},
}


@dataclass(frozen=True)
class Window:
    first_day: date           # local dates, inclusive
    last_day: date
    start: datetime           # the same bounds as naive UTC instants: start <= starts_at < end
    end: datetime
    today_start: datetime     # midnight today, naive UTC: the window moves on at this instant


@dataclass(frozen=True)
class FeedSettings:
    base: str                 # public origin of the app, for card links
    tz: str = "Europe/Helsinki"
    lang: str = "fi"
    team: bool = False        # team feed: the rep's name goes into SUMMARY, UIDs get their own domain


def window(now: datetime, tz: str) -> Window:
    """Return the window around today in the organisation's time zone: 90 days back, 365 ahead."""
    zone = ZoneInfo(tz)
    aware = now if now.tzinfo else now.replace(tzinfo=timezone.utc)
    today = aware.astimezone(zone).date()
    first, last = today - timedelta(days=DAYS_BACK), today + timedelta(days=DAYS_AHEAD)

    def bound(d: date) -> datetime:
        return datetime.combine(d, time(0), zone).astimezone(timezone.utc).replace(tzinfo=None)
    return Window(first, last, bound(first), bound(last + timedelta(days=1)), bound(today))


def labels(lang: str) -> dict:
    return LABELS.get((lang or "fi")[:2], LABELS["fi"])


def address(rec: dict) -> str | None:
    """Put the customer's postal address on one line; name the country only outside Finland."""
    town = " ".join(p for p in (rec.get("postal_code"), rec.get("city")) if p)
    parts = [p for p in (rec.get("street"), town) if p]
    if parts and rec.get("country") and rec["country"] != "FI":
        parts.append(rec["country"])
    return ", ".join(parts) or None


def one_line(value: str | None) -> str:
    """Turn control characters and runs of white space into single spaces (a SUMMARY is one line)."""
    return " ".join(_CONTROL.sub(" ", value).split()) if value else ""


def block(value: str | None) -> str:
    """Unify newlines and drop the control characters iCalendar forbids; keep the lines."""
    if not value:
        return ""
    return _CONTROL_BUT_LF.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()


def summary(kind_label: str, rec: dict, team: bool) -> str:
    """Join type, customer and title; name the customer once when the title already does."""
    title, customer = one_line(rec.get("title")), one_line(rec.get("customer_name"))
    if customer and customer.casefold() not in title.casefold():
        title = f"{customer} – {title}" if title else customer
    text = f"{kind_label}: {title}"
    if team and rec.get("owner_name"):
        text = f"{rec['owner_name']} · {text}"
    return text


def description(rec: dict, lab: dict, s: FeedSettings, place: str | None) -> str:
    lines = []
    if s.team and rec.get("owner_name"):
        lines.append(f"{lab['rep']}: {rec['owner_name']}")
    if rec.get("contact_name"):
        who = ", ".join(p for p in (rec["contact_name"], rec.get("contact_role"), rec.get("contact_phone")) if p)
        lines.append(f"{lab['contact']}: {who}")
    if not rec.get("contact_phone") and rec.get("customer_phone"):
        lines.append(f"{lab['phone']}: {rec['customer_phone']}")
    if place:
        lines.append(f"{lab['place']}: {place}")
    for key in ("notes", "outcome", "next_step"):
        if block(rec.get(key)):
            lines.append(f"{lab[key]}: {block(rec[key])}")
    lines += ["", f"{lab['card']}: {card(s, rec)}"]
    return "\n".join(lines)


def card(s: FeedSettings, rec: dict) -> str:
    return f"{s.base}/#/customers/{rec['customer_id']}"


def uid(entity: str, rec: dict, s: FeedSettings) -> str:
    """Derive the UID from the record id alone, so it stays the same through every edit."""
    return f"{entity}-{rec['id']}@{'team.' if s.team else ''}kentta"


def activity_event(rec: dict, s: FeedSettings) -> Event:
    """Make a timed event of an activity with a start time."""
    lab = labels(s.lang)
    start, end = rec["starts_at"], rec.get("ends_at")
    if end is None or end <= start:
        end = start + timedelta(minutes=MINUTES.get(rec["type"], 30))
    where = address(rec)
    own_place = (rec.get("location") or "").strip()
    cancelled = rec["status"] == "cancelled"
    kind = lab.get(rec["type"], rec["type"])
    return Event(
        uid=uid("activity", rec, s), sequence=rec["version"], stamp=rec["updated_at"], modified=rec["updated_at"],
        created=rec.get("created_at"), start=start, end=end,
        summary=(f"{lab['cancelled']}: " if cancelled else "") + summary(kind, rec, s.team),
        location=where or own_place or None,
        description=description(rec, lab, s, own_place if own_place and own_place != where else None),
        url=card(s, rec), status="CANCELLED" if cancelled else "CONFIRMED", busy=not cancelled)


def task_event(rec: dict, s: FeedSettings) -> Event:
    """Make an all-day event on an open task's due date (Outlook ignores VTODO in subscriptions)."""
    lab = labels(s.lang)
    kind = lab["task"] if rec.get("kind") in (None, "other") else lab.get(rec["kind"], rec["kind"])
    return Event(
        uid=uid("task", rec, s), sequence=rec["version"], stamp=rec["updated_at"], modified=rec["updated_at"],
        created=rec.get("created_at"), start=rec["due_on"], end=rec["due_on"] + timedelta(days=1),
        summary=summary(kind, rec, s.team), location=address(rec),
        description=description(rec, lab, s, None), url=card(s, rec), busy=False)


def feed_bytes(activities, tasks, s: FeedSettings, owner_name: str) -> bytes:
    """Render the whole feed: records in, iCalendar bytes out."""
    lab = labels(s.lang)
    info = CalendarInfo(name=lab["team"] if s.team else lab["own"].format(name=owner_name),
                        description=lab["team_desc" if s.team else "own_desc"], timezone=s.tz)
    events = [activity_event(r, s) for r in activities] + [task_event(r, s) for r in tasks]
    return calendar_bytes(info, events)
