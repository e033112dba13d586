"""Budget rounds: create and edit (staff), results, and closing by votes within the budget."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.core.api import paginate
from app.core.db import utcnow
from app.core.errors import Conflict, NotFound, RuleViolation
from app.neighbourhoods.models import Neighbourhood
from app.neighbourhoods.services import get_neighbourhood
from app.proposals.lifecycle import Actor
from app.proposals.models import PUBLIC_STATUSES, Proposal, Round, Status, VoteStyle, VoteUnit
from app.proposals.permissions import check_can_moderate
from app.proposals.services.proposals import change_status
from app.proposals.services.votes import tally

ROUND_FIELDS = (
    "title",
    "description",
    "budget_cents",
    "submission_opens_at",
    "submission_closes_at",
    "voting_opens_at",
    "voting_closes_at",
    "style",
    "votes_per_resident",
    "vote_unit",
    "hide_counts",
)
# Fixed once voting has opened: changing them would change the meaning of votes already cast.
VOTE_RULES = (
    "budget_cents",
    "voting_opens_at",
    "style",
    "votes_per_resident",
    "vote_unit",
    "hide_counts",
)
DEFAULT_VOTES_PER_RESIDENT = 3


@dataclass
class RankedIdea:
    """One idea in a round's ranking."""

    proposal: Proposal
    votes: int | None
    selected: bool


@dataclass
class RoundResults:
    """A round's ranking; counts are None while they are secret."""

    round: Round
    final: bool
    counts_hidden: bool
    ranking: list[RankedIdea] = field(default_factory=list)
    budget_cents: int = 0
    allocated_cents: int = 0


def get_round(session: Session, round_id: int) -> Round:
    """Return a round, or raise NotFound."""
    found = session.get(Round, round_id)
    if found is None:
        raise NotFound(gettext("This round does not exist."))
    return found


def list_rounds(session: Session, filters: dict[str, Any], cursor: str | None, limit: int) -> dict:
    """Return one page of rounds, newest voting window first."""
    query = select(Round)
    if slug := filters.get("neighbourhood"):
        query = query.join(Neighbourhood).where(Neighbourhood.slug == slug)
    return paginate(
        session, query, (Round.voting_opens_at, Round.id), cursor, limit, descending=True
    )


def _check_windows(voting_round: Round) -> None:
    errors = {}
    if voting_round.submission_closes_at <= voting_round.submission_opens_at:
        errors["submission_closes_at"] = [gettext("The window must close after it opens.")]
    if voting_round.voting_closes_at <= voting_round.voting_opens_at:
        errors["voting_closes_at"] = [gettext("The window must close after it opens.")]
    if voting_round.voting_closes_at < voting_round.submission_opens_at:
        errors["voting_closes_at"] = [gettext("Voting cannot end before ideas can be sent in.")]
    if voting_round.style == VoteStyle.APPROVAL and not voting_round.votes_per_resident:
        voting_round.votes_per_resident = DEFAULT_VOTES_PER_RESIDENT
    if voting_round.style == VoteStyle.BUDGET:
        voting_round.votes_per_resident = None
    if errors:
        raise RuleViolation(gettext("Check the dates of the round."), errors=errors)


def create_round(session: Session, actor: User, data: dict[str, Any]) -> Round:
    """Start a round in a neighbourhood the staff member manages."""
    neighbourhood = get_neighbourhood(session, data["neighbourhood"])
    check_can_moderate(session, actor, neighbourhood)
    voting_round = Round(
        neighbourhood=neighbourhood,
        created_by_id=actor.id,
        style=VoteStyle.APPROVAL,
        vote_unit=VoteUnit.PERSON,
        hide_counts=False,
    )
    for name in ROUND_FIELDS:
        if name in data:
            setattr(voting_round, name, data[name])
    _check_windows(voting_round)
    session.add(voting_round)
    session.flush()
    return voting_round


