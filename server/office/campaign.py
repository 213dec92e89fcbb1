"""The team's campaign (name, period, weekly goal, ranking, message) and the weekly encouragement push.

The campaign is one small JSON text in OrgSetting["campaign"] (value is String(500)), so every
field has a length limit and the whole text is checked before it is stored. The encouragement
goes through the reminders queue (reminder_sends): one row per rep's device under the key
"encourage:<ISO week>:<user id>", whose unique (key, subscription) makes a second click or a
second manager queue nothing new; `flask --app server send-reminders` delivers it.
"""
import json
import re
from datetime import date, datetime, timedelta

from flask_babel import force_locale, gettext, ngettext
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from ..models import OrgSetting, ReminderSend, User, WebPushSubscription
from ..reminders.due import naive_utc
from ..reminders.hosts import endpoint_host, endpoint_problem
from ..reminders.messages import fit, language

KEY = "campaign"
NAME_MAX, MESSAGE_MAX, GOAL_MAX, VALUE_MAX = 60, 200, 10000, 500
LONGEST = timedelta(days=366)
KIND = "cheer"  # reminder_sends.kind holds 8 characters
CHEER_TTL = 3 * 24 * 3600  # a phone off over the weekend still gets Monday's message
_WHOLE = re.compile(r"\d{1,9}")


def load(session) -> dict | None:
    """The stored campaign with dates as dates, or None when none is set (or it cannot be read)."""
    row = session.get(OrgSetting, KEY)
    if row is None:
        return None
    try:
        data = json.loads(row.value)
        return {"name": data["name"], "start": date.fromisoformat(data["start"]),
                "end": date.fromisoformat(data["end"]), "goal": int(data["goal"]),
                "ranking": bool(data.get("ranking")), "message": data.get("message") or ""}
    except (ValueError, KeyError, TypeError):
        return None  # a hand-edited row must not take the page down; the form can write a good one


def _day(text):
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


def parse(form) -> tuple[dict, dict]:
    """(campaign, {field: message}) from the submitted form; the campaign is only valid without errors."""
    errors = {}
    name = (form.get("name") or "").strip()
    if not name:
        errors["name"] = gettext("Name: give the campaign a name.")
    elif len(name) > NAME_MAX:
        errors["name"] = gettext("Name: at most %(max)d characters.", max=NAME_MAX)
    start, end = _day(form.get("start")), _day(form.get("end"))
    if start is None:
        errors["start"] = gettext("Start date: enter a date (YYYY-MM-DD).")
    if end is None:
        errors["end"] = gettext("End date: enter a date (YYYY-MM-DD).")
    elif start and end < start:
        errors["end"] = gettext("End date: the end is before the start.")
    elif start and end - start > LONGEST:
        errors["end"] = gettext("End date: a campaign lasts at most a year.")
    goal_text = (form.get("goal") or "").strip()
    goal = int(goal_text) if _WHOLE.fullmatch(goal_text) else 0
    if not 1 <= goal <= GOAL_MAX:
        errors["goal"] = gettext("Weekly goal: a whole number of points from 1 to %(max)d.", max=GOAL_MAX)
    message = (form.get("message") or "").strip()
    if len(message) > MESSAGE_MAX:
        errors["message"] = gettext("Message: too long, %(count)d characters (at most %(max)d).",
                                    count=len(message), max=MESSAGE_MAX)
    campaign = {"name": name, "start": start, "end": end, "goal": goal,
                "ranking": form.get("ranking") in ("on", "1", "true", "y"), "message": message}
    if not errors and len(dumps(campaign)) > VALUE_MAX:  # quotes and backslashes are stored escaped
        errors["message"] = gettext("Message: too long to store; shorten the message or the name.")
    return campaign, errors


def dumps(campaign: dict) -> str:
    return json.dumps({**campaign, "start": campaign["start"].isoformat(), "end": campaign["end"].isoformat()},
                      ensure_ascii=False, separators=(",", ":"))


def save(session, campaign: dict) -> None:
    """Store a validated campaign (replacing the one before)."""
    row = session.get(OrgSetting, KEY) or OrgSetting(key=KEY)
    row.value = dumps(campaign)
    session.add(row)


def goal_of(campaign: dict | None, monday: date) -> int | None:
    """The team's goal for the week starting `monday`, when the week overlaps the campaign period."""
    if campaign and campaign["start"] <= monday + timedelta(days=6) and monday <= campaign["end"]:
        return campaign["goal"]
    return None


def week_label(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def cheer_key(week: str, user_id: str) -> str:
    return f"encourage:{week}:{user_id}"


def cheer_payload(campaign: dict | None, result: dict, locale, week: str) -> dict:
    """The push's {"title", "body", "url"} in the rep's language; `result` has points and goal of last week."""
    lang = language(locale)
    with force_locale(lang):
        title = campaign["name"] if campaign else gettext("Weekly encouragement")
        if result.get("goal"):
            line = ngettext("Last week the team collected %(points)d of %(num)d point.",
                            "Last week the team collected %(points)d of %(num)d points.",
                            result["goal"], points=result["points"])
            if result["points"] >= result["goal"]:
                line += " " + gettext("Goal reached – thank you!")
        else:
            line = ngettext("Last week the team collected %(num)d point.",
                            "Last week the team collected %(num)d points.", result["points"])
    body = " ".join(part for part in ((campaign or {}).get("message"), line) if part)
    return fit({"title": title[:120], "body": body, "url": "/", "task_id": None, "lang": lang,
                "kind": KIND, "tag": f"cheer-{week}"})


def queue_cheers(session, config, campaign: dict | None, result: dict, week: str, now: datetime) -> int:
    """Queue this week's encouragement to every active rep's devices, once; return the rows added."""
    query = (select(User.id, User.locale, WebPushSubscription.id, WebPushSubscription.endpoint)
             .join(WebPushSubscription, WebPushSubscription.user_id == User.id)
             .where(User.role == "rep", User.active.is_(True)).order_by(User.id, WebPushSubscription.id))
    allowed, stamp, payloads = config.get("PUSH_ALLOWED_HOSTS"), naive_utc(now), {}
    rows = []
    for user_id, locale, sub_id, endpoint in session.execute(query):
        if endpoint_problem(endpoint, allowed) is not None:
            continue  # the allow-list changed since the browser subscribed: never send there
        if user_id not in payloads:
            payloads[user_id] = cheer_payload(campaign, result, locale, week)
        rows.append(dict(key=cheer_key(week, user_id), kind=KIND, subscription_id=sub_id, user_id=user_id,
                         task_id=None, endpoint_host=endpoint_host(endpoint)[:255], payload=payloads[user_id],
                         topic=f"cheer-{week}", urgency="normal", ttl=CHEER_TTL, status="pending", attempts=0,
                         next_attempt_at=stamp, created_at=stamp))
    if not rows:
        return 0
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = ReminderSend.__table__
    insert = dialect.insert(table).on_conflict_do_nothing(index_elements=["key", "subscription_id"])
    return len(session.execute(insert.returning(table.c.id), rows).all())


def cheers_sent(session, week: str) -> dict:
    """{"queued_at", "devices", "delivered"} of this week's encouragement, queued_at None if not yet."""
    rs = ReminderSend
    queued_at, devices, delivered = session.execute(
        select(func.min(rs.created_at), func.count(), func.count(rs.sent_at))
        .where(rs.kind == KIND, rs.key.like(f"encourage:{week}:%"))).one()
    return {"queued_at": queued_at, "devices": devices, "delivered": delivered}
