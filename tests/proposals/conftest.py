"""Fixtures of the proposals tests: neighbourhoods with homes, residents, ideas and rounds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from app.accounts.models import User
from app.core.db import commit, utcnow
from app.neighbourhoods.models import Neighbourhood
from app.proposals.lifecycle import Actor
from app.proposals.models import Proposal, Round, Status
from app.proposals.services import proposals as proposal_services
from app.proposals.services import rounds as round_services

DAY = timedelta(days=1)


@pytest.fixture
def make_round(db, staff, wijk) -> Callable[..., Round]:
    """Create a round; by default submission and voting are both open now."""

    def create(neighbourhood: Neighbourhood | None = None, **fields) -> Round:
        now = utcnow()
        data = {
            "neighbourhood": (neighbourhood or wijk).slug,
            "title": "Buurtbudget 2027",
            "budget_cents": 1_000_000,
            "submission_opens_at": now - 10 * DAY,
            "submission_closes_at": now + 10 * DAY,
            "voting_opens_at": now - DAY,
            "voting_closes_at": now + 10 * DAY,
            **fields,
        }
        created = round_services.create_round(db.session, staff, data)
        commit(db.session)
        return created

    return create


@pytest.fixture
def make_proposal(db, staff, resident, wijk) -> Callable[..., Proposal]:
    """Create an idea by a resident and bring it to a status (default: published)."""

    def create(
        status: Status = Status.PUBLISHED,
        author: User | None = None,
        voting_round: Round | None = None,
        **fields,
    ) -> Proposal:
        author = author or resident
        data = {
            "title": "Bankjes bij de speeltuin",
            "body": "Er is nergens plek om te zitten.\nTwee bankjes zouden helpen.",
            "theme": "prettig",
            "neighbourhood": (voting_round.neighbourhood if voting_round else wijk).slug,
            **fields,
        }
        if voting_round is not None:
            data["round"] = voting_round.id
        proposal = proposal_services.create_proposal(db.session, author, data)
        if status != Status.DRAFT:
            proposal_services.submit_proposal(db.session, author, proposal)
        if status not in (Status.DRAFT, Status.SUBMITTED):
            proposal_services.change_status(
                db.session, proposal, Status.PUBLISHED, Actor.STAFF, staff
            )
        if status not in (Status.DRAFT, Status.SUBMITTED, Status.PUBLISHED):
            proposal.status = status  # later statuses: set directly, the tests need the state
        commit(db.session)
        return proposal

    return create


@pytest.fixture
def staff_api(api_as, staff):
    """An API client of a staff member who manages every neighbourhood."""
    return api_as(staff)


@pytest.fixture
def outsider(make_user, make_neighbourhood, assign):
    """A staff member assigned to another neighbourhood only."""
    user = make_user("staff", email="noord@example.com")
    assign(user, make_neighbourhood("Noord"))
    return user
