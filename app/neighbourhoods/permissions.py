"""Who may manage which neighbourhood."""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import Select, exists, false, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.core.errors import Forbidden
from app.neighbourhoods.models import Neighbourhood, staff_assignments


def assigned_ids(session: Session, user: User) -> set[int]:
    """Return the neighbourhoods a staff member is assigned to (empty: all of them)."""
    rows = session.scalars(
        select(staff_assignments.c.neighbourhood_id).where(staff_assignments.c.user_id == user.id)
    )
    return set(rows)


def can_manage(session: Session, user: User, neighbourhood: Neighbourhood) -> bool:
    """Admins manage all; staff manage their assigned neighbourhoods, or all if none assigned."""
    if user.is_admin:
        return True
    if not user.is_staff:
        return False
    assigned = assigned_ids(session, user)
    return not assigned or neighbourhood.id in assigned


def check_can_manage(session: Session, user: User, neighbourhood: Neighbourhood) -> None:
    """Raise Forbidden unless the user may manage this neighbourhood."""
    if not can_manage(session, user, neighbourhood):
        raise Forbidden(gettext("You do not manage this neighbourhood."))


def check_can_create(session: Session, user: User) -> None:
    """Only admins and staff who work for the whole corporation add neighbourhoods."""
    if user.is_admin or (user.is_staff and not assigned_ids(session, user)):
        return
    raise Forbidden(gettext("Only staff of the whole corporation can add neighbourhoods."))


def manageable(session: Session, user: User, query: Select) -> Select:
    """Limit a neighbourhood query to what the user manages."""
    if user.is_admin:
        return query
    if not user.is_staff:
        return query.where(false())
    assigned = exists().where(staff_assignments.c.user_id == user.id)
    mine = exists().where(
        staff_assignments.c.user_id == user.id,
        staff_assignments.c.neighbourhood_id == Neighbourhood.id,
    )
    return query.where(~assigned | mine)
