"""User accounts: creating one, and the password check with its slow-down (API and back office).

Failures are counted per (e-mail, client address) and per client address across e-mails (SPEC §4).
Nothing is counted per e-mail alone: that would let anyone lock a user out by guessing. The counts
live in the database, so every server process sees the same ones.
"""
import ipaddress
import math
from datetime import datetime, timedelta
from functools import cache

from flask import current_app
from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db
from .models import LoginFailure, User, utcnow


class LoginRefused(Exception):
    """Wrong credentials ("invalid"), or too many recent failures ("throttled", with retry_after seconds)."""

    def __init__(self, reason: str, retry_after: int = 0):
        super().__init__(reason)
        self.reason, self.retry_after = reason, retry_after


def client_key(address: str | None) -> str:
    """Key a client by its address; an IPv6 client by its /64, which one host commonly owns whole."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return (address or "unknown")[:64]
    if ip.version == 6 and ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


@cache
def _dummy_hash(method: str) -> str:
    """A hash to check when no user matches, so an unknown e-mail costs what a wrong password costs."""
    return generate_password_hash("no such user", method=method)


def authenticate(email: str, password: str, address: str | None) -> User:
    """Return the active user with these credentials, or raise LoginRefused; failures are counted."""
    config = current_app.config
    email, client, now = email.strip().lower(), client_key(address), utcnow()
    # The attempt is written before the password is checked: parallel guesses each see the others,
    # so a burst cannot slip more guesses past the limit than a sequence could.
    attempt = LoginFailure(email=email, client=client, at=now)
    db.session.add(attempt)
    db.session.flush()
    attempt_id = attempt.id
    db.session.commit()
    window = timedelta(seconds=config["LOGIN_WINDOW_SECONDS"])
    wait = max(_wait(now, window, attempt_id, config["LOGIN_MAX_FAILURES"],
                     LoginFailure.email == email, LoginFailure.client == client),
               _wait(now, window, attempt_id, config["LOGIN_MAX_CLIENT_FAILURES"], LoginFailure.client == client))
    if wait:
        db.session.execute(delete(LoginFailure).where(LoginFailure.id == attempt_id))
        db.session.commit()
        raise LoginRefused("throttled", wait)
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    method = config.get("PASSWORD_HASH_METHOD", "scrypt")
    matches = check_password_hash(user.password_hash if user else _dummy_hash(method), password)
    if user is None or not user.active or not matches:
        db.session.execute(delete(LoginFailure).where(LoginFailure.at < now - window))  # the table stays small
        db.session.commit()
        raise LoginRefused("invalid")
    db.session.execute(delete(LoginFailure).where(LoginFailure.email == email, LoginFailure.client == client))
    return user


def create_user(email: str, name: str, role: str, password: str) -> User:
    """Create a user who can log in (the CLI's create-user and the demo data)."""
    user = User(email=email.strip().lower(), name=name, role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def _wait(now: datetime, window: timedelta, attempt_id: int, limit: int, *where) -> int:
    """Seconds until fewer than `limit` other failures matching `where` are in the window (0: go ahead)."""
    oldest_counted = db.session.scalar(
        select(LoginFailure.at).where(*where, LoginFailure.at >= now - window, LoginFailure.id != attempt_id)
        .order_by(LoginFailure.at.desc()).offset(limit - 1).limit(1))
    if oldest_counted is None:
        return 0
    return max(1, math.ceil((oldest_counted + window - now).total_seconds()))
