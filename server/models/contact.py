"""A person at a customer."""
from typing import Optional

from sqlalchemy import Boolean, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import SyncedMixin, ref


class Contact(SyncedMixin, db.Model):
    __tablename__ = "contacts"

    customer_id: Mapped[str] = ref("customers", nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    role: Mapped[Optional[str]] = mapped_column(String(100))
    phone: Mapped[Optional[str]] = mapped_column(String(40))
    email: Mapped[Optional[str]] = mapped_column(String(254))
    marketing_ban: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    notes: Mapped[Optional[str]] = mapped_column(Text)
