"""Scheduled work of the proposals feature: closing rounds whose voting has ended."""

from __future__ import annotations

import logging

from huey import crontab

from app.core.db import commit, write_intent
from app.core.jobs import periodic_task
from app.extensions import db
from app.proposals.models import Round
from app.proposals.services import rounds

log = logging.getLogger(__name__)


def close_rounds(due: list[Round]) -> list[tuple[Round, bool]]:
    """Close each round in its own transaction; return (round, closed now) pairs."""
    results = []
    with write_intent():
        for voting_round in due:
            closed = rounds.close_round(db.session, voting_round)
            commit(db.session)
            results.append((voting_round, closed))
    return results


@periodic_task(crontab(minute="*/5"))
def close_due_rounds() -> None:
    """Every five minutes, close the rounds whose voting has ended."""
    with write_intent():
        due = rounds.due_rounds(db.session)
    for voting_round, closed in close_rounds(due):
        if closed:
            log.info("Closed round %s (%s)", voting_round.id, voting_round.title)
