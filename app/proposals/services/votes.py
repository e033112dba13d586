"""Casting and taking back votes, safely under concurrency on SQLite and PostgreSQL.

Every "at most" rule is checked inside the write transaction after taking a lock on the
ballot's holder (the user or household row, FOR UPDATE on PostgreSQL; SQLite requests already
hold the database write lock through BEGIN IMMEDIATE). unique(proposal_id, ballot) backs it up.
The happy path costs five statements: the ballot's state, the insert, the counter, and on
PostgreSQL the lock and the proposal load.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext, ngettext
from sqlalchemy import ColumnElement, case, delete, func, literal, or_, select, update
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.core.db import insert_unless_present, utcnow
from app.core.errors import Conflict, Forbidden
from app.neighbourhoods.models import Household
from app.proposals.models import Proposal, Round, Status, Vote, VoteStyle, VoteUnit
from app.proposals.permissions import check_can_view

# Trending: each vote weighs 2^(t / half-life), stored as log2 of the sum, so the order
# equals "votes decayed by age" and only changes when someone votes.
TRENDING_HALF_LIFE_SECONDS = 3 * 24 * 3600
TRENDING_EPOCH = datetime(2025, 1, 1).timestamp()
LN2 = math.log(2)


@dataclass
class CastVote:
    """A vote as its caster sees it."""

    proposal_id: int
    round_id: int
    cast_at: datetime
    by_me: bool
    vote_count: int | None
    votes_left: int | None
    budget_left_cents: int | None


@dataclass
class BallotState:
    """What a ballot has done in a round so far."""

    used: int
    spent_cents: int
    existing: Vote | None


def _weight(moment: datetime) -> float:
    return (moment.timestamp() - TRENDING_EPOCH) / TRENDING_HALF_LIFE_SECONDS


def _log2_add(score: float, weight: float) -> float:
    """Add a vote's weight to a trending score (both log2), as the SQL in _trending does."""
    if score <= 0:
        return weight
    high, low = max(score, weight), min(score, weight)
    return high + math.log2(1 + 2 ** (low - high))


def _trending(dialect: str, weight: float, delta: int) -> ColumnElement[float]:
    """Return SQL for the new trending score after adding or taking away one vote's weight."""
    score, w = Proposal.trending_score, literal(weight)
    high, low = (func.greatest, func.least) if dialect == "postgresql" else (func.max, func.min)
    if delta > 0:
        added = high(score, w) + func.ln(1 + func.exp((low(score, w) - high(score, w)) * LN2)) / LN2
        return case((score <= 0, w), else_=added)
    taken = score + func.ln(1 - func.exp((w - score) * LN2)) / LN2
    return case((score - w > 1e-9, taken), else_=0.0)


def _ballot(user: User, voting_round: Round) -> str:
    if voting_round.vote_unit == VoteUnit.HOUSEHOLD:
        return f"household:{user.household_id}"
    return f"user:{user.id}"


def _lock_ballot_holder(session: Session, user: User, voting_round: Round) -> None:
    """Serialise one ballot's votes: lock the row of the user, or of the household."""
    if session.get_bind().dialect.name == "sqlite":
        return  # the request began with BEGIN IMMEDIATE: it holds the database's write lock
    if voting_round.vote_unit == VoteUnit.HOUSEHOLD:
        query = select(Household.id).where(Household.id == user.household_id)
    else:
        query = select(User.id).where(User.id == user.id)
    session.execute(query.with_for_update())


def _voting_round(session: Session, user: User, proposal: Proposal) -> Round:
    check_can_view(session, user, proposal)
    voting_round = proposal.round
    if voting_round is None:
        raise Conflict(gettext("This idea is not part of a voting round."))
    if user.household is None or user.household.neighbourhood_id != voting_round.neighbourhood_id:
        raise Forbidden(
            gettext(
                "Only residents who have linked their address in %(name)s can vote here.",
                name=voting_round.neighbourhood.name,
            )
        )
    if not voting_round.voting_open(utcnow()):
        raise Conflict(gettext("Voting in this round is not open."))
    return voting_round


def _ballot_state(session: Session, voting_round: Round, proposal: Proposal, ballot: str):
    """Read in one query how many votes and how much budget a ballot used, and its vote here."""
    used, spent, existing_id = session.execute(
        select(
            func.count(Vote.id),
            func.coalesce(func.sum(Proposal.budget_cents), 0),
            func.max(case((Vote.proposal_id == proposal.id, Vote.id))),
        )
        .select_from(Vote)
        .join(Proposal, Proposal.id == Vote.proposal_id)
        .where(Vote.round_id == voting_round.id, Vote.ballot == ballot)
    ).one()
    existing = session.get(Vote, existing_id) if existing_id is not None else None
    return BallotState(used, spent, existing)


