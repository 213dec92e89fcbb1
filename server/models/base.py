"""Columns every synced record shares, and helpers for UUIDs and UTC time."""
import os
import threading
import time
import uuid
from datetime import datetime, timezone

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


def new_id() -> str:
    return str(uuid.uuid4())


def new_op_id(ms: int | None = None) -> str:
    """A UUID version 7 (RFC 9562): Unix milliseconds, then random bits.

    Op ids key the op ledger, which gains a row per op forever. Random (v4) keys put every insert
    on a random page of its index, so a 500-op push rewrote most of that index; time-ordered keys
    append at its end. The PWA makes its op ids the same way (uuid7 in outbox.js).
    """
    ms = time.time_ns() // 1_000_000 if ms is None else ms
    rand = _random_80()
    value = (ms & (1 << 48) - 1) << 80 | 0x7 << 76 | (rand >> 64 & 0xFFF) << 64 | 0b10 << 62 | rand & (1 << 62) - 1
    h = f"{value:032x}"  # str(uuid.UUID(int=value)) spelled out: a conflicting push makes hundreds
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


_RANDOM = bytearray()  # bytes from the OS's secure source, taken 10 at a time
_RANDOM_LOCK = threading.Lock()
os.register_at_fork(after_in_child=_RANDOM.clear)  # a forked worker must never repeat its parent's


def _random_80() -> int:
    """80 random bits; the OS is asked for 64 ids' worth at once (in a push, one system call per
    id cost more than the rest of making it)."""
    with _RANDOM_LOCK:
        if len(_RANDOM) < 10:
            _RANDOM.extend(os.urandom(640))
        chunk = _RANDOM[-10:]
        del _RANDOM[-10:]
    return int.from_bytes(chunk, "big")


def utcnow() -> datetime:
    """Naive UTC now: instants are stored naive-UTC so SQLite and PostgreSQL behave alike."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class SyncedMixin:
    """The synced columns of SPEC §3 plus the per-field metadata the merge needs.

    `field_meta` tells, per field, the change that last set it ([version, edited_at, client_id,
    op_id, user_id, device_at]); the key "deleted" does the same for the last delete or restore.
    It is stored packed, each change once (see server/sync/codec/meta.py).
    `search_text` is a casefolded copy of the searchable fields: SQLite's lower() only folds
    ASCII, so case-insensitive search for ä, ö, å has to be prepared in Python.
    """

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    version: Mapped[int] = mapped_column(BigInteger, nullable=False, index=True)
    deleted: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    field_meta: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    search_text: Mapped[str] = mapped_column(Text, nullable=False, default="")


def ref(table: str, nullable: bool = True):
    """A foreign key column to another synced table (or users)."""
    return mapped_column(String(36), db.ForeignKey(f"{table}.id"), nullable=nullable, index=True)
