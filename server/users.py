"""User administration: create, change role, deactivate or reactivate, reset a password, devices (SPEC §2, §4).

One set of operations for the back office and the CLI. Each checks its input, writes, records an
audit entry and commits: the change and its trace land together or not at all. Messages name the
field, in the office reader's language during a request and in English elsewhere (the CLI).
A password never reaches the audit log.
"""
import re
import secrets
from datetime import timedelta

from flask import current_app, has_request_context
from flask_babel import gettext
from sqlalchemy import and_, case, delete, func, select, update

from . import audit
from .extensions import db
from .models import ROLES, ApiToken, ReminderSend, User, WebPushSubscription, utcnow

PASSWORD_MIN, PASSWORD_MAX = 8, 200  # the login form and the API accept up to 200
NAME_MAX, EMAIL_MAX = 200, 254
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# No 0/O, 1/l/I: a generated password is read aloud or copied off a screen.
_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _(msgid: str, **params) -> str:
    """Translate during a request; English elsewhere (gettext would ask for a request's language)."""
    return gettext(msgid, **params) if has_request_context() else msgid % params


class UserError(ValueError):
    """Input or a rule refused; `field` names the form field (None: the request as a whole)."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def generate_password(length: int = 16) -> str:
    """A random password of about 90 bits, without look-alike characters."""
    return "".join(secrets.choice(_ALPHABET) for _i in range(length))


def find(email: str) -> User | None:
    """The user with this e-mail, in any case."""
    return db.session.scalar(select(User).where(func.lower(User.email) == (email or "").strip().lower()))


def check_password(password: str) -> str:
    if len(password or "") < PASSWORD_MIN:
        raise UserError("password", _("Password: at least %(min)d characters.", min=PASSWORD_MIN))
    if len(password) > PASSWORD_MAX:
        raise UserError("password", _("Password: at most %(max)d characters.", max=PASSWORD_MAX))
    return password


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UserError("role", _("Role: %(role)s is not a role; choose one of %(roles)s.", role=role or "–",
                                  roles=", ".join(ROLES)))
    return role


def _check_new(email: str, name: str) -> tuple[str, str]:
    email, name = (email or "").strip().lower(), (name or "").strip()
    if not name:
        raise UserError("name", _("Name: enter the user's name."))
    if len(name) > NAME_MAX:
        raise UserError("name", _("Name: at most %(max)d characters.", max=NAME_MAX))
    if len(email) > EMAIL_MAX or not _EMAIL.fullmatch(email):
        raise UserError("email", _("E-mail: enter an address such as name@example.com."))
    if find(email) is not None:
        raise UserError("email", _("E-mail: %(email)s already has a user.", email=email))
    return email, name


def create(actor: User | None, email: str, name: str, role: str,
           password: str | None = None) -> tuple[User, str | None]:
    """Create an active user; with no password, generate one and return it (shown once, never stored)."""
    email, name = _check_new(email, name)
    check_role(role)
    generated = None if password else generate_password()
    user = User(email=email, name=name, role=role)
    user.set_password(check_password(password) if password else generated)
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.create", f"Created {role} {email} ({name}).", "user", user.id,
                 {"email": email, "role": role, "generated_password": bool(generated)})
    db.session.commit()
    return user, generated


def _other_active_admins(user: User) -> int:
    """Active admins besides `user`, their rows locked (PostgreSQL) so two admins cannot remove each other at once."""
    ids = db.session.scalars(select(User.id).where(User.role == "admin", User.active.is_(True))
                             .with_for_update()).all()
    return len([i for i in ids if i != user.id])


def _keep_an_admin(user: User) -> None:
    if user.role == "admin" and user.active and _other_active_admins(user) == 0:
        raise UserError("role", _("%(email)s is the last active admin; make another user an admin first.",
                                  email=user.email))


def set_role(actor: User | None, user: User, role: str) -> bool:
    """Give `user` another role; it holds from their next request. False when it was theirs already."""
    check_role(role)
    if role == user.role:
        return False
    if actor is not None and actor.id == user.id:
        raise UserError("role", _("Role: you cannot change your own role; ask another admin."))
    if role != "admin":
        _keep_an_admin(user)
    before, user.role = user.role, role
    audit.record(actor, "user.role", f"{user.email}: role {before} → {role}.", "user", user.id,
                 {"from": before, "to": role})
    db.session.commit()
    return True


def _revoke_tokens(user: User, now) -> int:
    return db.session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                              .values(revoked_at=now).execution_options(synchronize_session=False)).rowcount


def _remove_subscriptions(user: User) -> int:
    """Delete the user's push subscriptions; their waiting reminders are skipped, the send history stays."""
    subs = select(WebPushSubscription.id).where(WebPushSubscription.user_id == user.id).scalar_subquery()
    rs = ReminderSend
    db.session.execute(update(rs).where(rs.subscription_id.in_(subs), rs.status == "pending")
                       .values(status="skipped", last_error="The user was deactivated.")
                       .execution_options(synchronize_session=False))
    db.session.execute(update(rs).where(rs.subscription_id.in_(subs)).values(subscription_id=None)
                       .execution_options(synchronize_session=False))
    return db.session.execute(delete(WebPushSubscription).where(WebPushSubscription.user_id == user.id)
                              .execution_options(synchronize_session=False)).rowcount


