"""The audit log (who did what when to people's data and accounts) and import jobs."""
from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, DateTime, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import new_id, utcnow


class AuditEntry(db.Model):
    """One recorded action: a GDPR export or erasure, a user's role change or deactivation, an import.

    Append-only, and with no foreign key: an entry outlives what it names (an erased contact).
    `actor_label` keeps the actor's e-mail as it was, so the log reads the same later.
    """
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow, index=True)
    actor_id: Mapped[Optional[str]] = mapped_column(String(36), index=True)
    actor_label: Mapped[str] = mapped_column(String(254), nullable=False, default="")
    action: Mapped[str] = mapped_column(String(40), nullable=False, index=True)
    target_type: Mapped[Optional[str]] = mapped_column(String(16))
    target_id: Mapped[Optional[str]] = mapped_column(String(36), index=True)
    summary: Mapped[str] = mapped_column(Text, nullable=False, default="")
    details: Mapped[Optional[dict]] = mapped_column(JSON(none_as_null=True))


class ImportJob(db.Model):
    """An uploaded customer/contact file on its way in: the file, the chosen mapping, the progress.

    The file is kept in the database, not on a worker's disk, so any worker can preview or run it.
    """
    __tablename__ = "import_jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    created_by: Mapped[Optional[str]] = mapped_column(String(36), db.ForeignKey("users.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200), nullable=False)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="uploaded")
    options: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    total: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    done: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    result: Mapped[Optional[dict]] = mapped_column(JSON(none_as_null=True))
    error: Mapped[Optional[str]] = mapped_column(Text)
    finished_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
