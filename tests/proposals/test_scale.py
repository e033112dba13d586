"""The bulk scale data (`flask seed-demo --scale`) is as consistent as data made by the services."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.accounts.passwords import verify_password
from app.core.db import commit, utcnow, write_intent
from app.neighbourhoods.models import Household
from app.proposals.models import Proposal, Round, Status, Vote
from app.proposals.scale import SCALE_PASSWORD, resident_email, seed_scale
from app.proposals.services.votes import _log2_add, _weight


def _seed(db, **sizes) -> list[str]:
    with write_intent():
        lines = seed_scale(db.session, **sizes)
        commit(db.session)
    return lines


def _totals(db) -> tuple[int, ...]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (User, Household, Round, Proposal, Vote)
    )


def test_seed_scale_counts_match_the_votes(db):
    _seed(db, ideas=200, votes=1000)
    per_idea = dict(
        db.session.execute(select(Vote.proposal_id, func.count()).group_by(Vote.proposal_id)).all()
    )
    ideas = db.session.scalars(select(Proposal)).all()
    assert len(ideas) == 200
    assert sum(per_idea.values()) == 1000
    assert all(idea.vote_count == per_idea.get(idea.id, 0) for idea in ideas)
    assert max(per_idea.values()) > 3 * (1000 / len(per_idea))  # some ideas are popular


def test_seed_scale_trending_scores_equal_one_vote_at_a_time(db):
    _seed(db, ideas=60, votes=300)
    scores: dict[int, float] = {}
    for proposal_id, cast_at in db.session.execute(
        select(Vote.proposal_id, Vote.created_at).order_by(Vote.created_at)
    ):
        scores[proposal_id] = _log2_add(scores.get(proposal_id, 0.0), _weight(cast_at))
    for idea in db.session.scalars(select(Proposal)):
        assert idea.trending_score == pytest.approx(scores.get(idea.id, 0.0), abs=1e-6)


def test_seed_scale_has_one_vote_per_idea_and_ballot(db):
    _seed(db, ideas=200, votes=1000)
    pairs = db.session.execute(select(Vote.proposal_id, Vote.ballot)).all()
    assert len(set(pairs)) == len(pairs) == 1000


def test_seed_scale_voters_are_verified_residents_of_the_round(db):
    _seed(db, ideas=200, votes=1000)
    rows = db.session.execute(
        select(Vote, User, Household, Round, Proposal)
        .join(User, Vote.user_id == User.id)
        .join(Household, User.household_id == Household.id)
        .join(Round, Vote.round_id == Round.id)
        .join(Proposal, Vote.proposal_id == Proposal.id)
    ).all()
    assert len(rows) == 1000
    now = utcnow()
    for vote, user, household, voting_round, idea in rows:
        assert vote.ballot == f"user:{user.id}"
        assert household.neighbourhood_id == voting_round.neighbourhood_id
        assert user.verified_at is not None
        assert idea.round_id == voting_round.id and idea.status == Status.PUBLISHED
        assert voting_round.voting_open(now) and idea.published_at < vote.created_at < now


def test_seed_scale_stays_within_each_residents_votes(db):
    _seed(db, ideas=200, votes=1000)
    used = db.session.execute(
        select(Vote.round_id, Vote.ballot, func.count()).group_by(Vote.round_id, Vote.ballot)
    ).all()
    limits = dict(db.session.execute(select(Round.id, Round.votes_per_resident)).all())
    assert all(count <= limits[round_id] for round_id, _, count in used)


def test_seed_scale_reuses_existing_neighbourhoods(db, make_neighbourhood):
    wijk = make_neighbourhood("Korte Akkeren")
    _seed(db, ideas=30, votes=60, neighbourhoods=2)
    rounds = db.session.scalars(select(Round).order_by(Round.id)).all()
    assert [r.neighbourhood_id for r in rounds][:1] == [wijk.id] and len(rounds) == 2
    in_wijk = select(func.count()).where(Proposal.neighbourhood_id == wijk.id)
    assert db.session.scalar(in_wijk) == 15


def test_seed_scale_residents_can_log_in(db):
    _seed(db, ideas=30, votes=60)
    stored = db.session.scalar(select(User.password_hash).where(User.email == resident_email(1)))
    assert verify_password(stored, SCALE_PASSWORD)


def test_seed_scale_twice_changes_nothing(db):
    _seed(db, ideas=200, votes=1000)
    before = _totals(db)
    lines = _seed(db, ideas=200, votes=1000)
    assert "already there" in lines[0]
    assert _totals(db) == before