def deactivate(actor: User | None, user: User) -> bool:
    """Cut the user off at once: tokens, calendar links, push subscriptions, sessions. False if already off."""
    if not user.active:
        return False
    if actor is not None and actor.id == user.id:
        raise UserError(None, _("You cannot deactivate yourself; ask another admin."))
    _keep_an_admin(user)
    tokens, subs = _revoke_tokens(user, utcnow()), _remove_subscriptions(user)
    user.calendar_generation += 1  # the old feed URLs answer 404 (and stay dead after a reactivation)
    user.end_sessions()
    user.active = False
    audit.record(actor, "user.deactivate", f"Deactivated {user.email}: {tokens} tokens revoked, "
                 f"{subs} push subscriptions removed.", "user", user.id, {"tokens": tokens, "subscriptions": subs})
    db.session.commit()
    return True


def reactivate(actor: User | None, user: User) -> bool:
    """Let a deactivated user log in again (old tokens and calendar links stay dead). False if active."""
    if user.active:
        return False
    user.active = True
    audit.record(actor, "user.reactivate", f"Reactivated {user.email}.", "user", user.id)
    db.session.commit()
    return True


def reset_password(actor: User | None, user: User, password: str | None = None) -> str | None:
    """Set a new password (given or generated: returned once); end the user's sessions and revoke their tokens.

    Tokens go too: a reset usually follows a lost phone or a leaked password, and a token issued under
    the old password would outlive it. The user logs in again on every device with the new one.
    """
    generated = None if password else generate_password()
    user.set_password(check_password(password) if password else generated)  # ends the office sessions too
    tokens = _revoke_tokens(user, utcnow())
    audit.record(actor, "user.password", f"New password for {user.email}; {tokens} tokens revoked.", "user",
                 user.id, {"generated": bool(generated), "tokens": tokens})
    db.session.commit()
    return generated


def devices(user: User, limit: int = 200) -> list[ApiToken]:
    """The user's tokens, working ones first, newest use first."""
    return db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(
        ApiToken.revoked_at.is_not(None), func.coalesce(ApiToken.last_used_at, ApiToken.created_at).desc(),
        ApiToken.id.desc()).limit(limit)).all()


def token_state(token: ApiToken, now=None) -> str:
    """"revoked", "expired" (idle longer than TOKEN_IDLE_DAYS) or "active"."""
    if token.revoked_at is not None:
        return "revoked"
    idle = timedelta(days=current_app.config["TOKEN_IDLE_DAYS"])
    return "expired" if (now or utcnow()) - (token.last_used_at or token.created_at) > idle else "active"


def revoke_token(actor: User | None, user: User, token_id: int) -> ApiToken | None:
    """Revoke one of the user's tokens (one lost phone); None when it is not theirs or already revoked."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id,
                                                     ApiToken.revoked_at.is_(None)))
    if token is None:
        return None
    token.revoked_at = utcnow()
    audit.record(actor, "token.revoke", f"Revoked the token of {user.email} on {token.device_name or 'a device'}.",
                 "user", user.id, {"token_id": token.id, "device_name": token.device_name})
    db.session.commit()
    return token


def listing() -> list[dict]:
    """Every user with their working devices, last token use and push subscriptions, in one query."""
    live_since = utcnow() - timedelta(days=current_app.config["TOKEN_IDLE_DAYS"])
    live = and_(ApiToken.revoked_at.is_(None),
                func.coalesce(ApiToken.last_used_at, ApiToken.created_at) >= live_since)
    tokens = (select(ApiToken.user_id, func.max(ApiToken.last_used_at).label("last_used"),
                     func.sum(case((live, 1), else_=0)).label("devices"))
              .group_by(ApiToken.user_id).subquery())
    subs = (select(WebPushSubscription.user_id, func.count().label("subscriptions"))
            .group_by(WebPushSubscription.user_id).subquery())
    rows = db.session.execute(
        select(User.id, User.email, User.name, User.role, User.active, tokens.c.last_used, tokens.c.devices,
               subs.c.subscriptions)
        .outerjoin(tokens, tokens.c.user_id == User.id).outerjoin(subs, subs.c.user_id == User.id)
        .order_by(User.active.desc(), func.lower(User.name), User.email)).mappings()
    return [{**row, "devices": int(row["devices"] or 0), "subscriptions": int(row["subscriptions"] or 0)}
            for row in rows]
