"""The weekly visit-quality points of one rep, computed from plain dicts (pure: no session, no Flask).

A visit is a dict of one activity the rep owns (any type: visit, call, meeting ...), not deleted:
    {"customer": "Acme Oy", "type": "visit", "status": "done", "title": "Acme Oy – Tampere – huolto",
     "starts_at": aware datetime, "notes": "...", "outcome": "...", "next_step": "...",
     "status_at": aware datetime when the current status was set (its field stamp) or None,
     "starts_at_set": aware datetime when the current start time was set or None}
"The week's visits" are those whose start falls in the local Monday–Sunday week. None known for a
stamp (rows older than field stamps) is read in the rep's favour.

The six points (five, plus a bonus), one small function each:
 1. closed_by_noon  every visit of the week is out of "planned" by Monday 12:00 after the week;
 2. notes_written   the week has a done visit, and every done visit has notes;
 3. titles_named    every title names the customer and at least two more words (site, purpose);
 4. types_set       every visit has a type other than "other";
 5. planned_ahead   each of the three following weeks held a visit at the end of this week;
 6. good_notes      bonus: every done visit has notes of 40+ characters, or its outcome or next step.
A week without visits earns none of 1–4 (nor 2 and 6, which need a done visit); 5 can still be earned.
"""
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

POINTS = ("closed", "notes", "titles", "types", "ahead", "good_notes")
GOOD_NOTES_CHARS = 40
AHEAD_WEEKS = 3
CLOSE_BY = time(12, 0)  # Monday noon, local: the manager's Monday check
_WORD = re.compile(r"\w+")


def closed_by_noon(visits: list, deadline: datetime) -> bool:
    """Point 1: every visit left "planned" before the deadline (status stamp at or before it)."""
    return bool(visits) and all(
        v["status"] != "planned" and (v.get("status_at") is None or v["status_at"] <= deadline) for v in visits)


def _done(visits: list) -> list:
    return [v for v in visits if v["status"] == "done"]


def _filled(text) -> bool:
    return bool(text and str(text).strip())


def notes_written(visits: list) -> bool:
    """Point 2: there is a done visit and every done visit has non-empty notes."""
    done = _done(visits)
    return bool(done) and all(_filled(v.get("notes")) for v in done)


def title_names_customer(title: str, customer: str) -> bool:
    """True when the title holds the customer's name (any case) and two more words: site and purpose.

    The app writes "customer – site – purpose"; "Acme Oy – meeting" or "Meeting" alone fail.
    """
    name = (customer or "").casefold().strip()
    text = (title or "").casefold()
    if not name or name not in text:
        return False
    return len(_WORD.findall(text.replace(name, " ", 1))) >= 2


def titles_named(visits: list) -> bool:
    """Point 3: every visit of the week has a title naming customer, site and purpose."""
    return bool(visits) and all(title_names_customer(v.get("title"), v.get("customer")) for v in visits)


def types_set(visits: list) -> bool:
    """Point 4: every visit of the week has a type, and not "other"."""
    return bool(visits) and all(v.get("type") and v["type"] != "other" for v in visits)


def stood_planned(visit: dict, cutoff: datetime) -> bool:
    """True when the visit was on the calendar, at its present start, at the cutoff and not cancelled."""
    set_at = visit.get("starts_at_set")
    if set_at is not None and set_at > cutoff:
        return False  # planned (or moved here) only later: it did not stand there at the week's end
    status_at = visit.get("status_at")
    cancelled_by_then = visit["status"] == "cancelled" and (status_at is None or status_at <= cutoff)
    return not cancelled_by_then


def planned_ahead(ahead: list, cutoff: datetime) -> bool:
    """Point 5: each following week (a list of visit lists) held at least one visit at the cutoff."""
    return len(ahead) == AHEAD_WEEKS and all(any(stood_planned(v, cutoff) for v in week) for week in ahead)


def good_notes(visits: list) -> bool:
    """Bonus point 6: there is a done visit and each has 40+ characters of notes, an outcome or a next step."""
    done = _done(visits)
    return bool(done) and all(len((v.get("notes") or "").strip()) >= GOOD_NOTES_CHARS
                              or _filled(v.get("outcome")) or _filled(v.get("next_step")) for v in done)


def week_points(visits: list, ahead: list, deadline: datetime, cutoff: datetime) -> dict:
    """{point: bool for each of POINTS, "total": int, "visits": count} for one rep and one week."""
    earned = {"closed": closed_by_noon(visits, deadline), "notes": notes_written(visits),
              "titles": titles_named(visits), "types": types_set(visits),
              "ahead": planned_ahead(ahead, cutoff), "good_notes": good_notes(visits)}
    return {**earned, "total": sum(earned.values()), "visits": len(visits)}


def week_frame(monday: date, tz: ZoneInfo) -> dict:
    """The instants (aware, local zone) that define one week: start, end, the Monday-noon deadline."""
    start = datetime.combine(monday, time(0), tzinfo=tz)
    end = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=tz)
    deadline = datetime.combine(monday + timedelta(days=7), CLOSE_BY, tzinfo=tz)
    return {"monday": monday, "start": start, "end": end, "deadline": deadline}


def split_by_week(visits: list, mondays: list, tz: ZoneInfo) -> dict:
    """{monday: [visits starting in that local week]} for the given Mondays (others dropped)."""
    out = {monday: [] for monday in mondays}
    for visit in visits:
        local = visit["starts_at"].astimezone(tz).date()
        monday = local - timedelta(days=local.weekday())
        if monday in out:
            out[monday].append(visit)
    return out


def rep_weeks(visits: list, mondays: list, tz: ZoneInfo, now: datetime) -> dict:
    """{monday: week_points} for one rep's visits over consecutive Mondays (plus three weeks after).

    The cutoff for point 5 is the week's end, or now for the week still running.
    """
    last = mondays[-1]
    by_week = split_by_week(visits, list(mondays) + [last + timedelta(weeks=k) for k in range(1, AHEAD_WEEKS + 1)], tz)
    out = {}
    for monday in mondays:
        frame = week_frame(monday, tz)
        ahead = [by_week[monday + timedelta(weeks=k)] for k in range(1, AHEAD_WEEKS + 1)]
        out[monday] = week_points(by_week[monday], ahead, frame["deadline"], min(frame["end"], now))
    return out


def trend(current: int | None, previous: int | None) -> int | None:
    """Points gained (+) or lost (-) since the week before; None when either week is unknown."""
    return None if current is None or previous is None else current - previous


def places(scores: list) -> list:
    """Competition places for scores sorted high to low: [5, 5, 3] -> [1, 1, 3]."""
    out = []
    for i, score in enumerate(scores):
        out.append(out[-1] if i and score == scores[i - 1] else i + 1)
    return out
