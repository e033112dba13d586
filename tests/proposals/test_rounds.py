"""Budget rounds: staff create and edit them, results rank ideas, closing selects them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.db import utcnow
from app.proposals.models import Proposal, Round, Status
from tests.conftest import problem

DAY = timedelta(days=1)


def round_data(**fields) -> dict:
    now = utcnow()
    return {
        "neighbourhood": "korte-akkeren",
        "title": "Buurtbudget Korte Akkeren",
        "budget_cents": 500_000,
        "submission_opens_at": now.isoformat(),
        "submission_closes_at": (now + 20 * DAY).isoformat(),
        "voting_opens_at": (now + 21 * DAY).isoformat(),
        "voting_closes_at": (now + 35 * DAY).isoformat(),
        **fields,
    }


def test_staff_create_a_round(api_as, staff, wijk):
    response = api_as(staff).post("/rounds", json=round_data())
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["style"] == "approval" and body["votes_per_resident"] == 3
    assert body["vote_unit"] == "person" and body["submission_open"] is True
    assert body["voting_open"] is False and body["neighbourhood"] == "korte-akkeren"


def test_residents_cannot_create_rounds(api_as, api, resident, wijk):
    problem(api_as(resident).post("/rounds", json=round_data()), 403)
    problem(api.post("/rounds", json=round_data()), 401)


def test_staff_of_other_neighbourhoods_cannot_create_rounds(
    api_as, make_user, make_neighbourhood, wijk, db
):
    from sqlalchemy import insert

    from app.neighbourhoods.models import staff_assignments

    other = make_neighbourhood("Bloemendaal")
    colleague = make_user("staff")
    db.session.execute(
        insert(staff_assignments).values(user_id=colleague.id, neighbourhood_id=other.id)
    )
    db.session.commit()
    problem(api_as(colleague).post("/rounds", json=round_data()), 403)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"budget_cents": -5}, "budget_cents"),
        ({"style": "ranked"}, "style"),
        ({"vote_unit": "street"}, "vote_unit"),
        ({"votes_per_resident": 0}, "votes_per_resident"),
        ({"voting_opens_at": "gisteren"}, "voting_opens_at"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_round_fields_are_refused(api_as, staff, wijk, fields, field):
    body = problem(api_as(staff).post("/rounds", json=round_data(**fields)), 422)
    assert field in body["errors"]


def test_windows_must_close_after_they_open(api_as, staff, wijk):
    now = utcnow()
    body = problem(
        api_as(staff).post(
            "/rounds",
            json=round_data(voting_closes_at=(now + 10 * DAY).isoformat()),
        ),
        422,
    )
    assert "voting_closes_at" in body["errors"]


def test_vote_rules_can_change_before_voting(api_as, staff, make_round):
    later = make_round(voting_opens_at=utcnow() + 2 * DAY)
    response = api_as(staff).patch(f"/rounds/{later.id}", json={"votes_per_resident": 5})
    assert response.status_code == 200
    assert response.get_json()["votes_per_resident"] == 5


@pytest.mark.parametrize(
    "change",
    [
        {"votes_per_resident": 5},
        {"style": "budget"},
        {"vote_unit": "household"},
        {"budget_cents": 1},
    ],
)
def test_vote_rules_are_fixed_once_voting_opened(api_as, staff, make_round, change):
    running = make_round()
    body = problem(api_as(staff).patch(f"/rounds/{running.id}", json=change), 409)
    assert set(change) <= set(body["errors"])


def test_titles_can_change_while_voting(api_as, staff, make_round):
    running = make_round()
    response = api_as(staff).patch(f"/rounds/{running.id}", json={"title": "Buurtbudget 2027!"})
    assert response.status_code == 200


def test_anyone_lists_and_reads_rounds(api, make_round, make_neighbourhood):
    mine = make_round()
    make_round(make_neighbourhood("Bloemendaal"))
    assert len(api.get("/rounds").get_json()["items"]) == 2
    listed = api.get("/rounds?neighbourhood=korte-akkeren").get_json()["items"]
    assert [item["id"] for item in listed] == [mine.id]
    assert api.get(f"/rounds/{mine.id}").get_json()["title"] == mine.title
    problem(api.get("/rounds/424242"), 404)


def _vote(api_as, make_resident, proposal, times):
    for _ in range(times):
        assert api_as(make_resident()).put(f"/proposals/{proposal.id}/vote").status_code == 201


def test_results_rank_by_votes_within_the_budget(
    api, api_as, make_resident, make_round, make_proposal
):
    chosen = make_round(budget_cents=100_000)
    first = make_proposal(voting_round=chosen, budget_cents=60_000)
    second = make_proposal(voting_round=chosen, budget_cents=50_000)
    third = make_proposal(voting_round=chosen, budget_cents=40_000)
    _vote(api_as, make_resident, first, 3)
    _vote(api_as, make_resident, second, 2)
    _vote(api_as, make_resident, third, 1)
    results = api.get(f"/rounds/{chosen.id}/results").get_json()
    assert [(r["proposal"], r["votes"], r["selected"]) for r in results["ranking"]] == [
        (first.id, 3, True),
        (second.id, 2, False),  # does not fit next to the first
        (third.id, 1, True),
    ]
    assert results["allocated_cents"] == 100_000 and results["final"] is False


def _end_voting(db, voting_round: Round) -> None:
    voting_round.voting_closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()


def test_closing_selects_ideas_once(app, db, api_as, make_resident, make_round, make_proposal):
    chosen = make_round(budget_cents=100_000)
    winner = make_proposal(voting_round=chosen, budget_cents=80_000)
    loser = make_proposal(voting_round=chosen, budget_cents=50_000)
    _vote(api_as, make_resident, winner, 2)
    _vote(api_as, make_resident, loser, 1)
    _end_voting(db, chosen)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["rounds", "close"])
    assert "closed" in first.output, first.output
    second = runner.invoke(args=["rounds", "close", "--round", str(chosen.id)])
    assert "already closed" in second.output
    db.session.expire_all()
    assert db.session.get(Proposal, winner.id).status == Status.SELECTED
    assert db.session.get(Proposal, loser.id).status == Status.NOT_SELECTED
    assert db.session.get(Round, chosen.id).closed_at is not None


def test_closing_waits_for_the_end_of_voting(app, make_round):
    running = make_round()
    result = app.test_cli_runner().invoke(args=["rounds", "close", "--round", str(running.id)])
    assert result.exit_code != 0
    assert (
        app.test_cli_runner().invoke(args=["rounds", "close"]).output.strip()
        == "No rounds to close."
    )


def test_closing_a_secret_round_reveals_its_counts(
    app, db, api, api_as, make_resident, make_round, make_proposal
):
    secret = make_round(hide_counts=True)
    proposal = make_proposal(voting_round=secret)
    _vote(api_as, make_resident, proposal, 2)
    _end_voting(db, secret)
    assert api.get(f"/rounds/{secret.id}/results").get_json()["ranking"][0]["votes"] == 2
    app.test_cli_runner().invoke(args=["rounds", "close"])
    assert api.get(f"/proposals/{proposal.id}").get_json()["vote_count"] == 2
    results = api.get(f"/rounds/{secret.id}/results").get_json()
    assert results["final"] is True and results["ranking"][0]["selected"] is True


def test_a_closed_round_cannot_change(app, db, api_as, staff, make_round):
    ended = make_round()
    _end_voting(db, ended)
    app.test_cli_runner().invoke(args=["rounds", "close"])
    problem(api_as(staff).patch(f"/rounds/{ended.id}", json={"title": "Nog eens"}), 409)


def test_the_job_worker_closes_due_rounds(db, make_round, make_proposal):
    from app.proposals.jobs import close_due_rounds

    ended = make_round()
    idea = make_proposal(voting_round=ended)
    _end_voting(db, ended)
    close_due_rounds()  # JOBS_IMMEDIATE in tests: runs now, as the worker would on schedule
    db.session.expire_all()
    assert db.session.get(Round, ended.id).closed_at is not None
    assert db.session.get(Proposal, idea.id).status == Status.SELECTED
