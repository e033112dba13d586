"""On the day: attendee lists, check-in, confirmed attendance and the hours it earns."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from app.accounts.models import User
from app.core.db import utcnow
from app.core.errors import Conflict, NotFound, RuleViolation
from app.volunteering import permissions
from app.volunteering.models import Attendance, Shift, Signup, SignupStatus
from app.volunteering.services.tokens import volunteer_from_pass

# Organisers may check people in from a while before the start (people come early).
CHECK_IN_OPENS = timedelta(hours=12)


def attendees(session: Session, organiser: User, shift: Shift) -> list[Signup]:
    """Return who is confirmed, then who waits, in queue order (the shift's organisers)."""
    permissions.check_can_organise(session, organiser, shift.activity)
    rows = session.scalars(
        select(Signup)
        .where(Signup.shift_id == shift.id, Signup.status != SignupStatus.CANCELLED)
        .options(joinedload(Signup.user))
        .order_by(Signup.status, Signup.queue_number)
    )
    waiting = 0
    listed = list(rows)
    for signup in listed:  # in queue order: the waitlist's places follow from it
        waiting += signup.status == SignupStatus.WAITLISTED
        signup.waitlist_position = waiting if signup.status == SignupStatus.WAITLISTED else None
    return listed


def _confirmed_signup(session: Session, shift: Shift, user_id: int) -> Signup:
    signup = session.scalar(
        select(Signup).where(Signup.shift_id == shift.id, Signup.user_id == user_id)
    )
    if signup is None or signup.status == SignupStatus.CANCELLED:
        message = gettext("This person is not signed up for this shift.")
        raise NotFound(message, errors={"user_id": [message]})
    if signup.status == SignupStatus.WAITLISTED:
        message = gettext("This person is on the waitlist and has no place on this shift.")
        raise Conflict(message, errors={"user_id": [message]})
    return signup


def check_in(session: Session, organiser: User, shift: Shift, user_id: int) -> Signup:
    """Record that a confirmed volunteer has arrived; checking in twice changes nothing."""
    permissions.check_can_organise(session, organiser, shift.activity)
    if shift.cancelled_at is not None:
        raise Conflict(gettext("This shift was cancelled."))
    if utcnow() < shift.starts_at - CHECK_IN_OPENS:
        raise Conflict(gettext("Check-in opens 12 hours before the shift starts."))
    signup = _confirmed_signup(session, shift, user_id)
    if signup.checked_in_at is None:
        signup.checked_in_at = utcnow()
        signup.checked_in_by_id = organiser.id
        session.flush()
    return signup


def check_in_by_code(session: Session, organiser: User, shift: Shift, code: str) -> Signup:
    """Check in the volunteer whose personal QR code the organiser scanned or typed."""
    permissions.check_can_organise(session, organiser, shift.activity)
    return check_in(session, organiser, shift, volunteer_from_pass(code))


def confirm_attendance(
    session: Session, organiser: User, shift: Shift, attended: set[int] | None = None
) -> list[Signup]:
    """Credit hours to who came and record no-shows, once the shift has started.

    Without a list, who was checked in attended; with one, exactly those user ids did.
    Confirming again corrects the earlier record.
    """
    permissions.check_can_organise(session, organiser, shift.activity)
    if shift.cancelled_at is not None:
        raise Conflict(gettext("This shift was cancelled."))
    if utcnow() < shift.starts_at:
        raise Conflict(gettext("You can confirm attendance once the shift has started."))
    confirmed = list(
        session.scalars(
            select(Signup).where(
                Signup.shift_id == shift.id, Signup.status == SignupStatus.CONFIRMED
            )
        )
    )
    if attended is not None:
        unknown = attended - {signup.user_id for signup in confirmed}
        if unknown:
            message = gettext("Only confirmed volunteers of this shift can be marked present.")
            raise RuleViolation(message, errors={"attended": [message]})
    for signup in confirmed:
        came = signup.user_id in attended if attended is not None else bool(signup.checked_in_at)
        signup.attendance = Attendance.ATTENDED if came else Attendance.NO_SHOW
        signup.minutes_credited = shift.minutes if came else 0
    shift.attendance_confirmed_at = utcnow()
    session.flush()
    return confirmed


def volunteering_summary(session: Session, user: User) -> dict:
    """Return the volunteer's credited hours and what they have done."""
    done = (
        select(Signup)
        .join(Shift, Shift.id == Signup.shift_id)
        .where(Signup.user_id == user.id, Signup.attendance == Attendance.ATTENDED)
    )
    totals = session.execute(
        select(
            func.coalesce(func.sum(Signup.minutes_credited), 0),
            func.count(Signup.id),
            func.count(func.distinct(Shift.activity_id)),
        )
        .join(Shift, Shift.id == Signup.shift_id)
        .where(Signup.user_id == user.id, Signup.attendance == Attendance.ATTENDED)
    ).one()
    no_shows = session.scalar(
        select(func.count(Signup.id)).where(
            Signup.user_id == user.id, Signup.attendance == Attendance.NO_SHOW
        )
    )
    history = session.scalars(
        done.options(joinedload(Signup.shift).joinedload(Shift.activity)).order_by(
            Shift.starts_at.desc()
        )
    )
    minutes, shifts, activities = totals
    return {
        "minutes": minutes,
        "hours": round(minutes / 60, 1),
        "shifts_done": shifts,
        "activities_done": activities,
        "no_shows": no_shows,
        "history": list(history),
    }
