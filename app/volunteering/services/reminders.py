"""Reminders before a shift: one the day before (24 h) and one shortly before (2 h).

Each reminder is claimed with a conditional UPDATE (… WHERE reminded_x_at IS NULL) and sent only
when that UPDATE changed the row, so two workers running at once never send one twice: on
PostgreSQL the second UPDATE waits for the first one's row lock and then finds the column set;
on SQLite the caller holds the write lock (write_intent), so the second run sees the first's mark.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.core.db import utcnow
from app.core.signals import emit_after_commit, shift_reminder_due
from app.volunteering.models import Activity, ActivityStatus, Shift, Signup, SignupStatus

DAY_BEFORE = timedelta(hours=24)
HOURS_BEFORE = timedelta(hours=2)


def _due(session: Session, now: datetime) -> list[tuple[int, int, datetime]]:
    """Return (shift id, activity id, start) of shifts that may need a reminder now."""
    query = (
        select(Shift.id, Shift.activity_id, Shift.starts_at)
        .join(Activity, Activity.id == Shift.activity_id)
        .where(
            Activity.status == ActivityStatus.PUBLISHED,
            Shift.cancelled_at.is_(None),
            Shift.starts_at > now,
            Shift.starts_at <= now + DAY_BEFORE,
            (Shift.reminded_day_before_at.is_(None))
            | (Shift.reminded_hours_before_at.is_(None) & (Shift.starts_at <= now + HOURS_BEFORE)),
        )
        .order_by(Shift.starts_at, Shift.id)
    )
    return [tuple(row) for row in session.execute(query)]


def _claim(session: Session, shift_id: int, starts_at: datetime, now: datetime) -> str | None:
    """Mark the reminder that is due as sent; return its kind, or None if another run did."""
    soon = starts_at <= now + HOURS_BEFORE
    mark = Shift.reminded_hours_before_at if soon else Shift.reminded_day_before_at
    values = {mark: now}
    if soon:  # a shift added at short notice gets the near reminder only, not both at once
        values[Shift.reminded_day_before_at] = func.coalesce(Shift.reminded_day_before_at, now)
    claimed = session.execute(
        update(Shift)
        .where(
            Shift.id == shift_id,
            mark.is_(None),
            Shift.cancelled_at.is_(None),
            Shift.starts_at == starts_at,  # moved meanwhile: the next run looks at it afresh
        )
        .values(values)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return None
    return "hours_before" if soon else "day_before"


def send_due_reminders(session: Session, now: datetime | None = None) -> int:
    """Claim every reminder that is due and signal it after commit; return how many.

    A reminder goes to the volunteers confirmed at that moment; a shift nobody is confirmed for
    is marked all the same, and no signal is sent for it.
    """
    now = now or utcnow()
    sent = 0
    for shift_id, activity_id, starts_at in _due(session, now):
        kind = _claim(session, shift_id, starts_at, now)
        if kind is None:
            continue
        user_ids = list(
            session.scalars(
                select(Signup.user_id)
                .where(Signup.shift_id == shift_id, Signup.status == SignupStatus.CONFIRMED)
                .order_by(Signup.queue_number)
            )
        )
        if user_ids:
            emit_after_commit(
                session,
                shift_reminder_due,
                shift_id=shift_id,
                activity_id=activity_id,
                user_ids=user_ids,
                kind=kind,
            )
            sent += 1
    session.flush()
    return sent
