"""A visit, call, training or other contact with a customer."""
from datetime import datetime
from typing import Optional

from sqlalchemy import DateTime, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import SyncedMixin, ref


class Activity(SyncedMixin, db.Model):
    __tablename__ = "activities"
    # Each customer's last done contact (the desk's traffic light, office/lights.py) read from the index alone.
    __table_args__ = (Index("ix_activities_done_by_customer", "status", "deleted", "customer_id", "starts_at", "ends_at"),)

    customer_id: Mapped[str] = ref("customers", nullable=False)
    contact_id: Mapped[Optional[str]] = ref("contacts")
    owner_id: Mapped[Optional[str]] = ref("users")
    type: Mapped[str] = mapped_column(String(16), nullable=False, default="visit")
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="planned", index=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    starts_at: Mapped[Optional[datetime]] = mapped_column(DateTime, index=True)
    ends_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    location: Mapped[Optional[str]] = mapped_column(String(300))
    notes: Mapped[Optional[str]] = mapped_column(Text)
    outcome: Mapped[Optional[str]] = mapped_column(Text)
    next_step: Mapped[Optional[str]] = mapped_column(Text)
