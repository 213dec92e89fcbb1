"""A follow-up task for a rep."""
from datetime import date, datetime
from typing import Optional

from sqlalchemy import Date, DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import SyncedMixin, ref


class Task(SyncedMixin, db.Model):
    __tablename__ = "tasks"

    customer_id: Mapped[str] = ref("customers", nullable=False)
    assignee_id: Mapped[Optional[str]] = ref("users")
    created_by: Mapped[Optional[str]] = ref("users")
    kind: Mapped[str] = mapped_column(String(16), nullable=False, default="other")
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    due_on: Mapped[Optional[date]] = mapped_column(Date, index=True)
    remind_at: Mapped[Optional[datetime]] = mapped_column(DateTime, index=True)
    status: Mapped[str] = mapped_column(String(8), nullable=False, default="open", index=True)
    delivery_id: Mapped[Optional[str]] = ref("deliveries")
    notes: Mapped[Optional[str]] = mapped_column(Text)
