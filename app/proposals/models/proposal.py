"""Proposals (ideas), their edit history, followers and progress updates."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.core.db import Base, TimestampMixin, utcnow
from app.neighbourhoods.models import Complex, Neighbourhood

if TYPE_CHECKING:
    from app.proposals.models.round import Round


class Status(enum.StrEnum):
    """Where an idea is in its life; the allowed moves are in proposals/lifecycle.py."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    PUBLISHED = "published"
    REJECTED = "rejected"
    SELECTED = "selected"
    NOT_SELECTED = "not_selected"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"
    HIDDEN = "hidden"


# Visible to everyone; the other statuses only to the author and staff.
PUBLIC_STATUSES = (
    Status.PUBLISHED,
    Status.SELECTED,
    Status.NOT_SELECTED,
    Status.IN_PROGRESS,
    Status.COMPLETED,
)


class CorporationRole(enum.StrEnum):
    """What the corporation does for an idea, once decided."""

    INITIATE = "initiate"
    DIRECT = "direct"
    FACILITATE = "facilitate"
    FINANCE = "finance"


class Proposal(TimestampMixin, Base):
    """A resident's idea for the neighbourhood, possibly asking for a budget."""

    __tablename__ = "proposals"
    __table_args__ = (
        # The list's three sort orders, per neighbourhood and overall (keyset pagination).
        Index("ix_proposals_neighbourhood_new", "neighbourhood_id", "id"),
        Index("ix_proposals_neighbourhood_popular", "neighbourhood_id", "vote_count", "id"),
        Index("ix_proposals_neighbourhood_trending", "neighbourhood_id", "trending_score", "id"),
        Index("ix_proposals_popular", "vote_count", "id"),
        Index("ix_proposals_trending", "trending_score", "id"),
        Index("ix_proposals_status_submitted", "status", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(
        ForeignKey("neighbourhoods.id", ondelete="CASCADE")
    )
    round_id: Mapped[int | None] = mapped_column(
        ForeignKey("rounds.id", ondelete="SET NULL"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    theme: Mapped[str] = mapped_column(String(10))
    budget_cents: Mapped[int | None]
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    complex_id: Mapped[int | None] = mapped_column(
        ForeignKey("complexes.id", ondelete="SET NULL"), index=True
    )
    corporation_role: Mapped[str | None] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(16), default=Status.DRAFT)
    status_before_hidden: Mapped[str | None] = mapped_column(String(16))
    decision_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    vote_count: Mapped[int] = mapped_column(default=0, server_default="0")
    comment_count: Mapped[int] = mapped_column(default=0, server_default="0")
    trending_score: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    progress: Mapped[int | None]
    submitted_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]

    neighbourhood: Mapped[Neighbourhood] = relationship(lazy="joined", innerjoin=True)
    author: Mapped[User | None] = relationship(lazy="joined")
    round: Mapped[Round | None] = relationship(lazy="joined")
    complex: Mapped[Complex | None] = relationship()

    # Filled in per request by services.annotate(): the caller's vote, or None.
    my_vote = None

    @property
    def is_public(self) -> bool:
        """Tell whether everyone may see this idea."""
        return self.status in PUBLIC_STATUSES


class ProposalRevision(Base):
    """What an idea said before an edit made after it was submitted (the visible history)."""

    __tablename__ = "proposal_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    editor: Mapped[User | None] = relationship(lazy="joined")


class Follow(Base):
    """A user who wants to hear what happens to an idea."""

    __tablename__ = "proposal_follows"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProgressUpdate(Base):
    """Staff's public news about a selected idea: text, progress, maybe a new status."""

    __tablename__ = "proposal_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    progress: Mapped[int | None]
    status: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship(lazy="joined")
