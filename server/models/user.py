"""Users, their API tokens and failed-login bookkeeping."""
import hashlib
import secrets
from datetime import datetime
from typing import Optional

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .base import new_id, utcnow

ROLES = ("rep", "service", "manager", "admin")
ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}


def hash_token(token: str) -> str:
    """Tokens are long random strings, so a fast hash is enough (no dictionary to attack)."""
    return hashlib.sha256(token.encode()).hexdigest()


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False, default="rep")
    password_hash: Mapped[str] = mapped_column(String(256), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # Bumped to rotate the calendar URL: the token is an HMAC of (id, generation), never stored.
    calendar_generation: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # Part of the back-office session's user id: bumping it (logout, new password) ends every session,
    # including copies of a session cookie, since a signed cookie cannot be taken back.
    session_generation: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    locale: Mapped[Optional[str]] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)

    def set_password(self, password: str) -> None:
        # scrypt by default; the test config picks a cheap method so hundreds of logins stay fast.
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"
        if self.password_hash:  # a new password ends the sessions opened with the old one
            self.end_sessions()
        self.password_hash = generate_password_hash(password, method=method)

    def end_sessions(self) -> None:
        """Make every back-office session of this user invalid (logout, new password, deactivation)."""
        self.session_generation = (self.session_generation or 0) + 1

    def get_id(self) -> str:
        return f"{self.id}:{self.session_generation or 0}"

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def at_least(self, role: str) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[role]


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36), db.ForeignKey("users.id"), nullable=False, index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    device_name: Mapped[Optional[str]] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    last_used_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    revoked_at: Mapped[Optional[datetime]] = mapped_column(DateTime)

    @staticmethod
    def issue(user: User, device_name: Optional[str]) -> tuple["ApiToken", str]:
        """Create a token row; return it with the plain token, which is shown once and never stored."""
        plain = secrets.token_urlsafe(32)
        return ApiToken(user_id=user.id, token_hash=hash_token(plain), device_name=device_name), plain


class LoginFailure(db.Model):
    """One failed (or still being checked) login, by e-mail and client address; kept for the window."""
    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_client_at", "client", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), nullable=False, index=True)
    client: Mapped[str] = mapped_column(String(64), nullable=False, default="", server_default="")
    at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow, index=True)
