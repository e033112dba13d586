"""Voting: who may vote, limits per round, budgets, households, secrecy and retraction."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.core.db import utcnow
from app.proposals.models import Proposal, Status, Vote
from tests.conftest import problem


@pytest.fixture
def voting_round(make_round):
    return make_round(votes_per_resident=3)


@pytest.fixture
def idea(make_proposal, voting_round):
    return make_proposal(voting_round=voting_round, budget_cents=100_000)


def votes_on(db, proposal) -> int:
    db.session.commit()
    return db.session.scalar(select(func.count()).where(Vote.proposal_id == proposal.id))


def test_a_verified_resident_votes(api_as, resident, idea, db):
    response = api_as(resident).put(f"/proposals/{idea.id}/vote")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["vote_count"] == 1 and body["votes_left"] == 2 and body["by_me"] is True
    assert votes_on(db, idea) == 1
    shown = api_as(resident).get(f"/proposals/{idea.id}").get_json()
    assert shown["vote_count"] == 1 and shown["my_vote"]["by_me"] is True


def test_a_second_cast_returns_the_same_vote(api_as, resident, idea, db):
    client = api_as(resident)
    first = client.put(f"/proposals/{idea.id}/vote").get_json()
    second = client.put(f"/proposals/{idea.id}/vote")
    assert second.status_code == 200
    assert second.get_json()["cast_at"] == first["cast_at"]
    assert second.get_json()["vote_count"] == 1
    assert votes_on(db, idea) == 1


def test_visitors_are_asked_to_log_in(api, idea):
    problem(api.put(f"/proposals/{idea.id}/vote"), 401)


def test_unverified_residents_cannot_vote(api_as, make_user, idea):
    problem(api_as(make_user("resident")).put(f"/proposals/{idea.id}/vote"), 403)


def test_residents_of_another_neighbourhood_cannot_vote(
    api_as, make_resident, make_neighbourhood, idea
):
    outsider = make_resident(make_neighbourhood("Bloemendaal"))
    problem(api_as(outsider).put(f"/proposals/{idea.id}/vote"), 403)


def test_only_published_ideas_get_votes(api_as, resident, make_proposal, voting_round, staff):
    selected = make_proposal(Status.SELECTED, voting_round=voting_round)
    problem(api_as(resident).put(f"/proposals/{selected.id}/vote"), 409)
    submitted = make_proposal(Status.SUBMITTED, voting_round=voting_round)
    problem(api_as(resident).put(f"/proposals/{submitted.id}/vote"), 409)


def test_ideas_outside_a_round_get_no_votes(api_as, resident, make_proposal):
    loose = make_proposal()
    problem(api_as(resident).put(f"/proposals/{loose.id}/vote"), 409)


@pytest.mark.parametrize("moment", ["before", "after"])
def test_votes_only_in_the_voting_window(api_as, resident, make_round, make_proposal, moment):
    now = utcnow()
    window = (
        {"voting_opens_at": now + timedelta(days=1), "voting_closes_at": now + timedelta(days=5)}
        if moment == "before"
        else {
            "voting_opens_at": now - timedelta(days=5),
            "voting_closes_at": now - timedelta(hours=1),
        }
    )
    chosen = make_round(**window)
    proposal = make_proposal(voting_round=chosen)
    problem(api_as(resident).put(f"/proposals/{proposal.id}/vote"), 409)


def test_the_vote_limit_holds(api_as, resident, make_proposal, voting_round, db):
    ideas = [make_proposal(voting_round=voting_round) for _ in range(4)]
    client = api_as(resident)
    statuses = [client.put(f"/proposals/{p.id}/vote").status_code for p in ideas]
    assert statuses == [201, 201, 201, 409]
    body = problem(client.put(f"/proposals/{ideas[3].id}/vote"), 409)
    assert "3" in body["detail"]


def test_retracting_frees_a_vote(api_as, resident, make_proposal, voting_round, db):
    ideas = [make_proposal(voting_round=voting_round) for _ in range(4)]
    client = api_as(resident)
    for proposal in ideas[:3]:
        client.put(f"/proposals/{proposal.id}/vote")
    assert client.delete(f"/proposals/{ideas[0].id}/vote").status_code == 204
    assert client.delete(f"/proposals/{ideas[0].id}/vote").status_code == 204
    assert client.put(f"/proposals/{ideas[3].id}/vote").status_code == 201
    db.session.commit()
    assert db.session.get(Proposal, ideas[0].id).vote_count == 0


def test_votes_cannot_be_retracted_after_voting_closed(api_as, resident, idea, voting_round, db):
    client = api_as(resident)
    client.put(f"/proposals/{idea.id}/vote")
    voting_round.voting_closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    problem(client.delete(f"/proposals/{idea.id}/vote"), 409)
    assert votes_on(db, idea) == 1


def test_budget_rounds_keep_choices_within_the_budget(api_as, resident, make_round, make_proposal):
    budget_round = make_round(style="budget", budget_cents=100_000)
    big = make_proposal(voting_round=budget_round, budget_cents=70_000)
    medium = make_proposal(voting_round=budget_round, budget_cents=40_000)
    small = make_proposal(voting_round=budget_round, budget_cents=30_000)
    client = api_as(resident)
    first = client.put(f"/proposals/{big.id}/vote").get_json()
    assert first["budget_left_cents"] == 30_000 and first["votes_left"] is None
    problem(client.put(f"/proposals/{medium.id}/vote"), 409)
    assert client.put(f"/proposals/{small.id}/vote").get_json()["budget_left_cents"] == 0


def test_household_rounds_count_one_vote_per_home(
    api_as, make_resident, make_household, make_round, make_proposal, wijk, db
):
    household_round = make_round(vote_unit="household")
    proposal = make_proposal(voting_round=household_round)
    home = make_household(wijk)
    first, second = make_resident(household=home), make_resident(household=home)
    assert api_as(first).put(f"/proposals/{proposal.id}/vote").status_code == 201
    told = api_as(second).put(f"/proposals/{proposal.id}/vote")
    assert told.status_code == 200
    assert told.get_json()["by_me"] is False
    assert api_as(second).get(f"/proposals/{proposal.id}").get_json()["my_vote"]["by_me"] is False
    assert votes_on(db, proposal) == 1
    problem(api_as(second).delete(f"/proposals/{proposal.id}/vote"), 403)
    assert api_as(first).delete(f"/proposals/{proposal.id}/vote").status_code == 204


def test_secret_rounds_hide_counts_until_voting_ends(
    api_as, api, resident, make_round, make_proposal, db
):
    secret = make_round(hide_counts=True)
    proposal = make_proposal(voting_round=secret)
    cast = api_as(resident).put(f"/proposals/{proposal.id}/vote").get_json()
    assert cast["vote_count"] is None
    assert api.get(f"/proposals/{proposal.id}").get_json()["vote_count"] is None
    assert api.get(f"/rounds/{secret.id}/results").get_json()["ranking"] == []
    db.session.commit()
    assert db.session.get(Proposal, proposal.id).vote_count == 0  # so no sort order leaks


def test_nobody_can_list_who_voted(api_as, staff, resident, idea):
    api_as(resident).put(f"/proposals/{idea.id}/vote")
    staff_view = api_as(staff).get(f"/proposals/{idea.id}").get_json()
    assert staff_view["my_vote"] is None
    listed = api_as(staff).get("/proposals").get_json()["items"]
    assert all(item["my_vote"] is None for item in listed)
    assert resident.email not in str(
        api_as(staff).get(f"/rounds/{idea.round_id}/results").get_json()
    )


def test_popular_and_trending_follow_votes(api_as, make_resident, make_proposal, voting_round, api):
    quiet, loved = (
        make_proposal(voting_round=voting_round),
        make_proposal(voting_round=voting_round),
    )
    for _ in range(2):
        api_as(make_resident()).put(f"/proposals/{loved.id}/vote")
    api_as(make_resident()).put(f"/proposals/{quiet.id}/vote")
    for sort in ("popular", "trending"):
        ids = [item["id"] for item in api.get(f"/proposals?sort={sort}").get_json()["items"]]
        assert ids == [loved.id, quiet.id], sort


def test_trending_follows_the_decayed_vote_sum(api_as, make_resident, idea, db):
    from app.proposals.services.votes import _log2_add, _weight

    first, second = api_as(make_resident()), api_as(make_resident())
    first.put(f"/proposals/{idea.id}/vote")
    second.put(f"/proposals/{idea.id}/vote")
    db.session.commit()
    cast = sorted(v.created_at for v in db.session.query(Vote).filter_by(proposal_id=idea.id))
    expected = _log2_add(_log2_add(0.0, _weight(cast[0])), _weight(cast[1]))
    assert db.session.get(Proposal, idea.id).trending_score == pytest.approx(expected, abs=1e-6)
    first.delete(f"/proposals/{idea.id}/vote")
    db.session.expire_all()
    remaining = db.session.query(Vote).filter_by(proposal_id=idea.id).one().created_at
    score = db.session.get(Proposal, idea.id).trending_score
    assert score == pytest.approx(_weight(remaining), abs=1e-6)


def test_a_vote_does_not_count_as_an_edit(api_as, resident, idea, db):
    before = idea.updated_at
    api_as(resident).put(f"/proposals/{idea.id}/vote")
    db.session.expire_all()
    assert db.session.get(Proposal, idea.id).updated_at == before
