"""Photos: the intake pipeline for uploaded images, and the Photo rows that point at the files.

The pipeline and its storage are filled in with issue 4; the model is shared by every feature
that takes photos (reports now, ideas later). A photo belongs to one owner (owner_type +
owner_id, e.g. "report" 12); who may see it is decided by that owner's feature (app/core/media).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, utcnow


class Photo(Base):
    """One stored photo: a display version and a thumbnail, without any metadata."""

    __tablename__ = "photos"
    __table_args__ = (Index("ix_photos_owner", "owner_type", "owner_id"),)

    # The public id in /media/<id>/<variant>; the files live under storage_key, which is
    # never shown, so a URL tells nothing about where or how the files are kept.
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    owner_type: Mapped[str] = mapped_column(String(32))
    owner_id: Mapped[int]
    position: Mapped[int] = mapped_column(default=0)
    uploader_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    content_type: Mapped[str] = mapped_column(String(32))
    width: Mapped[int]
    height: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
