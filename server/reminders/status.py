"""What was sent and what failed: plain data for the CLI summary and the back office."""
from datetime import datetime, timedelta

from sqlalchemy import func, select

from ..models import ReminderSend, User, WebPushSubscription, utcnow

STATUSES = ("pending", "sending", "sent", "failed", "gone", "skipped")


def _at(value: datetime | None):
    return None if value is None else value.isoformat(timespec="seconds") + "Z"


def reminders_status(session, since: timedelta = timedelta(days=7), recent: int = 20) -> dict:
    """Counts by status (all time and since `since`), subscriptions per user, latest problems."""
    rs = ReminderSend
    cutoff = utcnow() - since
    totals = dict(session.execute(select(rs.status, func.count()).group_by(rs.status)).all())
    lately = dict(session.execute(select(rs.status, func.count()).where(rs.created_at >= cutoff)
                                  .group_by(rs.status)).all())
    sub = WebPushSubscription
    subs = session.execute(
        select(User.email, func.count(sub.id), func.max(sub.last_success_at), func.sum(sub.failure_count))
        .join(sub, sub.user_id == User.id).group_by(User.email).order_by(User.email)).all()
    problems = session.execute(
        select(rs.id, rs.key, rs.kind, rs.status, rs.attempts, rs.endpoint_host, rs.last_status_code, rs.last_error,
               rs.next_attempt_at, rs.created_at, User.email)
        .join(User, User.id == rs.user_id)
        .where(rs.status.in_(("failed", "gone", "pending", "sending")), rs.attempts > 0)
        .order_by(rs.id.desc()).limit(recent)).mappings().all()
    sent = session.execute(
        select(rs.id, rs.key, rs.kind, rs.endpoint_host, rs.sent_at, rs.payload, User.email)
        .join(User, User.id == rs.user_id).where(rs.status == "sent")
        .order_by(rs.sent_at.desc(), rs.id.desc()).limit(recent)).mappings().all()
    return {
        "totals": {s: totals.get(s, 0) for s in STATUSES},
        "since": _at(cutoff),
        "recent_totals": {s: lately.get(s, 0) for s in STATUSES},
        "subscriptions": [{"email": email, "count": count, "last_success_at": _at(last), "failures": int(fails or 0)}
                          for email, count, last, fails in subs],
        "problems": [{"id": p["id"], "key": p["key"], "kind": p["kind"], "status": p["status"], "email": p["email"],
                      "attempts": p["attempts"], "host": p["endpoint_host"], "status_code": p["last_status_code"],
                      "error": p["last_error"], "next_attempt_at": _at(p["next_attempt_at"]),
                      "created_at": _at(p["created_at"])} for p in problems],
        "recent_sent": [{"id": s["id"], "key": s["key"], "kind": s["kind"], "email": s["email"],
                         "host": s["endpoint_host"], "sent_at": _at(s["sent_at"]), "title": s["payload"].get("title")}
                        for s in sent],
    }


def format_status(data: dict) -> str:
    """The status as text for a terminal."""
    lines = ["Reminder sends (all time): " + ", ".join(f"{k} {v}" for k, v in data["totals"].items()),
             f"Since {data['since']}: " + ", ".join(f"{k} {v}" for k, v in data["recent_totals"].items()),
             f"Subscriptions: {sum(s['count'] for s in data['subscriptions'])} "
             f"for {len(data['subscriptions'])} users"]
    for s in data["subscriptions"]:
        lines.append(f"  {s['email']}: {s['count']} device(s), last success {s['last_success_at'] or 'never'}, "
                     f"{s['failures']} failure(s)")
    if data["problems"]:
        lines.append("Failed, gone or waiting to retry (newest first):")
        for p in data["problems"]:
            retry = f", next try {p['next_attempt_at']}" if p["status"] == "pending" else ""
            lines.append(f"  #{p['id']} {p['status']} {p['kind']} to {p['email']} via {p['host']}: "
                         f"{p['error'] or p['status_code']} ({p['attempts']} attempt(s){retry})")
    if data["recent_sent"]:
        lines.append("Recently sent:")
        for s in data["recent_sent"]:
            lines.append(f"  #{s['id']} {s['sent_at']} {s['kind']} to {s['email']} via {s['host']}: {s['title']}")
    return "\n".join(lines)
