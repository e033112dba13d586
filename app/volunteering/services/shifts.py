"""Add, change and cancel shifts; keep capacity, the waitlist and the counters in step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.accounts.models import User
from app.core.db import utcnow
from app.core.errors import Conflict, NotFound, RuleViolation
from app.core.signals import (
    emit_after_commit,
    shift_cancelled,
    shift_changed,
    volunteer_promoted,
    volunteer_waitlisted,
)
from app.volunteering import permissions
from app.volunteering.models import Activity, ActivityStatus, Shift, Signup, SignupStatus

MAX_SHIFT_LENGTH = timedelta(hours=24)
MAX_SHIFTS = 50  # per activity (the API also takes at most this many at once)
# Shifts take place in these years: far-off dates cannot be shown in Dutch time or a calendar.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
DATE_RANGE = _l("Choose a date from 2000 to 2099.")


def new_shift(data: dict[str, Any]) -> Shift:
    """Return an unsaved shift made from checked input."""
    shift = Shift(
        starts_at=data["starts_at"],
        ends_at=data["ends_at"],
        capacity=data["capacity"],
        task=data.get("task", ""),
    )
    _check_times(shift)
    return shift


def _check_times(shift: Shift) -> None:
    if shift.starts_at < EARLIEST or shift.ends_at >= LATEST:
        message = str(DATE_RANGE)
        raise RuleViolation(message, errors={"starts_at": [message]})
    if shift.ends_at <= shift.starts_at:
        message = gettext("A shift must end after it starts.")
        raise RuleViolation(message, errors={"ends_at": [message]})
    if shift.ends_at - shift.starts_at > MAX_SHIFT_LENGTH:
        message = gettext("A shift can last 24 hours at most.")
        raise RuleViolation(message, errors={"ends_at": [message]})


def take_place(activity: Activity) -> None:
    """Set the activity's first start and last end from the shifts that still take place."""
    going = [shift for shift in activity.shifts if shift.cancelled_at is None] or activity.shifts
    activity.starts_at = min(shift.starts_at for shift in going)
    activity.ends_at = max(shift.ends_at for shift in going)


def lock_shift(session: Session, shift_id: int) -> Shift:
    """Return the shift, locked for this transaction (PostgreSQL: FOR UPDATE), or NotFound."""
    query = (
        select(Shift)
        .where(Shift.id == shift_id)
        .options(joinedload(Shift.activity))  # every caller checks the activity next
        .with_for_update(of=Shift)
        .execution_options(populate_existing=True)
    )
    shift = session.scalar(query)
    if shift is None:
        raise NotFound(gettext("This shift does not exist."))
    return shift


def get_shift(session: Session, viewer: User | None, shift_id: int, *, lock: bool = False) -> Shift:
    """Return a shift of an activity the viewer may see, or raise NotFound.

    With lock, the activity is locked before the shift: the order in which changing the whole
    activity takes them, so an organiser's two changes at once never deadlock (PostgreSQL).
    """
    if lock:
        of_shift = select(Shift.activity_id).where(Shift.id == shift_id).scalar_subquery()
        session.execute(
            select(Activity)
            .where(Activity.id == of_shift)
            .with_for_update(of=Activity)
            .execution_options(populate_existing=True)
        )
    shift = lock_shift(session, shift_id) if lock else session.get(Shift, shift_id)
    if shift is None or not permissions.can_view(session, viewer, shift.activity):
        raise NotFound(gettext("This shift does not exist."))
    return shift


def _check_open(activity: Activity) -> None:
    if activity.status in (ActivityStatus.CANCELLED, ActivityStatus.COMPLETED):
        raise Conflict(gettext("This activity has ended and can no longer be changed."))


def add_shift(session: Session, editor: User, activity: Activity, data: dict[str, Any]) -> Shift:
    """Add a shift to an activity (its organisers)."""
    permissions.check_can_organise(session, editor, activity)
    _check_open(activity)
    if len(activity.shifts) >= MAX_SHIFTS:
        message = gettext("An activity can have at most 50 shifts.")
        raise RuleViolation(message, errors={"starts_at": [message]})
    shift = new_shift(data)
    activity.shifts.append(shift)
    take_place(activity)
    session.flush()
    return shift


