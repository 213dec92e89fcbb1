"""An order and its delivery."""
from datetime import date
from decimal import Decimal
from typing import Optional

from sqlalchemy import JSON, Date, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import SyncedMixin, ref


class Delivery(SyncedMixin, db.Model):
    __tablename__ = "deliveries"

    customer_id: Mapped[str] = ref("customers", nullable=False)
    order_no: Mapped[Optional[str]] = mapped_column(String(40))
    ordered_on: Mapped[Optional[date]] = mapped_column(Date)
    delivered_on: Mapped[Optional[date]] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="ordered", index=True)
    channel: Mapped[Optional[str]] = mapped_column(String(16))
    lines: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    total: Mapped[Optional[Decimal]] = mapped_column(Numeric(14, 2))
    # The day the customer wants it (the bakery plans production by it); delivered_on is when it went.
    deliver_on: Mapped[Optional[date]] = mapped_column(Date, index=True)
