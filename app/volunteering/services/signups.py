"""Signing up for shifts and cancelling: race-free on SQLite and PostgreSQL.

Every change of a shift's list locks the shift row first (PostgreSQL: SELECT … FOR UPDATE;
SQLite: BEGIN IMMEDIATE), then counts with the shift's own counters; a CHECK constraint keeps
confirmed_count ≤ capacity in the database as a last line. Signing up also locks the volunteer's
row, so two signups of one person for overlapping shifts cannot both pass the overlap check.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import format_datetime, gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from app.accounts.models import User
from app.core.db import utcnow
from app.core.errors import Conflict, NotFound
from app.core.signals import emit_after_commit, volunteer_signed_up
from app.volunteering import permissions
from app.volunteering.models import Activity, ActivityStatus, Shift, Signup, SignupStatus
from app.volunteering.services.shifts import lock_shift, promote, signal_payload

ACTIVE = (SignupStatus.CONFIRMED, SignupStatus.WAITLISTED)


def _lock_volunteer(session: Session, user: User) -> None:
    session.execute(select(User.id).where(User.id == user.id).with_for_update())


def _check_can_join(session: Session, user: User, shift: Shift) -> None:
    activity = shift.activity
    if not permissions.can_view(session, user, activity):
        raise NotFound(gettext("This shift does not exist."))
    if activity.status != ActivityStatus.PUBLISHED or shift.cancelled_at is not None:
        raise Conflict(gettext("This shift does not take place; you cannot sign up for it."))
    if shift.starts_at <= utcnow():
        raise Conflict(gettext("This shift has already started; you cannot sign up any more."))


def _check_overlap(session: Session, user: User, shift: Shift) -> None:
    clash = session.execute(
        select(Shift, Activity.title)
        .join(Signup, Signup.shift_id == Shift.id)
        .join(Activity, Activity.id == Shift.activity_id)
        .where(
            Signup.user_id == user.id,
            Signup.status.in_(ACTIVE),
            Shift.id != shift.id,
            Shift.cancelled_at.is_(None),
            Activity.status == ActivityStatus.PUBLISHED,
            Shift.starts_at < shift.ends_at,
            Shift.ends_at > shift.starts_at,
        )
        .limit(1)
    ).first()
    if clash is not None:
        other, title = clash
        raise Conflict(
            gettext(
                "You are already signed up for “%(title)s” at that time (%(when)s). "
                "Cancel that first if you want to do this shift."
            )
            % {"title": title, "when": _when(other.starts_at)}
        )


def _when(moment: datetime) -> str:
    return format_datetime(moment, "EEEE d MMMM HH:mm")


def sign_up(session: Session, user: User, shift_id: int) -> tuple[Signup, bool]:
    """Confirm the volunteer while places are left, else put them on the waitlist.

    Returns the signup and whether it is new; signing up twice returns the existing signup.
    """
    _lock_volunteer(session, user)
    shift = lock_shift(session, shift_id)
    signup = _signup_of(session, user, shift)
    if signup is not None and signup.status in ACTIVE:
        return signup, False
    _check_can_join(session, user, shift)
    _check_overlap(session, user, shift)
    if signup is None:
        signup = Signup(shift_id=shift.id, user_id=user.id, shift=shift)
        session.add(signup)
    shift.last_queue_number += 1
    signup.queue_number = shift.last_queue_number
    signup.signed_up_at = utcnow()
    signup.cancelled_at = signup.checked_in_at = signup.checked_in_by_id = None
    if shift.confirmed_count < shift.capacity and shift.waitlist_count == 0:
        signup.status = SignupStatus.CONFIRMED
        signup.confirmed_at = signup.signed_up_at
        shift.confirmed_count += 1
    else:
        signup.status = SignupStatus.WAITLISTED
        shift.waitlist_count += 1
    session.flush()
    emit_after_commit(
        session, volunteer_signed_up, status=signup.status, **signal_payload(signup, shift)
    )
    return signup, True


def cancel_signup(session: Session, user: User, shift_id: int) -> Signup:
    """Give up a place or leave the waitlist; the head of the waitlist moves up at once."""
    shift = lock_shift(session, shift_id)
    signup = _signup_of(session, user, shift)
    if signup is None or signup.status not in ACTIVE:
        if not permissions.can_view(session, user, shift.activity):
            raise NotFound(gettext("This shift does not exist."))
        raise NotFound(gettext("You are not signed up for this shift."))
    if shift.starts_at <= utcnow():  # a place freed now would go to someone far too late
        raise Conflict(
            gettext(
                "This shift has already started; you can no longer cancel. "
                "Tell the organiser if you cannot come."
            )
        )
    if signup.attendance is not None:  # the organiser's record of the day stands
        raise Conflict(gettext("Your attendance has been recorded; you can no longer cancel."))
    if signup.status == SignupStatus.CONFIRMED:
        shift.confirmed_count -= 1
    else:
        shift.waitlist_count -= 1
    signup.status = SignupStatus.CANCELLED
    signup.cancelled_at = utcnow()
    signup.confirmed_at = None
    promote(session, shift)
    session.flush()
    return signup


def _signup_of(session: Session, user: User, shift: Shift) -> Signup | None:
    signup = session.scalar(
        select(Signup)
        .where(Signup.shift_id == shift.id, Signup.user_id == user.id)
        .execution_options(populate_existing=True)
    )
    if signup is not None:  # the locked shift it belongs to, without loading it again
        set_committed_value(signup, "shift", shift)
    return signup


def waitlist_position(session: Session, signup: Signup) -> int | None:
    """Return the signup's place on the waitlist (1 is next), or None when not waiting."""
    if signup.status != SignupStatus.WAITLISTED:
        return None
    ahead = session.scalar(
        select(func.count()).where(
            Signup.shift_id == signup.shift_id,
            Signup.status == SignupStatus.WAITLISTED,
            Signup.queue_number < signup.queue_number,
        )
    )
    return ahead + 1


def with_positions(session: Session, rows: list[Signup]) -> list[Signup]:
    """Set waitlist_position on each signup (None unless it waits) and return them."""
    for signup in rows:
        signup.waitlist_position = waitlist_position(session, signup)
    return rows


def my_signups_by_shift(session: Session, user: User | None, shift_ids: list[int]) -> dict:
    """Return the viewer's signups on these shifts, keyed by shift id (one query)."""
    if user is None or not shift_ids:
        return {}
    rows = session.scalars(
        select(Signup).where(Signup.user_id == user.id, Signup.shift_id.in_(shift_ids))
    )
    return {signup.shift_id: signup for signup in rows}


def my_signups(session: Session, user: User, *, past: bool) -> list[Signup]:
    """Return the volunteer's signups, upcoming (soonest first) or past (latest first)."""
    now = utcnow()
    query = (
        select(Signup)
        .join(Shift, Shift.id == Signup.shift_id)
        .where(Signup.user_id == user.id)
        .options(joinedload(Signup.shift).joinedload(Shift.activity))
    )
    if past:
        query = query.where(Shift.ends_at <= now).order_by(Shift.starts_at.desc(), Shift.id)
    else:
        query = query.where(Shift.ends_at > now, Signup.status.in_(ACTIVE))
        query = query.order_by(Shift.starts_at, Shift.id)
    return list(session.scalars(query))