def update_shift(session: Session, editor: User, shift: Shift, changes: dict[str, Any]) -> Shift:
    """Change a shift's times, task or capacity; tell the people on it when times change.

    The shift must be locked. Lowering the capacity below the confirmed count is refused,
    unless `overflow` is "waitlist": then the last confirmed go back to the waitlist, first.
    """
    activity = shift.activity
    permissions.check_can_organise(session, editor, activity)
    _check_open(activity)
    if shift.cancelled_at is not None:
        raise Conflict(gettext("This shift was cancelled and can no longer be changed."))
    moved = any(
        name in changes and changes[name] != getattr(shift, name)
        for name in ("starts_at", "ends_at")
    )
    for name in ("starts_at", "ends_at", "task"):
        if name in changes:
            setattr(shift, name, changes[name])
    _check_times(shift)
    if "capacity" in changes:
        change_capacity(session, shift, changes["capacity"], changes.get("overflow", "refuse"))
    if moved:
        shift.reminded_day_before_at = shift.reminded_hours_before_at = None
        _tell_changed(session, shift)
    take_place(activity)
    session.flush()
    return shift


def _tell_changed(session: Session, shift: Shift) -> None:
    user_ids = list(
        session.scalars(
            select(Signup.user_id).where(
                Signup.shift_id == shift.id, Signup.status != SignupStatus.CANCELLED
            )
        )
    )
    emit_after_commit(
        session, shift_changed, shift_id=shift.id, activity_id=shift.activity_id, user_ids=user_ids
    )


def change_capacity(session: Session, shift: Shift, capacity: int, overflow: str) -> None:
    """Set a locked shift's capacity, then move people between the list and the waitlist."""
    too_many = shift.confirmed_count - capacity
    if too_many > 0:
        if overflow != "waitlist":
            message = ngettext(
                "%(num)d volunteer is confirmed; lower the capacity to no less than that, "
                "or choose to move the last to sign up back to the waitlist.",
                "%(num)d volunteers are confirmed; lower the capacity to no less than that, "
                "or choose to move the last to sign up back to the waitlist.",
                shift.confirmed_count,
            )
            raise Conflict(message, errors={"capacity": [message]})
        _back_to_waitlist(session, shift, too_many)
    shift.capacity = capacity
    promote(session, shift)


def _back_to_waitlist(session: Session, shift: Shift, count: int) -> None:
    last = session.scalars(
        select(Signup)
        .where(Signup.shift_id == shift.id, Signup.status == SignupStatus.CONFIRMED)
        .order_by(Signup.queue_number.desc())
        .limit(count)
    )
    for signup in last:
        # They keep their early queue number, so they head the waitlist.
        signup.status = SignupStatus.WAITLISTED
        signup.confirmed_at = None
        shift.confirmed_count -= 1
        shift.waitlist_count += 1
        emit_after_commit(session, volunteer_waitlisted, **signal_payload(signup, shift))


def promote(session: Session, shift: Shift) -> list[Signup]:
    """Confirm people from the head of a locked shift's waitlist while places are free."""
    free = min(shift.capacity - shift.confirmed_count, shift.waitlist_count)
    if free <= 0 or shift.cancelled_at is not None:  # nobody gets a place on a cancelled shift
        return []
    promoted = list(
        session.scalars(
            select(Signup)
            .where(Signup.shift_id == shift.id, Signup.status == SignupStatus.WAITLISTED)
            .order_by(Signup.queue_number)
            .limit(free)
        )
    )
    now = utcnow()
    for signup in promoted:
        signup.status = SignupStatus.CONFIRMED
        signup.confirmed_at = now
        shift.confirmed_count += 1
        shift.waitlist_count -= 1
        emit_after_commit(session, volunteer_promoted, **signal_payload(signup, shift))
    return promoted


def signal_payload(signup: Signup, shift: Shift) -> dict[str, int]:
    """Return the ids a volunteering signal carries."""
    return {
        "signup_id": signup.id,
        "shift_id": shift.id,
        "activity_id": shift.activity_id,
        "user_id": signup.user_id,
    }


def cancel_shift(session: Session, editor: User, shift: Shift) -> Shift:
    """Cancel one shift and tell everyone signed up (its organisers)."""
    activity = shift.activity
    permissions.check_can_organise(session, editor, activity)
    _check_open(activity)
    if shift.cancelled_at is None:
        cancel_shift_now(session, shift)
        take_place(activity)
    session.flush()
    return shift


def cancel_shift_now(session: Session, shift: Shift) -> None:
    """Mark a shift cancelled and tell everyone on it, after commit."""
    shift.cancelled_at = utcnow()
    user_ids = list(
        session.scalars(
            select(Signup.user_id).where(
                Signup.shift_id == shift.id, Signup.status != SignupStatus.CANCELLED
            )
        )
    )
    emit_after_commit(
        session,
        shift_cancelled,
        shift_id=shift.id,
        activity_id=shift.activity_id,
        user_ids=user_ids,
    )
