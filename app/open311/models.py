"""Open311 partners (API keys) and what their requests added to a report."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import Base, utcnow


class Open311Partner(Base):
    """An organisation that may post Open311 requests; only a hash of its key is stored."""

    __tablename__ = "open311_partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex of the key
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]


class Open311Request(Base):
    """The Open311 side of a report a partner posted: who posted it and the address given.

    Kept beside the report, so the reports feature needs no knowledge of partners.
    """

    __tablename__ = "open311_requests"

    report_id: Mapped[int] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True
    )
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("open311_partners.id", ondelete="SET NULL"), index=True
    )
    address_string: Mapped[str] = mapped_column(String(500), default="", server_default="")

    partner: Mapped[Open311Partner | None] = relationship()
