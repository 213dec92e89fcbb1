"""The logged-in user: who am I, and my calendar subscription URL."""
import hashlib
import hmac

from flask import Blueprint, current_app, g, request

from ..extensions import db
from .auth import auth_required, user_json

bp = Blueprint("me", __name__, url_prefix="/api/me")


def calendar_token(user) -> str:
    """A secret derived from the user and a generation counter: rotating bumps the counter,
    so the old URL stops working and no token needs to be stored."""
    key = current_app.config["SECRET_KEY"].encode()
    msg = f"calendar:{user.id}:{user.calendar_generation}".encode()
    return hmac.new(key, msg, hashlib.sha256).hexdigest()[:40]


def calendar_token_valid(user, token: str) -> bool:
    return hmac.compare_digest(calendar_token(user), token)


def calendar_url(user) -> str:
    base = current_app.config.get("PUBLIC_BASE_URL") or request.host_url
    return f"{base.rstrip('/')}/calendar/{user.id}/{calendar_token(user)}.ics"


@bp.get("")
@auth_required()
def me():
    return {**user_json(g.user), "calendar_url": calendar_url(g.user)}


@bp.post("/calendar-token")
@auth_required()
def rotate_calendar_token():
    g.user.calendar_generation += 1
    db.session.commit()
    return {"calendar_url": calendar_url(g.user)}, 201
