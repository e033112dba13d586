"""Hostile input found in review: far-off dates, ids beyond 32 bits, odd digits in forms."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.db import utcnow
from tests.conftest import problem
from tests.volunteering.conftest import activity_json, join, shift_data
from tests.volunteering.test_views import post
from tests.volunteering.test_views_organise import NEW, activity_form

TOO_BIG = 2**63 + 5  # beyond SQLite's integers as well as our 32-bit ids


@pytest.fixture
def as_staff(client, login, make_user):
    login(make_user("staff", language="en"))
    return client


@pytest.mark.parametrize(
    ("starts_at", "ends_at"),
    [
        ("9999-12-31T20:00:00+00:00", "9999-12-31T23:00:00+00:00"),
        ("0001-01-01T00:00:00+00:00", "0001-01-01T03:00:00+00:00"),
        ("2099-12-31T23:00:00+00:00", "2100-01-01T01:00:00+00:00"),
    ],
)
def test_shifts_in_far_off_years_are_refused(staff_api, api, wijk, starts_at, ends_at):
    shift = {"starts_at": starts_at, "ends_at": ends_at, "capacity": 3}
    response = staff_api.post("/activities", json=activity_json(wijk, shifts=[shift]))
    assert problem(response, 422)["errors"]["starts_at"]
    assert api.get("/activities").status_code == 200


def test_a_shift_cannot_be_moved_to_a_far_off_year(staff_api, shift):
    changes = {"starts_at": "9999-12-31T20:00:00+00:00", "ends_at": "9999-12-31T22:00:00+00:00"}
    assert problem(staff_api.patch(f"/shifts/{shift.id}", json=changes), 422)["errors"]


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_the_shift_form_refuses_a_far_off_day(as_staff, wijk, day):
    fields = {"shifts-0-day": day, "shifts-0-start": "23:00", "shifts-0-end": "00:30"}
    response = post(as_staff, NEW, NEW, **activity_form(**fields))
    assert response.status_code == 422
    assert "Choose a date from 2000 to 2099." in response.get_data(as_text=True)
    assert as_staff.get("/activiteiten").status_code == 200


def test_the_period_filter_refuses_moments_that_cannot_be_in_utc(api):
    response = api.get("/activities", query_string={"from": "0001-01-01T00:00:00+14:00"})
    assert problem(response, 422)["errors"]["from"]


def test_ids_beyond_32_bits_are_refused_not_a_crash(staff_api, activity, shift):
    for changes in ({"organisers": [TOO_BIG]}, {"proposal": TOO_BIG}):
        response = staff_api.patch(f"/activities/{activity.id}", json=changes)
        assert problem(response, 422)["errors"]
    response = staff_api.post(f"/shifts/{shift.id}/check-in", json={"user_id": TOO_BIG})
    assert problem(response, 422)["errors"]["user_id"]
    response = staff_api.post(f"/shifts/{shift.id}/attendance", json={"attended": [TOO_BIG]})
    assert problem(response, 422)["errors"]["attended"]
    response = staff_api.get("/activities", query_string={"proposal": TOO_BIG})
    assert problem(response, 422)["errors"]["proposal"]


@pytest.mark.parametrize("user_id", ["²", "9" * 30])
def test_the_check_in_form_refuses_odd_numbers(as_staff, db, make_activity, make_resident, user_id):
    soon = utcnow().replace(microsecond=0) + timedelta(hours=1)
    shift = make_activity(shifts=[shift_data(soon)]).shifts[0]
    join(db, make_resident(), shift)
    page = f"/activiteiten/diensten/{shift.id}/inchecken"
    assert post(as_staff, page, page, user_id=user_id).status_code == 422


def test_length_and_choice_errors_are_our_own_translatable_messages(api):
    english = {"Accept-Language": "en"}
    query = {"neighbourhood": "x" * 81, "theme": "schoon"}
    response = api.get("/activities", query_string=query, headers=english)
    assert problem(response, 422)["errors"] == {"neighbourhood": ["Write 1 to 80 characters."]}
    response = api.get("/me/calendar.ics", query_string={"token": "x" * 201}, headers=english)
    assert problem(response, 422)["errors"] == {"token": ["Write 1 to 200 characters."]}