def _check_limits(voting_round: Round, proposal: Proposal, state: BallotState) -> None:
    if voting_round.style == VoteStyle.BUDGET:
        if state.spent_cents + (proposal.budget_cents or 0) > voting_round.budget_cents:
            raise Conflict(
                gettext(
                    "This idea does not fit in the budget you have left. "
                    "Take back a vote to make room."
                )
            )
        return
    limit = voting_round.votes_per_resident or 1
    if state.used >= limit:
        raise Conflict(
            ngettext(
                "You have used your %(num)d vote in this round. "
                "Take it back to vote for this idea.",
                "You have used all %(num)d votes in this round. "
                "Take one back to vote for this idea.",
                limit,
            )
        )


def _count(session: Session, proposal: Proposal, voting_round: Round, cast_at, delta: int):
    """Move vote_count and trending_score in one statement; return the new count."""
    if voting_round.hide_counts:
        return None  # counted when the round closes, so neither counts nor order leak early
    dialect = session.get_bind().dialect.name
    count = session.execute(
        update(Proposal)
        .where(Proposal.id == proposal.id)
        .values(
            vote_count=Proposal.vote_count + delta,
            trending_score=_trending(dialect, _weight(cast_at), delta),
            updated_at=Proposal.updated_at,  # a vote is not an edit of the idea
        )
        .returning(Proposal.vote_count)
    ).scalar_one()
    session.expire(proposal, ["vote_count", "trending_score"])
    return count


def _summary(user, voting_round, proposal, vote, state: BallotState, count, added: int):
    hidden = voting_round.counts_hidden(utcnow())
    budget = voting_round.style == VoteStyle.BUDGET
    return CastVote(
        proposal_id=proposal.id,
        round_id=voting_round.id,
        cast_at=vote.created_at,
        by_me=vote.user_id == user.id,
        vote_count=None if hidden else count,
        votes_left=None if budget else (voting_round.votes_per_resident or 1) - state.used - added,
        budget_left_cents=(
            voting_round.budget_cents - state.spent_cents - added * (proposal.budget_cents or 0)
            if budget
            else None
        ),
    )


def _insert(session: Session, proposal: Proposal, voting_round: Round, ballot: str, user: User):
    """Insert the vote unless the ballot has one on this idea already; return it or None."""
    now = utcnow()
    row = session.execute(
        insert_unless_present(
            session,
            Vote,
            proposal_id=proposal.id,
            round_id=voting_round.id,
            ballot=ballot,
            user_id=user.id,
            created_at=now,
        ).returning(Vote.id)
    ).first()
    if row is None:
        return None
    return Vote(id=row.id, proposal_id=proposal.id, ballot=ballot, user_id=user.id, created_at=now)


def cast_vote(session: Session, user: User, proposal: Proposal) -> tuple[CastVote, bool]:
    """Vote for an idea; return the vote and whether it is new (a repeat returns the first)."""
    voting_round = _voting_round(session, user, proposal)
    if proposal.status != Status.PUBLISHED:
        raise Conflict(gettext("You can only vote for published ideas."))
    ballot = _ballot(user, voting_round)
    _lock_ballot_holder(session, user, voting_round)
    state = _ballot_state(session, voting_round, proposal, ballot)
    if state.existing is not None:
        existing = state.existing
        return _summary(
            user, voting_round, proposal, existing, state, proposal.vote_count, 0
        ), False
    _check_limits(voting_round, proposal, state)
    vote = _insert(session, proposal, voting_round, ballot, user)
    if vote is None:  # only reachable if the lock was bypassed; the unique key holds
        state = _ballot_state(session, voting_round, proposal, ballot)
        return _summary(user, voting_round, proposal, state.existing, state, None, 0), False
    count = _count(session, proposal, voting_round, vote.created_at, +1)
    return _summary(user, voting_round, proposal, vote, state, count, 1), True


def retract_vote(session: Session, user: User, proposal: Proposal) -> None:
    """Take back one's vote while voting is open; taking back twice is fine."""
    voting_round = _voting_round(session, user, proposal)
    ballot = _ballot(user, voting_round)
    _lock_ballot_holder(session, user, voting_round)
    mine = (Vote.proposal_id == proposal.id) & (Vote.ballot == ballot)
    removed = session.execute(
        delete(Vote)
        .where(mine, or_(Vote.user_id == user.id, Vote.user_id.is_(None)))
        .returning(Vote.created_at)
    ).first()
    if removed is not None:
        _count(session, proposal, voting_round, removed.created_at, -1)
    elif session.scalar(select(Vote.id).where(mine)) is not None:
        raise Forbidden(
            gettext("Someone else in your household cast this vote; only they can take it back.")
        )


def tally(session: Session, voting_round: Round) -> dict[int, int]:
    """Count the votes per idea of a round (for results and closing; one grouped query)."""
    rows = session.execute(
        select(Vote.proposal_id, func.count())
        .where(Vote.round_id == voting_round.id)
        .group_by(Vote.proposal_id)
    )
    return dict(rows.all())


def may_vote(user: User | None, proposal: Proposal, now: datetime) -> bool:
    """Tell whether the vote button applies: a published idea, open voting, a resident there."""
    voting_round = proposal.round
    return (
        user is not None
        and voting_round is not None
        and proposal.status == Status.PUBLISHED
        and voting_round.voting_open(now)
        and user.household is not None
        and user.household.neighbourhood_id == voting_round.neighbourhood_id
    )
