"""Write iCalendar (RFC 5545) bytes with the icalendar package: events in, a VCALENDAR out.

Pure: no Flask, no database. icalendar escapes TEXT values, formats dates, folds lines at 75
octets and ends them with CRLF; this module only decides what goes in. Serialising is the slow
part of a feed, so feed.py keeps the bytes (cache.py) and rebuilds only when the data changes.
"""
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from icalendar import Calendar, vDatetime, vDDDTypes, vDuration, vInt, vText, vUri
from icalendar import Event as VEvent

SEQUENCE_MAX = 2**31 - 1           # SEQUENCE is an INTEGER: a signed 32-bit value
PRODID = "-//Kentta//Kentta CRM//FI"

# Content lines may not hold control characters other than tab (RFC 5545 §3.1, CONTROL); line
# breaks are kept here because icalendar writes them as \n.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HIDDEN_BACKSLASH = "\x00"         # never in a Text: _FORBIDDEN takes every NUL out


@dataclass(frozen=True)
class Event:
    """One VEVENT. Instants are naive UTC (or aware); `start`/`end` as dates make an all-day event."""

    uid: str
    sequence: int
    stamp: datetime
    modified: datetime
    created: datetime | None
    start: datetime | date
    end: datetime | date
    summary: str
    location: str | None = None
    description: str | None = None
    url: str | None = None
    status: str = "CONFIRMED"      # CONFIRMED | TENTATIVE | CANCELLED
    busy: bool = True              # False: TRANSP:TRANSPARENT, the time stays free


@dataclass(frozen=True)
class CalendarInfo:
    name: str
    description: str | None = None
    timezone: str | None = None    # a display hint only: every time is written in UTC
    refresh: timedelta = timedelta(hours=1)


class Text(vText):
    """A TEXT value with the control characters iCalendar forbids taken out, line breaks kept."""

    __slots__ = ()

    def __new__(cls, value: str):
        if "\r" in value:  # a lone CR is a line break too (icalendar 7.0 writes it bare)
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        return super().__new__(cls, _FORBIDDEN.sub("", value) if _FORBIDDEN.search(value) else value)

    def to_ical(self) -> bytes:
        # icalendar reads a backslash before a capital N as a line break (its spelling of \n), so a
        # user's "C:\New" would come out broken in two: keep backslashes out of its sight.
        if "\\N" not in self:
            return super().to_ical()
        hidden = vText(self.replace("\\", _HIDDEN_BACKSLASH)).to_ical()
        return hidden.replace(_HIDDEN_BACKSLASH.encode(), b"\\\\")


def utc(value: datetime) -> vDatetime:
    """Make an instant a UTC DATE-TIME (form #2, with Z), whole seconds."""
    aware = value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
    return vDatetime(aware.replace(microsecond=0))


def vevent(ev: Event) -> VEvent:
    """Build one VEVENT component."""
    item = VEvent()
    item["UID"] = Text(ev.uid)
    item["SEQUENCE"] = vInt(min(max(ev.sequence, 0), SEQUENCE_MAX))
    item["DTSTAMP"] = utc(ev.stamp)
    if ev.created is not None:
        item["CREATED"] = utc(ev.created)
    item["LAST-MODIFIED"] = utc(ev.modified)
    if isinstance(ev.start, datetime):
        item["DTSTART"], item["DTEND"] = utc(ev.start), utc(ev.end)
    else:  # vDDDTypes of a date carries VALUE=DATE
        item["DTSTART"], item["DTEND"] = vDDDTypes(ev.start), vDDDTypes(ev.end)
    item["SUMMARY"] = Text(ev.summary)
    if ev.location:
        item["LOCATION"] = Text(ev.location)
    if ev.description:
        item["DESCRIPTION"] = Text(ev.description)
    if ev.url:
        item["URL"] = vUri(ev.url)
    item["STATUS"] = vText(ev.status)
    item["TRANSP"] = vText("OPAQUE" if ev.busy else "TRANSPARENT")
    return item


def calendar(info: CalendarInfo, events) -> Calendar:
    """Build the VCALENDAR with its calendar-level properties and one VEVENT per event."""
    cal = Calendar()
    for key, value in (("VERSION", "2.0"), ("PRODID", PRODID), ("CALSCALE", "GREGORIAN"), ("METHOD", "PUBLISH")):
        cal[key] = vText(value)
    cal["NAME"] = cal["X-WR-CALNAME"] = Text(info.name)
    if info.description:
        cal["DESCRIPTION"] = cal["X-WR-CALDESC"] = Text(info.description)
    if info.timezone:
        cal["X-WR-TIMEZONE"] = Text(info.timezone)
    cal["REFRESH-INTERVAL"] = refresh = vDuration(info.refresh)
    refresh.params["VALUE"] = "DURATION"  # RFC 7986 requires it
    cal["X-PUBLISHED-TTL"] = vDuration(info.refresh)
    for ev in events:
        cal.add_component(vevent(ev))
    return cal


def calendar_bytes(info: CalendarInfo, events) -> bytes:
    """Serialise a whole VCALENDAR (UTF-8, folded, CRLF) in the order built."""
    return calendar(info, events).to_ical(sorted=False)
