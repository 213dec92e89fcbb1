"""Web Push set-up for the PWA: the VAPID public key and the user's push subscriptions (SPEC §7)."""
import base64
import binascii

from cryptography.hazmat.primitives.asymmetric import ec
from flask import Blueprint, current_app, g, request
from sqlalchemy import select, update

from ..extensions import db
from ..models import ReminderSend, WebPushSubscription
from ..reminders.hosts import NOT_IN_URL, endpoint_problem
from ..reminders.vapid import VapidError, load_keys
from .auth import auth_required
from .errors import ApiError
from .json_body import json_body

bp = Blueprint("webpush", __name__, url_prefix="/api/push")  # the path SPEC §7 gives; "push" alone is the sync push


def _b64url(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def _key_problems(keys) -> dict:
    """Check the browser's p256dh (a P-256 point) and auth (16 bytes) keys; {field: [message]}."""
    if not isinstance(keys, dict):
        return {"keys": ["Give keys.p256dh and keys.auth from the PushSubscription."]}
    errors = {}
    p256dh, auth = keys.get("p256dh"), keys.get("auth")
    try:
        if not isinstance(p256dh, str) or len(p256dh) > 120:
            raise ValueError
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), _b64url(p256dh))
    except (ValueError, binascii.Error):
        errors["keys.p256dh"] = ["Must be the subscription's P-256 public key, base64url."]
    try:
        if not isinstance(auth, str) or len(_b64url(auth)) != 16:
            raise ValueError
    except (ValueError, binascii.Error):
        errors["keys.auth"] = ["Must be the subscription's 16-byte auth secret, base64url."]
    return errors


def _json(sub: WebPushSubscription) -> dict:
    return {"id": sub.id, "endpoint": sub.endpoint, "created_at": sub.created_at.isoformat(timespec="seconds") + "Z",
            "last_success_at": sub.last_success_at and sub.last_success_at.isoformat(timespec="seconds") + "Z"}


@bp.get("/vapid-public-key")
@auth_required()
def vapid_public_key():
    try:
        keys = load_keys(current_app.config)
    except VapidError as err:
        raise ApiError(503, str(err), "push_not_configured")
    return {"public_key": keys.public_key}


@bp.get("/subscriptions")
@auth_required()
def list_subscriptions():
    subs = db.session.scalars(select(WebPushSubscription).where(WebPushSubscription.user_id == g.user.id)
                              .order_by(WebPushSubscription.id)).all()
    return {"items": [_json(s) for s in subs]}


@bp.post("/subscriptions")
@auth_required()
def subscribe():
    data = json_body()
    endpoint = data.get("endpoint")
    errors = {}
    problem = endpoint_problem(endpoint, current_app.config.get("PUSH_ALLOWED_HOSTS"))
    if problem:
        errors["endpoint"] = [problem]
    errors.update(_key_problems(data.get("keys")))
    if errors:
        raise ApiError(400, "This push subscription cannot be used: " + ", ".join(sorted(errors)) + ".",
                       "invalid_subscription", errors)
    sub = db.session.scalar(select(WebPushSubscription).where(WebPushSubscription.endpoint == endpoint))
    if sub is None:
        sub = WebPushSubscription(endpoint=endpoint, user_id=g.user.id)
        db.session.add(sub)
    elif sub.user_id != g.user.id:
        # The browser now belongs to someone else: it moves, and nothing queued for the
        # previous user may reach it.
        _skip_pending(sub.id, "The subscription moved to another user.")
        sub.user_id, sub.success_count, sub.failure_count = g.user.id, 0, 0
        sub.last_success_at = sub.last_failure_at = None
    sub.p256dh, sub.auth = data["keys"]["p256dh"], data["keys"]["auth"]
    sub.user_agent = (request.headers.get("User-Agent") or "")[:300] or None
    db.session.commit()
    return _json(sub), 201


@bp.delete("/subscriptions")
@auth_required()
def unsubscribe():
    endpoint = request.args.get("endpoint") or (json_body().get("endpoint") if request.get_data() else None)
    if not isinstance(endpoint, str) or not endpoint:
        raise ApiError(400, "Give the endpoint of the subscription to remove.", "validation_error",
                       {"endpoint": ["Missing."]})
    if NOT_IN_URL.search(endpoint):  # no stored endpoint has one (and PostgreSQL cannot compare a NUL)
        raise ApiError(400, "This is not a push endpoint.", "validation_error",
                       {"endpoint": ["Must not contain spaces or control characters."]})
    sub = db.session.scalar(select(WebPushSubscription).where(WebPushSubscription.endpoint == endpoint,
                                                           WebPushSubscription.user_id == g.user.id))
    if sub is None:
        raise ApiError(404, "You have no push subscription with this endpoint.")
    _skip_pending(sub.id, "The user unsubscribed.")
    db.session.execute(update(ReminderSend).where(ReminderSend.subscription_id == sub.id).values(subscription_id=None))
    db.session.delete(sub)
    db.session.commit()
    return "", 204


def _skip_pending(subscription_id: int, reason: str) -> None:
    db.session.execute(update(ReminderSend).where(ReminderSend.subscription_id == subscription_id,
                                                  ReminderSend.status == "pending")
                       .values(status="skipped", last_error=reason))