def update_round(
    session: Session, actor: User, voting_round: Round, changes: dict[str, Any]
) -> Round:
    """Change a round; its vote rules are fixed once voting has opened."""
    check_can_moderate(session, actor, voting_round.neighbourhood)
    session.execute(select(Round.id).where(Round.id == voting_round.id).with_for_update())
    if voting_round.closed_at is not None:
        raise Conflict(gettext("This round is closed and can no longer be changed."))
    frozen = [
        name
        for name in VOTE_RULES
        if name in changes and changes[name] != getattr(voting_round, name)
    ]
    if frozen and voting_round.voting_started(utcnow()):
        message = gettext("Voting has started, so the vote rules can no longer change.")
        raise Conflict(message, errors={name: [message] for name in frozen})
    for name in ROUND_FIELDS:
        if name in changes:
            setattr(voting_round, name, changes[name])
    _check_windows(voting_round)
    session.flush()
    return voting_round


def _ranked(session: Session, voting_round: Round, counts: dict[int, int]) -> list[Proposal]:
    """Return the round's ideas in the running, most votes first (ties: sent in first)."""
    candidates = session.scalars(
        select(Proposal).where(
            Proposal.round_id == voting_round.id,
            Proposal.status.in_(PUBLIC_STATUSES),
        )
    )
    return sorted(
        candidates, key=lambda p: (-counts.get(p.id, 0), p.submitted_at or p.created_at, p.id)
    )


def _select_within_budget(ranking: list[Proposal], budget: int) -> set[int]:
    """Go down the ranking and take every idea that still fits in what is left of the budget."""
    left, chosen = budget, set()
    for proposal in ranking:
        cost = proposal.budget_cents or 0
        if cost <= left:
            chosen.add(proposal.id)
            left -= cost
    return chosen


def round_results(session: Session, voting_round: Round) -> RoundResults:
    """Rank a round's ideas by votes and show which fit in the budget."""
    now = utcnow()
    hidden = voting_round.counts_hidden(now)
    results = RoundResults(
        round=voting_round,
        final=voting_round.closed_at is not None,
        counts_hidden=hidden,
        budget_cents=voting_round.budget_cents,
    )
    if hidden:
        return results
    counts = tally(session, voting_round)
    ranking = _ranked(session, voting_round, counts)
    if results.final:
        chosen = {p.id for p in ranking if p.status != Status.NOT_SELECTED}
    else:
        chosen = _select_within_budget(ranking, voting_round.budget_cents)
    for proposal in ranking:
        results.ranking.append(
            RankedIdea(proposal, counts.get(proposal.id, 0), proposal.id in chosen)
        )
    results.allocated_cents = sum(p.budget_cents or 0 for p in ranking if p.id in chosen)
    return results


def close_round(session: Session, voting_round: Round, actor: User | None = None) -> bool:
    """Select the ideas that fit in the budget by votes; return False if already closed.

    Idempotent: the round row is locked and closed_at is set in the same transaction.
    The CLI and scheduled jobs close without an actor; staff must manage the neighbourhood.
    """
    if actor is not None:
        check_can_moderate(session, actor, voting_round.neighbourhood)
    session.execute(select(Round.id).where(Round.id == voting_round.id).with_for_update())
    session.refresh(voting_round)
    if voting_round.closed_at is not None:
        return False
    if voting_round.voting_closes_at > utcnow():
        raise Conflict(gettext("Voting in this round has not ended yet."))
    counts = tally(session, voting_round)
    ranking = [p for p in _ranked(session, voting_round, counts) if p.status == Status.PUBLISHED]
    chosen = _select_within_budget(ranking, voting_round.budget_cents)
    for proposal in ranking:
        proposal.vote_count = counts.get(proposal.id, 0)  # now public, also for secret rounds
        target = Status.SELECTED if proposal.id in chosen else Status.NOT_SELECTED
        change_status(session, proposal, target, Actor.ROUND, actor)
    voting_round.closed_at = utcnow()
    session.flush()
    return True


def due_rounds(session: Session) -> list[Round]:
    """Return the rounds whose voting has ended but that are not closed yet."""
    query = select(Round).where(Round.closed_at.is_(None), Round.voting_closes_at <= utcnow())
    return list(session.scalars(query.order_by(Round.id)))


def open_for_submission(session: Session) -> list[Round]:
    """Return the rounds that take ideas now, by neighbourhood."""
    now = utcnow()
    query = select(Round).where(Round.submission_opens_at <= now, Round.submission_closes_at > now)
    return list(session.scalars(query.order_by(Round.neighbourhood_id, Round.id)))
