"""Who may see, edit and moderate which ideas."""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import ColumnElement, and_, exists, or_, select, true
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.core.errors import Forbidden, NotFound
from app.neighbourhoods.models import Neighbourhood, staff_assignments
from app.neighbourhoods.permissions import can_manage, check_can_manage
from app.proposals.models import PUBLIC_STATUSES, Proposal, Status


def can_view(session: Session, viewer: User | None, proposal: Proposal) -> bool:
    """Everyone sees public ideas; authors see their own; staff see all but others' drafts."""
    if proposal.is_public:
        return True
    if viewer is None:
        return False
    if proposal.author_id == viewer.id:
        return True
    return proposal.status != Status.DRAFT and can_manage(session, viewer, proposal.neighbourhood)


def check_can_view(session: Session, viewer: User | None, proposal: Proposal) -> None:
    """Raise NotFound for an idea the viewer may not know about."""
    if not can_view(session, viewer, proposal):
        raise NotFound(gettext("This idea does not exist."))


def visible_clause(session: Session, viewer: User | None) -> ColumnElement[bool]:
    """Return a filter that keeps only the ideas the viewer may see."""
    public = Proposal.status.in_(PUBLIC_STATUSES)
    if viewer is None:
        return public
    own = Proposal.author_id == viewer.id
    if not viewer.is_staff:
        return or_(public, own)
    if viewer.is_admin:
        managed = true()
    else:  # in SQL, so the list costs no extra query: assigned staff see their neighbourhoods
        mine = select(staff_assignments.c.neighbourhood_id).where(
            staff_assignments.c.user_id == viewer.id
        )
        managed = or_(~exists(mine), Proposal.neighbourhood_id.in_(mine))
    return or_(public, own, and_(Proposal.status != Status.DRAFT, managed))


def check_is_author(user: User, proposal: Proposal) -> None:
    """Raise Forbidden unless the user wrote this idea."""
    if proposal.author_id != user.id:
        raise Forbidden(gettext("Only the person who wrote this idea can do this."))


def check_can_moderate(session: Session, user: User, neighbourhood: Neighbourhood) -> None:
    """Raise Forbidden unless the user is staff managing this neighbourhood."""
    if not user.is_staff:
        raise Forbidden(gettext("Only staff of the housing corporation can do this."))
    check_can_manage(session, user, neighbourhood)
