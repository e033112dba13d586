"""Demo ideas and a budget round for `flask seed-demo`."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.core.db import utcnow
from app.proposals.lifecycle import Actor
from app.proposals.models import Status
from app.proposals.services import proposals, rounds, updates

DEMO_IDEAS = (
    (
        "Bankjes bij de speeltuin",
        "Ouders en opa's staan nu de hele middag. Twee bankjes in de schaduw zouden veel schelen.",
        "prettig",
        180_000,
        Status.PUBLISHED,
    ),
    (
        "Lampen in het steegje achter de Ronsseweg",
        "'s Avonds is het pikdonker. Meerdere buren lopen liever om.",
        "veilig",
        350_000,
        Status.PUBLISHED,
    ),
    (
        "Buurtmoestuin op het grasveld",
        "Samen groente kweken en elkaar leren kennen.\nIk wil de eerste zaterdagen wel trekken.",
        "samen",
        240_000,
        Status.PUBLISHED,
    ),
    (
        "Extra afvalbakken bij de bushalte",
        "Er ligt elke ochtend zwerfvuil.",
        "schoon",
        60_000,
        Status.SUBMITTED,
    ),
)


def seed_proposals(session: Session, staff: User, resident: User) -> int:
    """Create a round with open voting in the resident's neighbourhood and some ideas.

    Returns the id of the idea that was selected to be carried out.
    """
    now = utcnow()
    neighbourhood = resident.household.neighbourhood
    voting_round = rounds.create_round(
        session,
        staff,
        {
            "neighbourhood": neighbourhood.slug,
            "title": f"Buurtbudget {neighbourhood.name}",
            "description": "Wat maakt onze buurt schoner, veiliger of gezelliger? Stuur je idee "
            "in en stem mee. De ideeën met de meeste stemmen die in het budget passen, gaan door.",
            "budget_cents": 500_000,
            "submission_opens_at": now - timedelta(days=14),
            "submission_closes_at": now + timedelta(days=14),
            "voting_opens_at": now - timedelta(days=1),
            "voting_closes_at": now + timedelta(days=28),
            "votes_per_resident": 2,
        },
    )
    for title, body, theme, budget, status in DEMO_IDEAS:
        data = {"title": title, "body": body, "theme": theme, "budget_cents": budget}
        idea = proposals.create_proposal(
            session,
            resident,
            {**data, "neighbourhood": neighbourhood.slug, "round": voting_round.id},
        )
        proposals.submit_proposal(session, resident, idea)
        if status == Status.PUBLISHED:
            proposals.change_status(session, idea, Status.PUBLISHED, Actor.STAFF, staff)
    done = proposals.create_proposal(
        session,
        resident,
        {
            "title": "Geveltuintjes in de Van Hogendorpstraat",
            "body": "Tegels eruit, planten erin.",
            "theme": "schoon",
            "neighbourhood": neighbourhood.slug,
        },
    )
    proposals.submit_proposal(session, resident, done)
    proposals.change_status(session, done, Status.PUBLISHED, Actor.STAFF, staff)
    updates.post_update(
        session,
        staff,
        done,
        {"body": "Gekozen! De gemeente levert de plantjes.", "progress": 40, "status": "selected"},
    )
    return done.id
