"""A value that lost a concurrent edit, kept so its author can see and restore it."""
from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, Boolean, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import SyncedMixin, ref


class Conflict(SyncedMixin, db.Model):
    __tablename__ = "conflicts"

    entity: Mapped[str] = mapped_column(String(16), nullable=False)
    record_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    field: Mapped[str] = mapped_column(String(40), nullable=False)
    kept_value: Mapped[Any] = mapped_column(JSON)
    lost_value: Mapped[Any] = mapped_column(JSON)
    lost_by: Mapped[Optional[str]] = ref("users")
    kept_by: Mapped[Optional[str]] = ref("users")
    lost_edited_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    resolved: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
