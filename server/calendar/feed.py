"""The subscribed feeds: GET /calendar/<user>/<token>.ics and, for managers, /calendar/team/....

No login (Outlook and Google cannot send credentials): the secret token in the URL is the only
key, and it opens nothing but this read-only feed. Anything wrong answers a bare 404, so the
response never tells whether a user id exists.
"""
import hashlib

from flask import Blueprint, Response, current_app, request
from werkzeug.http import http_date, is_resource_modified

from ..config import org_timezone_name
from ..extensions import csrf, db
from ..models import User, utcnow
from ..sync.versions import latest
from . import query
from .cache import feed_cache
from .content import FeedSettings, feed_bytes, window
from .links import PERSONAL, TEAM, base_url, may_see_team, token_valid

bp = Blueprint("calendar", __name__, url_prefix="/calendar")
csrf.exempt(bp)

# Part of every ETag: bump it when the output format changes, so clients fetch the new shape.
FORMAT = "kentta-ical-2"


@bp.get("/<user_id>/<token>.ics")
def personal(user_id: str, token: str):
    return serve(user_id, token, team=False)


@bp.get("/team/<user_id>/<token>.ics")
def team(user_id: str, token: str):
    return serve(user_id, token, team=True)


def serve(user_id: str, token: str, team: bool) -> Response:
    """Check the token, then answer 304, the kept bytes, or (after a change to this feed) new bytes."""
    user = db.session.get(User, user_id) if len(user_id) <= 36 else None
    if (user is None or not user.active or not token_valid(user, token, TEAM if team else PERSONAL)
            or (team and not may_see_team(user))):
        return Response("No such calendar.\n", 404, {"Cache-Control": "no-store"}, mimetype="text/plain")
    settings = FeedSettings(base=base_url(), tz=org_timezone_name(), team=team,
                            lang=user.locale or current_app.config.get("BABEL_DEFAULT_LOCALE", "fi"))
    now = utcnow()
    win = window(now, settings.tz)
    feed, owner_name = identity(user, settings, win), user.name
    cache = feed_cache()
    # The counter is read before any row: rows read after it are at least that new, so the bytes
    # kept under it are never older than it says (PostgreSQL's read committed sees each statement anew).
    key = (feed, latest(db.session), query.user_names() if team else ())

    def read(keys_only: bool):
        newest = query.latest_changes()
        activities = query.activities(win, None if team else user.id, keys_only)
        tasks = [] if team else query.open_tasks(win, user.id, keys_only)
        return activities, tasks, etag(feed, activities, tasks), last_modified(activities, tasks, newest, win, now)

    found = cache.validators.get(key)
    if found is None:  # something changed somewhere: the narrow read tells whether this feed did
        _activities, _tasks, tag, modified = read(keys_only=True)
        cache.validators.put(key, (tag, modified))
    else:
        tag, modified = found
    if (request.if_none_match or request.if_modified_since) and not is_resource_modified(
            request.environ, etag=tag, last_modified=modified):
        return Response(status=304, headers=validators(tag, modified))
    body = cache.bodies.get(tag)
    if body is None:
        # The ETag sent is the one of the rows serialised, even if something changed in between.
        activities, tasks, tag, modified = read(keys_only=False)
        db.session.rollback()  # end the read transaction before the (slower) serialising
        body = feed_bytes(activities, tasks, settings, owner_name)
        cache.bodies.put(tag, body)
        cache.validators.put(key, (tag, modified))
    headers = validators(tag, modified)
    headers["Content-Disposition"] = 'inline; filename="kentta.ics"'
    return Response(body, 200, headers, content_type="text/calendar; charset=utf-8")


def validators(tag: str, modified) -> dict:
    return {"ETag": f'"{tag}"', "Last-Modified": http_date(modified), "Cache-Control": "private, no-cache",
            "X-Robots-Tag": "noindex"}


def identity(user, settings: FeedSettings, win) -> tuple:
    """Name everything a feed's bytes depend on besides its rows: whose, which, and settings, window."""
    return (FORMAT, "team" if settings.team else "own", user.id, str(user.calendar_generation), user.name,
            settings.lang, settings.tz, settings.base, win.first_day.isoformat())


def etag(feed: tuple, activities: list, tasks: list) -> str:
    """Digest everything the body is made of: the feed's identity, row versions, joined rows, names."""
    # A deleted or re-assigned visit leaves the row set, an edit raises a version, a customer's new
    # address raises its version, and the window's first day moves daily: each changes the digest.
    h = hashlib.sha256("|".join(feed).encode())
    for r in activities:
        h.update(f"\na{r['id']}:{r['version']}:{r['customer_version']}:{r['contact_version']}:"
                 f"{r.get('owner_name')}".encode())
    for r in tasks:
        h.update(f"\nt{r['id']}:{r['version']}:{r['customer_version']}".encode())
    return h.hexdigest()[:32]


def last_modified(activities: list, tasks: list, newest: tuple, win, now):
    """Return the newest change that can show in the feed, never later than now."""
    # Conservative on purpose: the newest change to any activity or task counts, because a record
    # that left this feed (deleted, re-assigned, moved away) is no longer among its rows. HTTP dates
    # have whole seconds, so a change in the same second as the client's last fetch can hide behind
    # If-Modified-Since; If-None-Match (which wins when both are sent) is exact through the ETag.
    stamps = [win.today_start, *(t for t in newest if t is not None)]
    for r in activities:
        stamps += (r["updated_at"], r["customer_updated_at"], r["contact_updated_at"] or r["updated_at"])
    for r in tasks:
        stamps += (r["updated_at"], r["customer_updated_at"])
    return min(max(stamps), now).replace(microsecond=0)
