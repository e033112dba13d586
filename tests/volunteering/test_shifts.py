"""Organisers add, move and cancel shifts and change their capacity; the waitlist follows."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.db import commit, write_intent
from app.volunteering.models import Shift
from app.volunteering.services import shifts as shift_services
from tests.conftest import problem
from tests.volunteering.conftest import in_days, join, places, shift_data, shift_json


@pytest.fixture
def crowded(db, make_activity, make_user):
    """A shift of 3 places with 3 confirmed and 2 waiting; returns (shift, people in order)."""
    activity = make_activity(shifts=[shift_data(in_days(3), capacity=3)])
    shift = activity.shifts[0]
    people = [make_user(name=f"Vrijwilliger {n}") for n in range(5)]
    for person in people:
        join(db, person, shift)
    return shift, people


def _lineup(staff_api, shift) -> list[tuple[int, str, int | None]]:
    rows = staff_api.get(f"/shifts/{shift.id}/attendees").get_json()
    return [(row["user_id"], row["status"], row["waitlist_position"]) for row in rows]


def test_organisers_add_a_shift(api_as, make_activity, make_resident, db):
    organiser = make_resident()
    activity = make_activity(organisers=[organiser.id])
    later = in_days(6, hour=14)
    response = api_as(organiser).post(
        f"/activities/{activity.id}/shifts", json=shift_json(later, capacity=8, task="Soep")
    )
    assert response.status_code == 201, response.get_json()
    added = response.get_json()
    assert (added["capacity"], added["places_left"], added["task"]) == (8, 8, "Soep")
    assert db.session.get(Shift, added["id"]).activity_id == activity.id
    shown = api_as(organiser).get(f"/activities/{activity.id}").get_json()
    assert [shift["id"] for shift in shown["shifts"]][-1] == added["id"]
    assert shown["ends_at"] == added["ends_at"]


def test_an_added_shift_is_checked(staff_api, activity):
    for body in (shift_json(in_days(5), hours=-1), shift_json(in_days(5), hours=25)):
        problem(staff_api.post(f"/activities/{activity.id}/shifts", json=body), 422)


def test_moving_a_shift_tells_everyone_on_it(staff_api, api_as, crowded, make_user, db, heard):
    shift, people = crowded
    quitter = make_user()
    join(db, quitter, shift)
    api_as(quitter).delete(f"/shifts/{shift.id}/signup")  # who left is not told
    heard.clear()
    later = in_days(3, hour=14)
    body = {"starts_at": later.isoformat(), "ends_at": (later + timedelta(hours=3)).isoformat()}
    response = staff_api.patch(f"/shifts/{shift.id}", json=body)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["starts_at"] == later.isoformat()
    [(name, payload)] = heard
    assert name == "shift-changed" and payload["shift_id"] == shift.id
    assert sorted(payload["user_ids"]) == sorted(person.id for person in people)
    assert shift.activity.starts_at == later


def test_changing_only_the_task_tells_nobody(staff_api, crowded, heard):
    shift, _ = crowded
    heard.clear()
    same_time = {"task": "Vegen", "starts_at": shift.starts_at.isoformat()}
    assert staff_api.patch(f"/shifts/{shift.id}", json=same_time).get_json()["task"] == "Vegen"
    assert heard == []


def test_a_moved_shift_must_still_end_after_it_starts(staff_api, shift, db):
    late = (shift.ends_at + timedelta(hours=1)).isoformat()
    problem(staff_api.patch(f"/shifts/{shift.id}", json={"starts_at": late}), 422)
    far = (shift.starts_at + timedelta(hours=25)).isoformat()
    problem(staff_api.patch(f"/shifts/{shift.id}", json={"ends_at": far}), 422)
    db.session.refresh(shift)
    assert shift.minutes == 120


def test_cancelling_a_shift_tells_everyone_on_it(staff_api, api_as, crowded, make_user, heard):
    shift, people = crowded
    heard.clear()
    response = staff_api.post(f"/shifts/{shift.id}/cancel")
    assert response.status_code == 200 and response.get_json()["cancelled"] is True
    [(name, payload)] = heard
    assert name == "shift-cancelled"
    assert sorted(payload["user_ids"]) == sorted(person.id for person in people)
    problem(api_as(make_user()).post(f"/shifts/{shift.id}/signup"), 409)
    problem(staff_api.patch(f"/shifts/{shift.id}", json={"task": "Toch"}), 409)
    assert staff_api.post(f"/shifts/{shift.id}/cancel").status_code == 200
    assert len(heard) == 1  # cancelling again tells nobody again


def test_leaving_a_cancelled_shift_promotes_nobody(api_as, staff_api, crowded, heard, db):
    shift, people = crowded
    staff_api.post(f"/shifts/{shift.id}/cancel")
    heard.clear()
    assert api_as(people[0]).delete(f"/shifts/{shift.id}/signup").status_code == 200
    assert heard == []
    assert places(db, shift) == (3, 2, 2)


def test_the_activity_follows_the_shifts_that_take_place(staff_api, make_activity, db):
    activity = make_activity(shifts=[shift_data(in_days(3)), shift_data(in_days(5))])
    first, last = activity.shifts
    staff_api.post(f"/shifts/{first.id}/cancel")
    db.session.refresh(activity)
    assert activity.starts_at == last.starts_at


def test_a_capacity_below_the_confirmed_is_refused(staff_api, crowded, db, heard):
    shift, _ = crowded
    heard.clear()
    response = staff_api.patch(f"/shifts/{shift.id}", json={"capacity": 2, "task": "Anders"})
    assert "capacity" in problem(response, 409)["errors"]
    assert places(db, shift) == (3, 3, 2)
    assert shift.task == "" and heard == []


def test_with_overflow_the_last_confirmed_head_the_waitlist(staff_api, crowded, db, heard):
    shift, people = crowded
    heard.clear()
    body = {"capacity": 1, "overflow": "waitlist"}
    response = staff_api.patch(f"/shifts/{shift.id}", json=body)
    assert response.status_code == 200, response.get_json()
    assert (response.get_json()["confirmed_count"], response.get_json()["waitlist_count"]) == (1, 4)
    ids = [person.id for person in people]
    assert _lineup(staff_api, shift) == [
        (ids[0], "confirmed", None),
        (ids[1], "waitlisted", 1),
        (ids[2], "waitlisted", 2),
        (ids[3], "waitlisted", 3),
        (ids[4], "waitlisted", 4),
    ]
    moved = [p["user_id"] for name, p in heard if name == "volunteer-waitlisted"]
    assert sorted(moved) == [ids[1], ids[2]] and len(heard) == 2
    assert places(db, shift) == (1, 1, 4)


def test_raising_the_capacity_confirms_who_waits_in_order(staff_api, crowded, db, heard):
    shift, people = crowded
    heard.clear()
    response = staff_api.patch(f"/shifts/{shift.id}", json={"capacity": 4})
    assert response.get_json()["places_left"] == 0
    assert [p["user_id"] for name, p in heard if name == "volunteer-promoted"] == [people[3].id]
    assert places(db, shift) == (4, 4, 1)
    staff_api.patch(f"/shifts/{shift.id}", json={"capacity": 10})
    assert [p["user_id"] for _, p in heard] == [people[3].id, people[4].id]
    assert places(db, shift) == (10, 5, 0)
    assert all(status == "confirmed" for _, status, _ in _lineup(staff_api, shift))


def test_lowering_to_the_confirmed_count_is_fine(staff_api, api_as, crowded, db):
    shift, people = crowded
    for waiting in people[3:]:
        api_as(waiting).delete(f"/shifts/{shift.id}/signup")
    staff_api.patch(f"/shifts/{shift.id}", json={"capacity": 5})
    assert staff_api.patch(f"/shifts/{shift.id}", json={"capacity": 3}).status_code == 200
    assert places(db, shift) == (3, 3, 0)


def test_signals_of_a_change_are_sent_only_after_commit(db, staff, crowded, heard):
    shift, people = crowded
    heard.clear()
    with write_intent():
        locked = shift_services.lock_shift(db.session, shift.id)
        shift_services.update_shift(db.session, staff, locked, {"capacity": 5})
        assert heard == []
        commit(db.session)
    assert [p["user_id"] for _, p in heard] == [people[3].id, people[4].id]


def test_a_rolled_back_change_sends_nothing(db, staff, crowded, heard):
    shift, _ = crowded
    heard.clear()
    with write_intent():
        locked = shift_services.lock_shift(db.session, shift.id)
        shift_services.cancel_shift(db.session, staff, locked)
        db.session.rollback()
        commit(db.session)
    assert heard == []


def test_an_activity_takes_no_more_than_fifty_shifts(staff_api, make_activity, db):
    activity = make_activity(shifts=[shift_data(in_days(2 + n / 100)) for n in range(50)])
    response = staff_api.post(f"/activities/{activity.id}/shifts", json=shift_json(in_days(9)))
    assert "starts_at" in problem(response, 422)["errors"]
    db.session.refresh(activity)
    assert len(activity.shifts) == 50
