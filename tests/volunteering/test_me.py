"""A volunteer's own record: upcoming and past shifts, credited hours and the check-in code."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.db import commit, utcnow
from app.volunteering.services import tokens
from tests.conftest import problem
from tests.volunteering.conftest import in_days, join, shift_data, under_way


@pytest.fixture
def volunteer(make_user):
    return make_user(name="Vera")


def _ended(db, shift, days_ago: int = 1) -> None:
    shift.starts_at = utcnow().replace(microsecond=0) - timedelta(days=days_ago, hours=2)
    shift.ends_at = shift.starts_at + timedelta(hours=2)
    commit(db.session)


def test_visitors_have_no_record(api):
    problem(api.get("/me/signups"), 401)
    problem(api.get("/me/volunteering"), 401)


def test_my_upcoming_shifts_come_soonest_first_with_their_status(
    api_as, db, make_activity, make_user, volunteer
):
    later = make_activity(title="Later", shifts=[shift_data(in_days(9))]).shifts[0]
    full = make_activity(title="Vol", shifts=[shift_data(in_days(2), capacity=1)]).shifts[0]
    given_up = make_activity(title="Afgezegd", shifts=[shift_data(in_days(5))]).shifts[0]
    join(db, make_user(), full)
    for shift in (later, full, given_up):
        join(db, volunteer, shift)
    client = api_as(volunteer)
    client.delete(f"/shifts/{given_up.id}/signup")
    mine = client.get("/me/signups").get_json()
    assert [
        (row["shift"]["activity"]["title"], row["status"], row["waitlist_position"])
        for row in mine["upcoming"]
    ] == [("Vol", "waitlisted", 1), ("Later", "confirmed", None)]
    first = mine["upcoming"][0]
    assert first["shift"]["id"] == full.id and first["shift"]["cancelled"] is False
    assert first["shift"]["activity"]["url"] == f"/activiteiten/{full.activity_id}"
    assert mine["past"] == []


def test_my_past_shifts_come_latest_first_whatever_became_of_them(
    api_as, db, make_activity, volunteer
):
    long_ago, yesterday = (make_activity(title=t).shifts[0] for t in ("Lang geleden", "Gisteren"))
    join(db, volunteer, long_ago)
    _ended(db, long_ago, days_ago=30)
    join(db, volunteer, yesterday)
    _ended(db, yesterday, days_ago=1)
    past = api_as(volunteer).get("/me/signups").get_json()["past"]
    assert [row["shift"]["activity"]["title"] for row in past] == ["Gisteren", "Lang geleden"]
    assert {row["status"] for row in past} == {"confirmed"}


def test_a_cancelled_shift_stays_upcoming_marked_cancelled(api_as, staff, shift, volunteer, db):
    join(db, volunteer, shift)
    api_as(staff).post(f"/shifts/{shift.id}/cancel")
    [row] = api_as(volunteer).get("/me/signups").get_json()["upcoming"]
    assert row["shift"]["cancelled"] is True


def test_others_shifts_are_not_mine(api_as, shift, volunteer, make_user, db):
    join(db, make_user(), shift)
    assert api_as(volunteer).get("/me/signups").get_json() == {"upcoming": [], "past": []}


def test_a_new_volunteer_has_no_hours_yet(api_as, volunteer):
    record = api_as(volunteer).get("/me/volunteering").get_json()
    assert {key: record[key] for key in ("minutes", "hours", "shifts_done", "no_shows")} == {
        "minutes": 0,
        "hours": 0,
        "shifts_done": 0,
        "no_shows": 0,
    }
    assert record["activities_done"] == 0 and record["history"] == []
    assert record["check_in_code"] == tokens.pass_token(volunteer)


def test_hours_are_credited_per_confirmed_attendance(api_as, staff, db, make_activity, volunteer):
    two_shifts = make_activity(
        title="Twee diensten",
        shifts=[
            shift_data(in_days(3, hour=8), hours=2),
            shift_data(in_days(3, hour=13), hours=1.5),
        ],
    )
    other = make_activity(title="Nog een", shifts=[shift_data(in_days(4), hours=3)])
    skipped = make_activity(title="Niet gekomen", shifts=[shift_data(in_days(5))])
    unconfirmed = make_activity(title="Nog niet bevestigd", shifts=[shift_data(in_days(6))])
    shifts = [*two_shifts.shifts, other.shifts[0], skipped.shifts[0], unconfirmed.shifts[0]]
    for shift in shifts:
        join(db, volunteer, shift)
    for n, shift in enumerate(shifts):
        under_way(db, shift, started=timedelta(days=10 - n), hours=shift.minutes / 60)
    organiser = api_as(staff)
    for shift in shifts[:3]:
        organiser.post(f"/shifts/{shift.id}/attendance", json={"attended": [volunteer.id]})
    organiser.post(f"/shifts/{shifts[3].id}/attendance", json={"attended": []})
    record = api_as(volunteer).get("/me/volunteering").get_json()
    assert record["minutes"] == 120 + 90 + 180
    assert record["hours"] == 6.5
    assert (record["shifts_done"], record["activities_done"], record["no_shows"]) == (3, 2, 1)
    assert [row["shift"]["activity"]["title"] for row in record["history"]] == [
        "Nog een",
        "Twee diensten",
        "Twee diensten",
    ]
    assert record["history"][0]["minutes_credited"] == 180
    assert record["history"][0]["attendance"] == "attended"


def test_my_check_in_code_checks_me_in(api_as, staff, db, shift, volunteer):
    join(db, volunteer, shift)
    under_way(db, shift)
    code = api_as(volunteer).get("/me/volunteering").get_json()["check_in_code"]
    response = api_as(staff).post(f"/shifts/{shift.id}/check-in", json={"code": code})
    assert response.status_code == 200 and response.get_json()["user_id"] == volunteer.id
    [row] = api_as(volunteer).get("/me/signups").get_json()["upcoming"]
    assert row["checked_in_at"] == response.get_json()["checked_in_at"]
