"""Create, change, find and list activities."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import Row, Select, select, tuple_
from sqlalchemy.orm import Session, selectinload

from app.accounts.models import User
from app.core.api import decode_cursor, encode_cursor
from app.core.db import Base, utcnow
from app.core.errors import Conflict, Forbidden, NotFound, RuleViolation
from app.neighbourhoods.models import Neighbourhood
from app.neighbourhoods.services import get_neighbourhood
from app.volunteering import permissions
from app.volunteering.models import Activity, ActivityStatus, SignupStatus
from app.volunteering.services.shifts import cancel_shift_now, new_shift, take_place
from app.volunteering.services.signups import my_signups_by_shift, waitlist_position

# The moves an organiser may make with an activity's status.
MOVES = {
    ActivityStatus.DRAFT: {ActivityStatus.PUBLISHED, ActivityStatus.CANCELLED},
    ActivityStatus.PUBLISHED: {ActivityStatus.CANCELLED, ActivityStatus.COMPLETED},
    ActivityStatus.CANCELLED: set(),
    ActivityStatus.COMPLETED: set(),
}
STATUS_NAMES = {
    ActivityStatus.DRAFT: _l("draft"),
    ActivityStatus.PUBLISHED: _l("published"),
    ActivityStatus.CANCELLED: _l("cancelled"),
    ActivityStatus.COMPLETED: _l("completed"),
}
SELECTED_IDEA_STATUSES = ("selected", "in_progress", "completed")


def get_activity(
    session: Session, viewer: User | None, activity_id: int, *, lock: bool = False
) -> Activity:
    """Return an activity the viewer may see, or raise NotFound."""
    query = select(Activity).where(Activity.id == activity_id)
    if lock:
        query = query.with_for_update(of=Activity).execution_options(populate_existing=True)
    activity = session.scalar(query)
    if activity is None:
        raise NotFound(gettext("This activity does not exist."))
    permissions.check_can_view(session, viewer, activity)
    return activity


def _check_idea(session: Session, activity: Activity, proposal_id: int | None) -> None:
    """An activity may help carry out a selected idea of its own neighbourhood."""
    if proposal_id is None:
        return
    # Through the table, not the proposals package: the two features sit side by side.
    proposals = Base.metadata.tables["proposals"]
    row = session.execute(
        select(proposals.c.status, proposals.c.neighbourhood_id).where(
            proposals.c.id == proposal_id
        )
    ).first()
    if row is None or row.status not in SELECTED_IDEA_STATUSES:
        message = gettext("Choose an idea that was selected to be carried out.")
        raise RuleViolation(message, errors={"proposal": [message]})
    if row.neighbourhood_id != activity.neighbourhood_id:
        message = gettext("Choose an idea of this activity's neighbourhood.")
        raise RuleViolation(message, errors={"proposal": [message]})


def _organisers(session: Session, actor: User, ids: list[int]) -> list[User]:
    """Only staff name organisers; everyone named must exist and be an active account."""
    if not actor.is_staff:
        raise Forbidden(gettext("Only staff can choose the organisers of an activity."))
    users = list(session.scalars(select(User).where(User.id.in_(ids))))
    if len(users) != len(set(ids)):
        message = gettext("One of the chosen organisers does not exist.")
        raise RuleViolation(message, errors={"organisers": [message]})
    return users


def _check_location(activity: Activity) -> None:
    if (activity.lat is None) != (activity.lon is None):
        message = gettext("Give both latitude and longitude, or neither.")
        raise RuleViolation(message, errors={"lon": [message]})


FIELDS = ("title", "description", "theme", "location", "lat", "lon", "requirements")


def create_activity(session: Session, creator: User, data: dict[str, Any]) -> Activity:
    """Add an activity with its shifts; it is published unless sent as a draft."""
    neighbourhood = get_neighbourhood(session, data["neighbourhood"])
    permissions.check_can_create(session, creator, neighbourhood.id)
    status = data.get("status", ActivityStatus.PUBLISHED)
    if status not in (ActivityStatus.DRAFT, ActivityStatus.PUBLISHED):
        message = gettext("A new activity is either a draft or published.")
        raise RuleViolation(message, errors={"status": [message]})
    activity = Activity(
        neighbourhood=neighbourhood,
        neighbourhood_id=neighbourhood.id,
        status=status,
        created_by=creator,
        **{name: data[name] for name in FIELDS if name in data},
    )
    _check_location(activity)
    _check_idea(session, activity, data.get("proposal"))
    activity.proposal_id = data.get("proposal")
    if "organisers" in data:
        activity.organisers = _organisers(session, creator, data["organisers"])
    elif not creator.is_staff:
        activity.organisers = [creator]  # a resident organiser runs what they add
    if not data.get("shifts"):
        message = gettext("Add at least one shift.")
        raise RuleViolation(message, errors={"shifts": [message]})
    activity.shifts = [new_shift(shift) for shift in data["shifts"]]
    take_place(activity)
    session.add(activity)
    session.flush()
    return activity


def update_activity(
    session: Session, editor: User, activity: Activity, changes: dict[str, Any]
) -> Activity:
    """Change an activity's details, organisers or status (its organisers)."""
    permissions.check_can_organise(session, editor, activity)
    if activity.status in (ActivityStatus.CANCELLED, ActivityStatus.COMPLETED):
        raise Conflict(gettext("This activity has ended and can no longer be changed."))
    for name in FIELDS:
        if name in changes:
            setattr(activity, name, changes[name])
    _check_location(activity)
    if "proposal" in changes:
        _check_idea(session, activity, changes["proposal"])
        activity.proposal_id = changes["proposal"]
    if "organisers" in changes:
        activity.organisers = _organisers(session, editor, changes["organisers"])
    if "status" in changes and changes["status"] != activity.status:
        _move(session, activity, ActivityStatus(changes["status"]))
    session.flush()
    return activity


