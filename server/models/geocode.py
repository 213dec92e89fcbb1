"""Addresses the geocoder could not place, so the next `geocode` run does not ask about them again."""
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import utcnow


class GeocodeMiss(db.Model):
    """One customer whose address got no coordinates: outcome "not_found" or "failed" (and why).

    Only while the address is the same: `address_key` fingerprints the address asked about, so an
    edited address is asked again. Server-side bookkeeping, never synced; it goes with the customer
    when the pruned tombstone goes (ON DELETE CASCADE).
    """
    __tablename__ = "geocode_misses"

    customer_id: Mapped[str] = mapped_column(String(36), ForeignKey("customers.id", ondelete="CASCADE"),
                                             primary_key=True)
    address_key: Mapped[str] = mapped_column(String(32), nullable=False)
    outcome: Mapped[str] = mapped_column(String(16), nullable=False)
    detail: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    tried_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
