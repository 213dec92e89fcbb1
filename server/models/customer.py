"""A customer card: the company's shared register."""
from typing import Optional

from sqlalchemy import Boolean, Float, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import SyncedMixin, ref


class Customer(SyncedMixin, db.Model):
    __tablename__ = "customers"

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    business_id: Mapped[Optional[str]] = mapped_column(String(9), unique=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False, default="customer")
    parent_id: Mapped[Optional[str]] = ref("customers")
    segment: Mapped[Optional[str]] = mapped_column(String(1), index=True)
    stage: Mapped[str] = mapped_column(String(16), nullable=False, default="new", index=True)
    owner_id: Mapped[Optional[str]] = ref("users")
    phone: Mapped[Optional[str]] = mapped_column(String(40))
    email: Mapped[Optional[str]] = mapped_column(String(254))
    website: Mapped[Optional[str]] = mapped_column(String(300))
    street: Mapped[Optional[str]] = mapped_column(String(200))
    postal_code: Mapped[Optional[str]] = mapped_column(String(16))
    city: Mapped[Optional[str]] = mapped_column(String(100))
    country: Mapped[str] = mapped_column(String(2), nullable=False, default="FI")
    do_not_contact: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    marketing_ban: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    preferred_contact: Mapped[Optional[str]] = mapped_column(String(200))
    notes: Mapped[Optional[str]] = mapped_column(Text)
    archived: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, index=True)
    # Where the customer is, in decimal degrees (WGS 84): the rep's nearby list sorts by it.
    latitude: Mapped[Optional[float]] = mapped_column(Float)
    longitude: Mapped[Optional[float]] = mapped_column(Float)
