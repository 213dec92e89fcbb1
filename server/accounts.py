"""Checking a password, with the slow-down for repeated failures: shared by the API and the back office."""
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from .extensions import db
from .models import LoginFailure, User, utcnow


class LoginRefused(Exception):
    """Wrong credentials ("invalid") or too many recent failures for the e-mail ("throttled")."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def authenticate(email: str, password: str) -> User:
    """Return the active user with these credentials, or raise LoginRefused; failures are counted."""
    email = email.strip().lower()
    window_start = utcnow() - timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])
    failures = db.session.scalar(
        select(func.count()).select_from(LoginFailure).where(LoginFailure.email == email, LoginFailure.at >= window_start))
    if failures >= current_app.config["LOGIN_MAX_FAILURES"]:
        raise LoginRefused("throttled")
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    if user is None or not user.active or not user.check_password(password):
        db.session.add(LoginFailure(email=email))
        db.session.commit()
        raise LoginRefused("invalid")
    db.session.execute(delete(LoginFailure).where(LoginFailure.email == email))
    return user
