"""Neighbourhood budget rounds and the votes cast in them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import Base, TimestampMixin, utcnow
from app.neighbourhoods.models import Neighbourhood


class VoteStyle(enum.StrEnum):
    """Approval: up to N ideas. Budget: any ideas whose budgets fit the round's budget."""

    APPROVAL = "approval"
    BUDGET = "budget"


class VoteUnit(enum.StrEnum):
    """Who holds a vote: each verified person, or each home (its first voting member)."""

    PERSON = "person"
    HOUSEHOLD = "household"


class Round(TimestampMixin, Base):
    """A period in a neighbourhood with a submission window, a voting window and a budget."""

    __tablename__ = "rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(
        ForeignKey("neighbourhoods.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    budget_cents: Mapped[int]
    submission_opens_at: Mapped[datetime]
    submission_closes_at: Mapped[datetime]
    voting_opens_at: Mapped[datetime]
    voting_closes_at: Mapped[datetime]
    style: Mapped[str] = mapped_column(String(10), default=VoteStyle.APPROVAL)
    votes_per_resident: Mapped[int | None]
    vote_unit: Mapped[str] = mapped_column(String(10), default=VoteUnit.PERSON)
    hide_counts: Mapped[bool] = mapped_column(default=False, server_default=false())
    closed_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    neighbourhood: Mapped[Neighbourhood] = relationship(lazy="joined", innerjoin=True)

    def submission_open(self, now: datetime) -> bool:
        """Tell whether ideas can be submitted to this round now."""
        return self.submission_opens_at <= now < self.submission_closes_at

    def voting_open(self, now: datetime) -> bool:
        """Tell whether votes can be cast or taken back now."""
        return self.closed_at is None and self.voting_opens_at <= now < self.voting_closes_at

    def voting_started(self, now: datetime) -> bool:
        """Tell whether the voting window has opened (after which vote rules are fixed)."""
        return self.voting_opens_at <= now or self.closed_at is not None

    def counts_hidden(self, now: datetime) -> bool:
        """Tell whether vote counts are secret for now (until voting ends, if the round says so)."""
        return self.hide_counts and self.closed_at is None and now < self.voting_closes_at


class Vote(Base):
    """One ballot's support for one idea. Secret: only the voter sees their own vote."""

    __tablename__ = "votes"
    __table_args__ = (
        UniqueConstraint("proposal_id", "ballot"),
        Index("ix_votes_round_ballot", "round_id", "ballot"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    # "user:<id>" or "household:<id>": who holds the vote, as the round's vote_unit says.
    ballot: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
