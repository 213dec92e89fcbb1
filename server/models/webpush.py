"""Web Push subscriptions and the log of reminder sends (SPEC §7)."""
from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, DateTime, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import utcnow

SEND_STATUSES = ("pending", "sending", "sent", "failed", "gone", "skipped")


class WebPushSubscription(db.Model):
    """One browser's PushSubscription; it belongs to one user and is theirs alone."""
    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36), db.ForeignKey("users.id"), nullable=False, index=True)
    endpoint: Mapped[str] = mapped_column(String(1000), nullable=False, unique=True)
    p256dh: Mapped[str] = mapped_column(String(120), nullable=False)
    auth: Mapped[str] = mapped_column(String(60), nullable=False)
    user_agent: Mapped[Optional[str]] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    last_success_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    last_failure_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    success_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    failure_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class ReminderSend(db.Model):
    """One reminder to one subscription: the unique (key, subscription) row makes it go out once.

    `key` names the reminder: "task:<task id>:<remind_at YYYYmmddHHMM>:<assignee id>" or
    "nudge:<user id>:<ISO week>", so a moved remind_at or a new assignee is a new reminder.
    A row is claimed (status "sending" with a claim token) before the request goes out and is
    marked "sent" only after the push service accepted it. A row whose subscription was removed
    keeps its history with subscription_id NULL.
    """
    __tablename__ = "reminder_sends"
    __table_args__ = (
        UniqueConstraint("key", "subscription_id", name="uq_reminder_sends_key_subscription"),
        Index("ix_reminder_sends_due", "status", "next_attempt_at"),  # what a run claims
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(120), nullable=False)
    kind: Mapped[str] = mapped_column(String(8), nullable=False)  # "task" or "nudge"
    subscription_id: Mapped[Optional[int]] = mapped_column(
        Integer, db.ForeignKey("push_subscriptions.id", ondelete="SET NULL"), index=True)
    user_id: Mapped[str] = mapped_column(String(36), db.ForeignKey("users.id"), nullable=False, index=True)
    task_id: Mapped[Optional[str]] = mapped_column(String(36), index=True)
    endpoint_host: Mapped[str] = mapped_column(String(255), nullable=False)
    payload: Mapped[dict] = mapped_column(JSON, nullable=False)
    topic: Mapped[str] = mapped_column(String(32), nullable=False)
    urgency: Mapped[str] = mapped_column(String(8), nullable=False)
    ttl: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(8), nullable=False, default="pending")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    claim_token: Mapped[Optional[str]] = mapped_column(String(32))
    claimed_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    last_status_code: Mapped[Optional[int]] = mapped_column(Integer)
    last_error: Mapped[Optional[str]] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    sent_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
