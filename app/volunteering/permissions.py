"""Who may see, organise and create which activities."""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import ColumnElement, exists, or_, select, true
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.core.errors import Forbidden, NotFound
from app.neighbourhoods.models import staff_assignments
from app.neighbourhoods.permissions import assigned_ids
from app.volunteering.models import Activity, ActivityStatus, activity_organisers


def _assigned(session: Session, user: User) -> set[int]:
    """Return the staff member's neighbourhoods, looked up once per session."""
    cache = session.info.setdefault("assigned_neighbourhoods", {})
    if user.id not in cache:
        cache[user.id] = assigned_ids(session, user)
    return cache[user.id]


def staff_manages(session: Session, user: User | None, neighbourhood_id: int) -> bool:
    """Admins manage everything; staff their neighbourhoods, or all when none are assigned."""
    if user is None or not user.is_staff:
        return False
    if user.is_admin:
        return True
    assigned = _assigned(session, user)
    return not assigned or neighbourhood_id in assigned


def _organises(session: Session, user: User, activity_id: int) -> bool:
    cache = session.info.setdefault("organised_activities", {})
    if user.id not in cache:
        rows = session.scalars(
            select(activity_organisers.c.activity_id).where(
                activity_organisers.c.user_id == user.id
            )
        )
        cache[user.id] = set(rows)
    return activity_id in cache[user.id]


def can_organise(session: Session, user: User | None, activity: Activity) -> bool:
    """Staff of the neighbourhood and the activity's named organisers run it."""
    if user is None:
        return False
    if staff_manages(session, user, activity.neighbourhood_id):
        return True
    return _organises(session, user, activity.id)


def can_view(session: Session, viewer: User | None, activity: Activity) -> bool:
    """Everyone sees activities once published; drafts only their organisers."""
    return activity.status != ActivityStatus.DRAFT or can_organise(session, viewer, activity)


def check_can_view(session: Session, viewer: User | None, activity: Activity) -> None:
    """Raise NotFound for an activity the viewer may not know about."""
    if not can_view(session, viewer, activity):
        raise NotFound(gettext("This activity does not exist."))


def check_can_organise(session: Session, user: User, activity: Activity) -> None:
    """Raise Forbidden unless the user organises this activity."""
    if not can_organise(session, user, activity):
        raise Forbidden(gettext("Only the organisers of this activity can do this."))


def organises_in(session: Session, user: User, neighbourhood_id: int) -> bool:
    """Tell whether a resident organises any activity in the neighbourhood."""
    query = select(Activity.id).where(
        Activity.neighbourhood_id == neighbourhood_id,
        Activity.id.in_(
            select(activity_organisers.c.activity_id).where(
                activity_organisers.c.user_id == user.id
            )
        ),
    )
    return session.scalar(query.limit(1)) is not None


def can_create(session: Session, user: User | None, neighbourhood_id: int | None = None) -> bool:
    """Staff create activities; so do residents who organise one in that neighbourhood.

    Without a neighbourhood: may the user create an activity anywhere at all?
    """
    if user is None:
        return False
    if neighbourhood_id is None:
        return user.is_staff or bool(organiser_neighbourhoods(session, user))
    if staff_manages(session, user, neighbourhood_id):
        return True
    return organises_in(session, user, neighbourhood_id)


def check_can_create(session: Session, user: User, neighbourhood_id: int) -> None:
    """Raise Forbidden unless the user may add an activity to the neighbourhood."""
    if not can_create(session, user, neighbourhood_id):
        raise Forbidden(
            gettext("Only staff and organisers of this neighbourhood can add activities.")
        )


def organiser_neighbourhoods(session: Session, user: User) -> set[int]:
    """Return the neighbourhoods where a resident organises activities."""
    query = select(Activity.neighbourhood_id).join(
        activity_organisers, activity_organisers.c.activity_id == Activity.id
    )
    return set(session.scalars(query.where(activity_organisers.c.user_id == user.id)))


def organised_clause(user: User) -> ColumnElement[bool]:
    """Return a filter that keeps the activities the user organises (in SQL), as can_organise."""
    if user.is_admin:
        return true()
    named = Activity.id.in_(
        select(activity_organisers.c.activity_id).where(activity_organisers.c.user_id == user.id)
    )
    if not user.is_staff:
        return named
    mine = select(staff_assignments.c.neighbourhood_id).where(
        staff_assignments.c.user_id == user.id
    )
    return or_(named, ~exists(mine), Activity.neighbourhood_id.in_(mine))


def visible_clause(viewer: User | None) -> ColumnElement[bool]:
    """Return a filter that keeps only the activities the viewer may see (in SQL)."""
    published = Activity.status != ActivityStatus.DRAFT
    if viewer is None:
        return published
    return or_(published, organised_clause(viewer))
