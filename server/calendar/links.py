"""Secret feed tokens and the subscription links shown to a user.

A token is an HMAC of (purpose, user id, generation), never stored: bumping
users.calendar_generation rotates both the personal and the team token at once.
"""
import hashlib
import hmac

from flask import current_app, has_request_context, request

PERSONAL, TEAM = "calendar", "calendar-team"


def feed_token(user, purpose: str = PERSONAL) -> str:
    """Derive the user's secret token for one feed (PERSONAL or TEAM)."""
    key = current_app.config["SECRET_KEY"].encode()
    msg = f"{purpose}:{user.id}:{user.calendar_generation}".encode()
    return hmac.new(key, msg, hashlib.sha256).hexdigest()[:40]


def token_valid(user, token: str, purpose: str = PERSONAL) -> bool:
    """Check a token in constant time, so it cannot be guessed byte by byte."""
    return hmac.compare_digest(feed_token(user, purpose).encode(), token.encode("utf-8", "replace"))


def may_see_team(user) -> bool:
    return user.at_least("manager")


def base_url() -> str:
    """Return the public origin: PUBLIC_BASE_URL, else (demo, tests) the request's host, which TRUSTED_HOSTS vetted."""
    configured = current_app.config.get("PUBLIC_BASE_URL")
    if configured or not has_request_context():
        return (configured or "http://localhost:5000").rstrip("/")
    return request.host_url.rstrip("/")


def card_url(base: str, customer_id: str) -> str:
    """Link to a customer card in the PWA (hash routes)."""
    return f"{base}/#/customers/{customer_id}"


def personal_url(user) -> str:
    return f"{base_url()}/calendar/{user.id}/{feed_token(user)}.ics"


def team_url(user) -> str:
    return f"{base_url()}/calendar/team/{user.id}/{feed_token(user, TEAM)}.ics"


def webcal(url: str) -> str:
    """Rewrite a feed URL as webcal://, which makes phones and Outlook offer to subscribe."""
    return "webcal://" + url.split("://", 1)[1]


def feed_links(user) -> dict:
    """Return {"https", "webcal"} of the user's feed, plus "team_https"/"team_webcal" for managers."""
    own = personal_url(user)
    links = {"https": own, "webcal": webcal(own)}
    if may_see_team(user):
        team = team_url(user)
        links.update(team_https=team, team_webcal=webcal(team))
    return links
