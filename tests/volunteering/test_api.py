"""The volunteering JSON API's input checks: every refusal is a problem document."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.volunteering.models import Activity
from tests.conftest import problem
from tests.volunteering.conftest import activity_json, in_days, shift_json, under_way


def _activities(db) -> int:
    db.session.commit()
    return db.session.scalar(select(func.count(Activity.id)))


def test_unknown_fields_are_refused_field_by_field(staff_api, wijk, db):
    body = activity_json(wijk, colour="red")
    body["shifts"][0]["room"] = "B"
    errors = problem(staff_api.post("/activities", json=body), 422)["errors"]
    assert "colour" in errors
    assert "room" in errors["shifts"]["0"]
    assert _activities(db) == 0


def test_missing_fields_are_named(staff_api):
    errors = problem(staff_api.post("/activities", json={}), 422)["errors"]
    assert {"title", "theme", "neighbourhood", "shifts"} <= set(errors)


def test_malformed_json_is_a_bad_request(staff_api):
    response = staff_api.post(
        "/activities", data='{"title": ', headers={"Content-Type": "application/json"}
    )
    problem(response, 400)


@pytest.mark.parametrize("capacity", ["5", True, 0, -1, 10_001, 2.5, None])
def test_a_capacity_must_be_a_whole_number_from_1_to_10000(staff_api, wijk, db, capacity):
    shift = {**shift_json(in_days(4)), "capacity": capacity}
    response = staff_api.post("/activities", json=activity_json(wijk, shifts=[shift]))
    assert "capacity" in problem(response, 422)["errors"]["shifts"]["0"]
    assert _activities(db) == 0


def test_the_largest_capacity_is_accepted(staff_api, wijk):
    shift = shift_json(in_days(4), capacity=10_000)
    response = staff_api.post("/activities", json=activity_json(wijk, shifts=[shift]))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["shifts"][0]["places_left"] == 10_000


@pytest.mark.parametrize("hours", [0, -1])
def test_a_shift_must_end_after_it_starts(staff_api, wijk, db, hours):
    body = activity_json(wijk, shifts=[shift_json(in_days(4), hours=hours)])
    assert "ends_at" in problem(staff_api.post("/activities", json=body), 422)["errors"]
    assert _activities(db) == 0


def test_a_shift_lasts_a_day_at_most(staff_api, wijk, db):
    body = activity_json(wijk, shifts=[shift_json(in_days(4), hours=24.5)])
    assert "ends_at" in problem(staff_api.post("/activities", json=body), 422)["errors"]
    body = activity_json(wijk, shifts=[shift_json(in_days(4), hours=24)])
    assert staff_api.post("/activities", json=body).status_code == 201
    assert _activities(db) == 1


@pytest.mark.parametrize("shifts", [[], None, "morning", [{}]])
def test_an_activity_needs_at_least_one_valid_shift(staff_api, wijk, db, shifts):
    body = activity_json(wijk, shifts=shifts)
    assert "shifts" in problem(staff_api.post("/activities", json=body), 422)["errors"]
    assert _activities(db) == 0


def test_fifty_shifts_at_most(staff_api, wijk):
    shifts = [shift_json(in_days(4 + n)) for n in range(51)]
    body = activity_json(wijk, shifts=shifts)
    assert "shifts" in problem(staff_api.post("/activities", json=body), 422)["errors"]


@pytest.mark.parametrize(
    "field, value",
    [
        ("theme", "groen"),
        ("title", "  "),
        ("title", "x" * 121),
        ("lat", 91),
        ("lon", "oost"),
        ("requirements", "handschoenen"),
        ("requirements", [""]),
        ("organisers", ["1"]),
        ("proposal", "1"),
        ("status", "archived"),
    ],
)
def test_wrong_values_are_refused_by_field(staff_api, wijk, field, value):
    body = {**activity_json(wijk, lat=52.0, lon=4.7), field: value}
    assert field in problem(staff_api.post("/activities", json=body), 422)["errors"]


def test_times_without_a_zone_are_taken_as_utc(staff_api, wijk):
    shift = shift_json(in_days(4, hour=9))
    shift["starts_at"] = shift["starts_at"].removesuffix("+00:00")
    shift["ends_at"] = shift["ends_at"].removesuffix("+00:00")
    response = staff_api.post("/activities", json=activity_json(wijk, shifts=[shift]))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["shifts"][0]["starts_at"].endswith("09:00:00+00:00")


def test_an_unknown_neighbourhood_is_not_found(staff_api, wijk):
    body = {**activity_json(wijk), "neighbourhood": "nergens"}
    problem(staff_api.post("/activities", json=body), 404)


def test_a_shift_change_is_checked_too(staff_api, shift):
    for body in ({"capacity": "3"}, {"overflow": "drop"}, {"starts_at": "morgen"}, {"x": 1}):
        problem(staff_api.patch(f"/shifts/{shift.id}", json=body), 422)


@pytest.mark.parametrize(
    "body", [{}, {"user_id": 1, "code": "abc"}, {"user_id": "1"}, {"user_id": True}, {"code": ""}]
)
def test_a_check_in_takes_either_a_user_id_or_a_code(staff_api, shift, body):
    problem(staff_api.post(f"/shifts/{shift.id}/check-in", json=body), 422)


def test_a_user_id_that_is_nobody_is_not_found(staff_api, db, shift):
    under_way(db, shift)
    problem(staff_api.post(f"/shifts/{shift.id}/check-in", json={"user_id": 0}), 404)


def test_attendance_takes_a_list_of_user_ids(staff_api, shift):
    for body in ({"attended": "1"}, {"attended": ["1"]}, {"who": []}):
        problem(staff_api.post(f"/shifts/{shift.id}/attendance", json=body), 422)


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=101",
        "cursor=made-up",
        "from=yesterday",
        "theme=groen",
        "proposal=one",
        f"from={in_days(5).isoformat()}&to={in_days(4).isoformat()}".replace("+", "%2B"),
    ],
)
def test_list_filters_are_checked(api, activity, query):
    problem(api.get(f"/activities?{query}"), 422)


def test_unknown_things_are_problem_documents(api, api_as, resident):
    problem(api.get("/activities/999"), 404)
    client = api_as(resident)
    problem(client.post("/shifts/999/signup"), 404)
    problem(client.delete("/shifts/999/signup"), 404)
    problem(client.get("/shifts/999/attendees"), 404)
    problem(client.patch("/activities/999", json={"title": "Nieuw"}), 404)
    problem(api.get("/activities/99999999999"), 404)


def test_writes_need_the_csrf_token(api_as, resident, shift):
    response = api_as(resident).post(f"/shifts/{shift.id}/signup", csrf=False)
    assert response.status_code in (400, 403)
    assert response.mimetype == "application/problem+json"


def test_the_openapi_document_describes_every_volunteering_route(api):
    paths = api.get("/openapi.json").get_json()["paths"]
    for path in (
        "/api/v1/activities",
        "/api/v1/activities/{activity_id}",
        "/api/v1/activities/{activity_id}/shifts",
        "/api/v1/shifts/{shift_id}",
        "/api/v1/shifts/{shift_id}/cancel",
        "/api/v1/shifts/{shift_id}/signup",
        "/api/v1/shifts/{shift_id}/attendees",
        "/api/v1/shifts/{shift_id}/check-in",
        "/api/v1/shifts/{shift_id}/attendance",
        "/api/v1/me/signups",
        "/api/v1/me/volunteering",
    ):
        assert path in paths, path
