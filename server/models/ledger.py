"""The op ledger (idempotent sync), quarantined ops and the one version counter."""
from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import utcnow


class SyncCounter(db.Model):
    """One row: the last version handed out. Its row lock orders all writers (see sync/versions.py)."""
    __tablename__ = "sync_counter"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class OpLedger(db.Model):
    """Every op ever applied or refused, by op_id, with the result sent back.

    A plain "applied" result is rebuilt from status and version, so most rows carry no JSON:
    the ledger is written once per op and its cost counts against every push.
    """
    __tablename__ = "op_ledger"

    op_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64), nullable=False)
    # No foreign key: an append-only log need not check (and on PostgreSQL lock) a user row per op
    user_id: Mapped[Optional[str]] = mapped_column(String(36))
    entity: Mapped[str] = mapped_column(String(16), nullable=False)
    record_id: Mapped[str] = mapped_column(String(36), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    version: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    result: Mapped[Optional[dict]] = mapped_column(JSON(none_as_null=True))
    received_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)


class QuarantinedOp(db.Model):
    """A rejected op, kept whole with its errors so nobody's input is silently dropped."""
    __tablename__ = "quarantined_ops"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    op_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    client_id: Mapped[str] = mapped_column(String(64), nullable=False)
    user_id: Mapped[Optional[str]] = mapped_column(String(36), db.ForeignKey("users.id"), index=True)
    entity: Mapped[str] = mapped_column(String(16), nullable=False)
    record_id: Mapped[str] = mapped_column(String(36), nullable=False)
    op: Mapped[dict] = mapped_column(JSON, nullable=False)
    errors: Mapped[dict] = mapped_column(JSON, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    resolved: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
