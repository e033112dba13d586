"""Shift reminders: the day before and two hours before, each sent once, race-free."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select

from app.core.db import commit, utcnow, write_intent
from app.core.signals import shift_reminder_due
from app.volunteering.models import Shift
from app.volunteering.services import activities as activity_services
from app.volunteering.services import shifts as shift_services
from app.volunteering.services import signups
from app.volunteering.services.reminders import send_due_reminders
from tests.volunteering.conftest import shift_data

NOW = utcnow().replace(microsecond=0)


def _remind(db, now=NOW) -> list[tuple[int, str, list[int]]]:
    """Run the reminders once and commit; return (shift id, kind, user ids) of each signal."""
    heard: list[dict] = []
    listen = shift_reminder_due.connected_to(lambda _, **payload: heard.append(payload))
    with listen, write_intent():
        send_due_reminders(db.session, now)
        commit(db.session)
    return [(p["shift_id"], p["kind"], p["user_ids"]) for p in heard]


def _starting_in(make_activity, *hours: float, **fields):
    """Return an activity with half-hour shifts starting the given hours after NOW."""
    data = [shift_data(NOW + timedelta(hours=h), hours=0.5) for h in hours]
    return make_activity(shifts=data, **fields)


def _sign_up(db, user, shift) -> None:
    with write_intent():
        signups.sign_up(db.session, user, shift.id)
        commit(db.session)


def test_day_before_reminder_goes_once(db, make_activity, resident):
    [shift] = _starting_in(make_activity, 20).shifts
    _sign_up(db, resident, shift)
    assert _remind(db) == [(shift.id, "day_before", [resident.id])]
    assert _remind(db) == []
    assert _remind(db, NOW + timedelta(hours=1)) == []


def test_hours_before_reminder_follows_later(db, make_activity, resident):
    [shift] = _starting_in(make_activity, 20).shifts
    _sign_up(db, resident, shift)
    _remind(db)
    later = NOW + timedelta(hours=18, minutes=30)
    assert _remind(db, later) == [(shift.id, "hours_before", [resident.id])]
    assert _remind(db, later + timedelta(minutes=5)) == []


def test_shift_soon_gets_only_the_near_reminder(db, make_activity, resident):
    [shift] = _starting_in(make_activity, 1).shifts
    _sign_up(db, resident, shift)
    assert _remind(db) == [(shift.id, "hours_before", [resident.id])]
    db.session.expire_all()
    marked = db.session.get(Shift, shift.id)
    assert marked.reminded_day_before_at == marked.reminded_hours_before_at == NOW
    assert _remind(db) == []


def test_no_reminder_far_ahead_or_once_started(db, make_activity, resident):
    far, started = _starting_in(make_activity, 25, 30).shifts
    _sign_up(db, resident, far)
    _sign_up(db, resident, started)
    assert _remind(db) == []
    assert _remind(db, started.starts_at) == []
    assert _remind(db, started.starts_at + timedelta(minutes=5)) == []


def test_no_reminder_for_cancelled_shifts(db, make_activity, resident, staff):
    [shift] = _starting_in(make_activity, 20).shifts
    _sign_up(db, resident, shift)
    shift_services.cancel_shift(db.session, staff, shift)
    commit(db.session)
    assert _remind(db) == []


def test_no_reminder_for_cancelled_activities(db, make_activity, resident, staff):
    activity = _starting_in(make_activity, 20)
    _sign_up(db, resident, activity.shifts[0])
    activity_services.update_activity(db.session, staff, activity, {"status": "cancelled"})
    commit(db.session)
    assert _remind(db) == []


def test_no_reminder_for_drafts(db, make_activity):
    _starting_in(make_activity, 1, 20, status="draft")
    assert _remind(db) == []
    db.session.expire_all()
    marked = select(Shift.id).where(Shift.reminded_day_before_at.is_not(None))
    assert db.session.scalars(marked).all() == []


def test_reminders_go_to_confirmed_volunteers_only(db, make_activity, make_user):
    [shift] = _starting_in(make_activity, 20).shifts
    first, second, third, waiting = (make_user() for _ in range(4))
    for person in (first, second, third, waiting):
        _sign_up(db, person, shift)  # five places: all four confirmed
    with write_intent():
        signups.cancel_signup(db.session, second, shift.id)
        locked = shift_services.lock_shift(db.session, shift.id)
        shift_services.change_capacity(db.session, locked, 2, "waitlist")
        commit(db.session)
    assert _remind(db) == [(shift.id, "day_before", [first.id, third.id])]


def test_shift_without_volunteers_sends_nothing(db, make_activity):
    _starting_in(make_activity, 20)
    assert _remind(db) == []


def test_moved_shift_is_reminded_again(db, make_activity, resident, staff):
    [shift] = _starting_in(make_activity, 20).shifts
    _sign_up(db, resident, shift)
    _remind(db)
    moved = NOW + timedelta(hours=22)
    with write_intent():
        locked = shift_services.lock_shift(db.session, shift.id)
        shift_services.update_shift(
            db.session, staff, locked, {"starts_at": moved, "ends_at": moved + timedelta(hours=1)}
        )
        commit(db.session)
    assert _remind(db) == [(shift.id, "day_before", [resident.id])]


def test_reminders_wait_for_the_commit(db, make_activity, resident):
    [shift] = _starting_in(make_activity, 20).shifts
    _sign_up(db, resident, shift)
    heard: list[dict] = []
    listen = shift_reminder_due.connected_to(lambda _, **payload: heard.append(payload))
    with listen, write_intent():
        assert send_due_reminders(db.session, NOW) == 1
        assert heard == []
        db.session.rollback()
    assert heard == []
    assert _remind(db) == [(shift.id, "day_before", [resident.id])]


def test_the_job_worker_sends_due_reminders(db, make_activity, resident):
    from app.volunteering.jobs import send_shift_reminders

    [shift] = _starting_in(make_activity, 1).shifts
    _sign_up(db, resident, shift)
    heard: list[dict] = []
    with shift_reminder_due.connected_to(lambda _, **payload: heard.append(payload)):
        send_shift_reminders()  # JOBS_IMMEDIATE in tests: runs now, as the worker would
        send_shift_reminders()
    assert [(p["shift_id"], p["kind"]) for p in heard] == [(shift.id, "hours_before")]
    db.session.expire_all()
    assert db.session.get(Shift, shift.id).reminded_hours_before_at is not None


def test_workers_at_the_same_time_send_each_reminder_once(app, db, make_activity, resident):
    activity = _starting_in(make_activity, 1, 1.5, 5, 10, 20, 23)
    for shift in activity.shifts:
        _sign_up(db, resident, shift)
    expected = {(shift.id, "hours_before") for shift in activity.shifts[:2]}
    expected |= {(shift.id, "day_before") for shift in activity.shifts[2:]}
    heard: list[tuple[int, str]] = []
    failures: list[BaseException] = []
    workers = 4
    barrier = threading.Barrier(workers, timeout=30)

    def work() -> None:
        try:
            with app.app_context():
                barrier.wait()
                with write_intent():
                    send_due_reminders(db.session, NOW)
                    commit(db.session)
        except BaseException as error:  # shown by the assertion below
            failures.append(error)

    def hear(_, **payload) -> None:
        heard.append((payload["shift_id"], payload["kind"]))

    with shift_reminder_due.connected_to(hear):
        threads = [threading.Thread(target=work) for _ in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert failures == []
    assert sorted(heard) == sorted(expected)
