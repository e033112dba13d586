"""Votes under real concurrency: threads against a live threaded server, on both databases."""

from __future__ import annotations

from sqlalchemy import func, select

from app.proposals.models import Proposal, Vote
from tests.live import Browser, race


def _devices(live_url: str, db, *users) -> list[Browser]:
    """Log each user in on a device of their own (after ending the test's read transaction)."""
    emails = [user.email for user in users]
    db.session.commit()  # a stale SQLite read snapshot could not write test data later
    devices = []
    for email in emails:
        devices.append(browser := Browser(live_url))
        browser.login(email)
    return devices


def _votes(db, proposal_ids) -> int:
    db.session.commit()
    return db.session.scalar(select(func.count()).where(Vote.proposal_id.in_(proposal_ids)))


def test_forty_simultaneous_casts_by_one_resident_count_once(
    live_url, db, resident, make_round, make_proposal
):
    idea = make_proposal(voting_round=make_round())
    [device] = _devices(live_url, db, resident)
    path = f"/api/v1/proposals/{idea.id}/vote"
    statuses = race(*[lambda: device.call("PUT", path)] * 40)
    assert sorted(set(statuses)) == [200, 201], statuses
    assert statuses.count(201) == 1
    assert _votes(db, [idea.id]) == 1
    assert db.session.get(Proposal, idea.id).vote_count == 1


def test_thirty_residents_at_once_count_thirty(
    live_url, db, make_resident, make_round, make_proposal
):
    idea = make_proposal(voting_round=make_round())
    devices = _devices(live_url, db, *[make_resident() for _ in range(30)])
    path = f"/api/v1/proposals/{idea.id}/vote"
    statuses = race(*[lambda d=device: d.call("PUT", path) for device in devices])
    assert statuses == [201] * 30
    assert _votes(db, [idea.id]) == 30
    assert db.session.get(Proposal, idea.id).vote_count == 30


def test_a_limit_of_three_holds_under_eight_simultaneous_casts(
    live_url, db, resident, make_round, make_proposal
):
    chosen = make_round(votes_per_resident=3)
    ids = [make_proposal(voting_round=chosen).id for _ in range(8)]
    [device] = _devices(live_url, db, resident)
    statuses = race(*[lambda i=i: device.call("PUT", f"/api/v1/proposals/{i}/vote") for i in ids])
    assert sorted(statuses) == [201] * 3 + [409] * 5, statuses
    assert _votes(db, ids) == 3


def test_a_budget_holds_under_simultaneous_casts(live_url, db, resident, make_round, make_proposal):
    chosen = make_round(style="budget", budget_cents=100_000)
    ids = [make_proposal(voting_round=chosen, budget_cents=30_000).id for _ in range(6)]
    [device] = _devices(live_url, db, resident)
    statuses = race(*[lambda i=i: device.call("PUT", f"/api/v1/proposals/{i}/vote") for i in ids])
    assert sorted(statuses) == [201] * 3 + [409] * 3, statuses
    assert _votes(db, ids) == 3


def test_casts_and_retractions_at_once_keep_the_count_exact(
    live_url, db, make_resident, make_round, make_proposal
):
    idea = make_proposal(voting_round=make_round())
    devices = _devices(live_url, db, *[make_resident() for _ in range(12)])
    path = f"/api/v1/proposals/{idea.id}/vote"
    for device in devices[:6]:
        assert device.call("PUT", path)[0] == 201
    calls = [lambda d=d: d.call("DELETE", path) for d in devices[:6]]
    calls += [lambda d=d: d.call("PUT", path) for d in devices[6:]]
    statuses = race(*calls)
    assert all(status < 500 for status in statuses), statuses
    assert _votes(db, [idea.id]) == 6
    assert db.session.get(Proposal, idea.id).vote_count == 6
