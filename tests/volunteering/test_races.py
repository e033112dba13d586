"""Signups under real concurrency: threads against the live threaded server, on both databases.

Capacity, the waitlist's order and the shift's counters must hold whatever the timing: never
more confirmed than places, never a free place while someone waits, never a gap in the line.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from app.volunteering.models import Shift, Signup
from tests.live import Browser, race
from tests.volunteering.conftest import in_days, join, shift_data


def _devices(live_url: str, db, users) -> list[Browser]:
    """Log each user in on a device of their own, several at a time."""
    emails = [user.email for user in users]
    db.session.commit()  # end the test's read snapshot, so the server's writes are seen

    def log_in(email: str) -> Browser:
        device = Browser(live_url)
        device.login(email)
        return device

    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(log_in, emails, timeout=120))


def _calls(devices, method: str, path: str, answers: dict) -> list:
    """Return one call per device that also keeps the device's answer."""

    def call(device: Browser):
        answers[device] = device.call(method, path)
        return answers[device]

    return [lambda d=device: call(d) for device in devices]


def _books(db, shift_id: int) -> tuple[list[Signup], list[Signup]]:
    """Check that the shift's counters and queue agree with its rows; return who has a place."""
    db.session.commit()
    shift = db.session.get(Shift, shift_id)
    db.session.refresh(shift)
    rows = list(db.session.scalars(select(Signup).where(Signup.shift_id == shift_id)))
    confirmed = sorted((r for r in rows if r.status == "confirmed"), key=lambda r: r.queue_number)
    waiting = sorted((r for r in rows if r.status == "waitlisted"), key=lambda r: r.queue_number)
    assert shift.confirmed_count == len(confirmed) <= shift.capacity
    assert shift.waitlist_count == len(waiting)
    if waiting:  # no lost place: nobody waits while a place is free
        assert len(confirmed) == shift.capacity
    numbers = [row.queue_number for row in rows]
    assert len(set(numbers)) == len(numbers) and shift.last_queue_number == max(numbers)
    if confirmed and waiting:  # served in order: everyone confirmed signed up before who waits
        assert confirmed[-1].queue_number < waiting[0].queue_number
    return confirmed, waiting


def test_fifty_volunteers_at_once_for_ten_places(live_url, db, make_activity, make_user):
    shift = make_activity(shifts=[shift_data(in_days(3), capacity=10)]).shifts[0]
    devices = _devices(live_url, db, [make_user() for _ in range(50)])
    answers: dict = {}
    statuses = race(*_calls(devices, "POST", f"/api/v1/shifts/{shift.id}/signup", answers))
    assert statuses == [201] * 50, statuses
    bodies = [body for _, body in answers.values()]
    assert sorted(body["status"] for body in bodies) == ["confirmed"] * 10 + ["waitlisted"] * 40
    positions = sorted(body["waitlist_position"] for body in bodies if body["waitlist_position"])
    assert positions == list(range(1, 41))
    confirmed, waiting = _books(db, shift.id)
    assert (len(confirmed), len(waiting)) == (10, 40)
    assert [row.queue_number for row in confirmed + waiting] == list(range(1, 51))
    told = {body["id"]: body["waitlist_position"] for body in bodies}
    assert [told[row.id] for row in waiting] == list(range(1, 41))  # the line as answered


def test_cancellations_while_others_sign_up_lose_no_place(
    live_url, db, make_activity, make_user, heard
):
    shift = make_activity(shifts=[shift_data(in_days(3), capacity=10)]).shifts[0]
    first = [make_user() for _ in range(13)]  # 10 places taken, 3 waiting
    for person in first:
        join(db, person, shift)
    newcomers = [make_user() for _ in range(20)]
    leavers = _devices(live_url, db, first[:5])
    joiners = _devices(live_url, db, newcomers)
    heard.clear()
    path = f"/api/v1/shifts/{shift.id}/signup"
    answers: dict = {}
    statuses = race(
        *_calls(leavers, "DELETE", path, answers), *_calls(joiners, "POST", path, answers)
    )
    assert statuses == [200] * 5 + [201] * 20, statuses
    confirmed, waiting = _books(db, shift.id)
    assert (len(confirmed), len(waiting)) == (10, 18)
    have_place = {row.user_id for row in confirmed}
    assert {person.id for person in first[5:]} <= have_place  # who waited went first
    promoted = [p["user_id"] for name, p in heard if name == "volunteer-promoted"]
    placed_at_once = [
        p["user_id"]
        for name, p in heard
        if name == "volunteer-signed-up" and p["status"] == "confirmed"
    ]
    assert len(promoted) == len(set(promoted))
    assert sorted(promoted + placed_at_once) == sorted(have_place - {p.id for p in first[5:10]})