def _move(session: Session, activity: Activity, status: ActivityStatus) -> None:
    if status not in MOVES[ActivityStatus(activity.status)]:
        message = gettext("An activity cannot go from “%(old)s” to “%(new)s”.") % {
            "old": STATUS_NAMES[ActivityStatus(activity.status)],
            "new": STATUS_NAMES[status],
        }
        raise Conflict(message, errors={"status": [message]})
    if status == ActivityStatus.COMPLETED and utcnow() < activity.starts_at:
        message = gettext("An activity can be marked as completed once it has started.")
        raise Conflict(message, errors={"status": [message]})
    activity.status = status
    if status == ActivityStatus.CANCELLED:
        for shift in activity.shifts:
            if shift.cancelled_at is None:
                cancel_shift_now(session, shift)


def _filtered(session: Session, viewer: User | None, filters: dict[str, Any]) -> Select:
    query = select(Activity).where(permissions.visible_clause(viewer))
    if slug := filters.get("neighbourhood"):
        by_slug = select(Neighbourhood.id).where(Neighbourhood.slug == slug).scalar_subquery()
        query = query.where(Activity.neighbourhood_id == by_slug)
    if theme := filters.get("theme"):
        query = query.where(Activity.theme == theme)
    if (proposal := filters.get("proposal")) is not None:
        query = query.where(Activity.proposal_id == proposal)
    start: datetime = filters.get("from") or utcnow()
    query = query.where(Activity.ends_at >= start)
    if until := filters.get("to"):
        query = query.where(Activity.starts_at <= until)
    return query


def list_activities(
    session: Session, viewer: User | None, filters: dict[str, Any], *, limit: int = 20
) -> dict:
    """Return a page of activities that have not ended, soonest first."""
    query = _filtered(session, viewer, filters).options(
        selectinload(Activity.shifts), selectinload(Activity.organisers)
    )
    query = query.order_by(Activity.starts_at, Activity.id)
    if cursor := filters.get("cursor"):
        starts, activity_id = decode_cursor(cursor, 2)
        after = tuple_(Activity.starts_at, Activity.id) > (
            datetime.fromisoformat(starts),
            activity_id,
        )
        query = query.where(after)
    rows = list(session.scalars(query.limit(limit + 1)))
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor([rows[-1].starts_at.isoformat(), rows[-1].id])
    annotate(session, viewer, rows)
    return {"items": rows, "next_cursor": next_cursor}


def annotate(session: Session, viewer: User | None, activities: list[Activity]) -> None:
    """Set what the viewer may do and their own signups on activities (one query for all)."""
    shifts = [shift for activity in activities for shift in activity.shifts]
    mine = my_signups_by_shift(session, viewer, [shift.id for shift in shifts])
    for activity in activities:
        activity.can_organise = permissions.can_organise(session, viewer, activity)
    for shift in shifts:
        signup = mine.get(shift.id)
        if signup is None or signup.status == SignupStatus.CANCELLED:
            shift.my_signup = None
            continue
        shift.my_signup = {
            "status": signup.status,
            "waitlist_position": waitlist_position(session, signup),
            "checked_in_at": signup.checked_in_at,
            "attendance": signup.attendance,
        }


def selected_ideas(
    session: Session,
    *,
    neighbourhood_ids: Iterable[int] | None = None,
    ids: Iterable[int] | None = None,
) -> list[Row]:
    """Return the selected ideas activities may help carry out: (id, title, neighbourhood_id)."""
    proposals = Base.metadata.tables["proposals"]
    query = select(proposals.c.id, proposals.c.title, proposals.c.neighbourhood_id).where(
        proposals.c.status.in_(SELECTED_IDEA_STATUSES)
    )
    if neighbourhood_ids is not None:
        query = query.where(proposals.c.neighbourhood_id.in_(list(neighbourhood_ids)))
    if ids is not None:
        query = query.where(proposals.c.id.in_(list(ids)))
    return list(session.execute(query.order_by(proposals.c.id.desc()).limit(200)))


def organised_activities(
    session: Session, user: User, since: datetime, *, limit: int = 50
) -> list[Activity]:
    """Return the activities the user runs (staff: of their neighbourhoods) ending after since."""
    query = select(Activity).where(Activity.ends_at >= since, permissions.organised_clause(user))
    query = query.options(selectinload(Activity.shifts)).order_by(Activity.starts_at, Activity.id)
    return list(session.scalars(query.limit(limit)))
