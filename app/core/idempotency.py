"""Idempotency-Key handling for create endpoints that the offline outbox replays.

The logic is filled in with issue 4. A key is per user; the row is written in the same
transaction as what the request creates, so a replay finds either nothing or the finished result.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, utcnow


class IdempotencyKey(Base):
    """A request a user made with an Idempotency-Key, and what it created."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))  # sha256 of method, path and body
    kind: Mapped[str] = mapped_column(String(32))  # what the endpoint creates, e.g. "report"
    resource_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