def test_one_volunteer_tapping_ten_times_signs_up_once(live_url, db, shift, resident):
    path = f"/api/v1/shifts/{shift.id}/signup"  # read before the threads: ORM rows stay here
    [device] = _devices(live_url, db, [resident])
    calls = [lambda: device.call("POST", path)] * 10
    statuses = race(*calls)
    assert sorted(statuses) == [200] * 9 + [201], statuses
    confirmed, waiting = _books(db, shift.id)
    assert [row.user_id for row in confirmed] == [resident.id] and waiting == []


def test_one_volunteer_cannot_take_overlapping_shifts_at_once(
    live_url, db, make_activity, resident
):
    shifts = [make_activity(shifts=[shift_data(in_days(3, hour=9))]).shifts[0] for _ in range(6)]
    paths = [f"/api/v1/shifts/{shift.id}/signup" for shift in shifts]
    [device] = _devices(live_url, db, [resident])
    calls = [lambda path=path: device.call("POST", path) for path in paths]
    statuses = race(*calls)
    assert sorted(statuses) == [201] + [409] * 5, statuses
    db.session.commit()
    mine = db.session.scalars(select(Signup).where(Signup.user_id == resident.id)).all()
    assert [row.status for row in mine] == ["confirmed"]


def test_a_lower_capacity_while_volunteers_sign_up_keeps_the_books(
    live_url, db, make_activity, make_user, staff
):
    shift = make_activity(shifts=[shift_data(in_days(3), capacity=10)]).shifts[0]
    for person in [make_user() for _ in range(8)]:
        join(db, person, shift)
    [organiser] = _devices(live_url, db, [staff])
    joiners = _devices(live_url, db, [make_user() for _ in range(15)])
    lower = {"capacity": 4, "overflow": "waitlist"}

    def change():
        return organiser.call("PATCH", f"/api/v1/shifts/{shift.id}", lower)

    statuses = race(change, *_calls(joiners, "POST", f"/api/v1/shifts/{shift.id}/signup", {}))
    assert statuses == [200] + [201] * 15, statuses
    confirmed, waiting = _books(db, shift.id)
    assert (len(confirmed), len(waiting)) == (4, 19)


def test_cancelling_an_activity_while_its_shifts_change_answers_no_5xx(
    live_url, db, make_activity, make_user, staff
):
    hours = [8, 10, 12, 14, 16]
    activity = make_activity(shifts=[shift_data(in_days(3, hour=h), hours=1) for h in hours])
    for shift in activity.shifts:
        join(db, make_user(), shift)
    first, *_, last = (shift.id for shift in activity.shifts)
    cancel_all = (f"/api/v1/activities/{activity.id}", {"status": "cancelled"})
    cancel_first = (f"/api/v1/shifts/{first}/cancel", None)
    move_last = (f"/api/v1/shifts/{last}", {"ends_at": in_days(3, hour=19).isoformat()})
    devices = _devices(live_url, db, [staff] * 3)
    statuses = race(
        lambda: devices[0].call("PATCH", *cancel_all),
        lambda: devices[1].call("POST", *cancel_first),
        lambda: devices[2].call("PATCH", *move_last),
    )
    assert all(status < 500 for status in statuses), statuses
    db.session.commit()
    db.session.refresh(activity)
    assert activity.status == "cancelled"
    assert all(shift.cancelled_at is not None for shift in activity.shifts)
