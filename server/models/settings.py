"""Organisation settings: service levels per segment."""
from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

DEFAULT_SERVICE_LEVELS = {"A": 30, "B": 90, "C": 180, "D": 365}
DEFAULT_FOLLOWUP_DELAY_DAYS = 3


class ServiceLevel(db.Model):
    __tablename__ = "service_levels"

    segment: Mapped[str] = mapped_column(String(1), primary_key=True)
    visit_interval_days: Mapped[int] = mapped_column(Integer, nullable=False)
    followup_delay_days: Mapped[int] = mapped_column(Integer, nullable=False, default=DEFAULT_FOLLOWUP_DELAY_DAYS)


class OrgSetting(db.Model):
    """Free key/value settings (organisation name, time zone) that need no schema change."""
    __tablename__ = "org_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(500), nullable=False)
