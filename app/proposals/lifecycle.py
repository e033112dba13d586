"""The one table of allowed status changes of an idea, and who may make each."""

from __future__ import annotations

import enum

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.core.errors import Conflict
from app.proposals.models import Proposal, Status


class Actor(enum.StrEnum):
    """Who moves an idea: its author, staff (moderation, follow-up) or the round closing."""

    AUTHOR = "author"
    STAFF = "staff"
    ROUND = "round"


S = Status
AUTHOR, STAFF, ROUND = Actor.AUTHOR, Actor.STAFF, Actor.ROUND
_MODERATION = {S.HIDDEN: {STAFF}}

TRANSITIONS: dict[Status, dict[Status, set[Actor]]] = {
    S.DRAFT: {S.SUBMITTED: {AUTHOR}, S.WITHDRAWN: {AUTHOR}},
    S.SUBMITTED: {S.PUBLISHED: {STAFF}, S.REJECTED: {STAFF}, S.WITHDRAWN: {AUTHOR}, **_MODERATION},
    S.PUBLISHED: {
        S.SELECTED: {STAFF, ROUND},
        S.NOT_SELECTED: {STAFF, ROUND},
        S.WITHDRAWN: {AUTHOR},
        **_MODERATION,
    },
    S.SELECTED: {S.IN_PROGRESS: {STAFF}, S.COMPLETED: {STAFF}, **_MODERATION},
    S.NOT_SELECTED: {**_MODERATION},
    S.IN_PROGRESS: {S.COMPLETED: {STAFF}, **_MODERATION},
    S.COMPLETED: {**_MODERATION},
    S.REJECTED: {},
    S.WITHDRAWN: {},
    S.HIDDEN: {},  # restored only to the status it had (moderation's restore decision)
}

STATUS_LABELS = {
    S.DRAFT: _l("Draft"),
    S.SUBMITTED: _l("Waiting for review"),
    S.PUBLISHED: _l("Published"),
    S.REJECTED: _l("Rejected"),
    S.SELECTED: _l("Selected"),
    S.NOT_SELECTED: _l("Not selected"),
    S.IN_PROGRESS: _l("In progress"),
    S.COMPLETED: _l("Completed"),
    S.WITHDRAWN: _l("Withdrawn"),
    S.HIDDEN: _l("Hidden"),
}


ROLE_LABELS = {
    "initiate": _l("Takes the initiative"),
    "direct": _l("Leads"),
    "facilitate": _l("Supports"),
    "finance": _l("Pays"),
}


def can_move(current: str, target: str, actor: Actor) -> bool:
    """Tell whether the actor may move an idea from current to target."""
    return actor in TRANSITIONS.get(Status(current), {}).get(Status(target), set())


def move(proposal: Proposal, target: Status, actor: Actor) -> str:
    """Change the idea's status if the table allows it, else raise Conflict; return the old one."""
    current = proposal.status
    if not can_move(current, target, actor):
        raise Conflict(
            gettext(
                "An idea that is “%(current)s” cannot become “%(target)s”.",
                current=STATUS_LABELS[Status(current)],
                target=STATUS_LABELS[target],
            )
        )
    proposal.status = target
    return current
