"""Bearer tokens: log in, log out, and the role check every /api/ view goes through."""
import math
from datetime import timedelta
from functools import cache, wraps

from flask import Blueprint, current_app, g, request
from marshmallow import Schema, fields, validate
from sqlalchemy import bindparam, select

from ..accounts import LoginRefused, authenticate
from ..extensions import db
from ..models import ApiToken, User, hash_token, utcnow
from ..permissions import Actor
from .errors import ApiError, error_body
from .json_body import json_body

bp = Blueprint("auth", __name__, url_prefix="/api/auth")
# How often a token's last use is written: idle expiry is counted in days, so an hour is exact enough,
# and a phone syncing every minute does not turn each read into a write.
TOUCH_EVERY = timedelta(hours=1)


class LoginSchema(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, validate=validate.Length(min=1, max=200))
    device_name = fields.String(allow_none=True, validate=validate.Length(max=100))


def user_json(user: User) -> dict:
    return {"id": user.id, "email": user.email, "name": user.name, "role": user.role}


@bp.post("/token")
def login():
    data = LoginSchema().load(json_body())
    try:
        user = authenticate(data["email"], data["password"], request.remote_addr)
    except LoginRefused as refused:
        if refused.reason == "throttled":
            minutes = math.ceil(refused.retry_after / 60)
            response = error_body(429, f"Too many failed logins; try again in {minutes} minute{'s' * (minutes != 1)}.")
            response.headers["Retry-After"] = str(refused.retry_after)
            return response
        raise ApiError(401, "Wrong e-mail or password.", "invalid_credentials")
    token, plain = ApiToken.issue(user, data.get("device_name"))
    db.session.add(token)
    db.session.commit()
    return {"token": plain, "user": user_json(user)}, 201


def current_token() -> tuple[ApiToken, User] | None:
    """The request's live bearer token and its user, read in one query (every API call does this)."""
    header = request.headers.get("Authorization", "")
    scheme, _, plain = header.partition(" ")
    if scheme.lower() != "bearer" or not plain.strip():
        return None
    found = db.session.execute(_token_and_user(), {"token_hash": hash_token(plain.strip())}).first()
    if found is None or found[0].revoked_at is not None:
        return None
    return found[0], found[1]


@cache
def _token_and_user():
    """The token look-up, built once: building the statement took longer than running it."""
    return (select(ApiToken, User).join(User, User.id == ApiToken.user_id)
            .where(ApiToken.token_hash == bindparam("token_hash")))


def auth_required(role: str = "rep"):
    """Require a valid bearer token of a user with at least `role`; sets g.user and g.actor."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            token, user = current_token() or (None, None)
            if user is None or not user.active:
                raise ApiError(401, "Log in first: send 'Authorization: Bearer <token>'.")
            now = utcnow()
            idle_days = current_app.config["TOKEN_IDLE_DAYS"]
            if now - (token.last_used_at or token.created_at) > timedelta(days=idle_days):
                raise ApiError(401, f"This token was not used for {idle_days} days and has expired; log in again.",
                               "token_expired")
            if not user.at_least(role):
                raise ApiError(403, f"This needs the {role} role or higher.")
            g.user, g.token_id, g.actor = user, token.id, Actor(id=user.id, role=user.role)  # before a commit expires them
            if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
                token.last_used_at = now  # coarse, so reads do not turn into writes
                db.session.commit()
            return view(*args, **kwargs)

        return wrapper

    return decorator


@bp.delete("/token")
@auth_required()
def logout():
    token = db.session.get(ApiToken, g.token_id)
    token.revoked_at = utcnow()
    db.session.commit()
    return "", 204
