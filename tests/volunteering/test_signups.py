"""Signing up for shifts and cancelling: places, the waitlist, overlaps and promotion."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.db import commit, utcnow, write_intent
from app.volunteering.models import Signup
from app.volunteering.services import signups
from tests.conftest import problem
from tests.volunteering.conftest import in_days, join, places, shift_data, under_way


@pytest.fixture
def two_places(make_activity):
    """A shift with two places, three days from now."""
    return make_activity(shifts=[shift_data(in_days(3), capacity=2)]).shifts[0]


def _status(db, user, shift) -> str:
    db.session.commit()
    return db.session.query(Signup).filter_by(user_id=user.id, shift_id=shift.id).one().status


def test_places_are_confirmed_then_people_wait_in_line(api_as, make_user, two_places, db):
    answers = []
    for _ in range(4):
        response = api_as(make_user()).post(f"/shifts/{two_places.id}/signup")
        assert response.status_code == 201, response.get_json()
        answers.append(response.get_json())
    assert [(a["status"], a["waitlist_position"]) for a in answers] == [
        ("confirmed", None),
        ("confirmed", None),
        ("waitlisted", 1),
        ("waitlisted", 2),
    ]
    assert answers[0]["shift"] == two_places.id and answers[0]["confirmed_at"]
    assert answers[2]["confirmed_at"] is None
    assert places(db, two_places) == (2, 2, 2)


def test_signing_up_twice_returns_the_same_signup(api_as, resident, two_places, db):
    client = api_as(resident)
    first = client.post(f"/shifts/{two_places.id}/signup")
    second = client.post(f"/shifts/{two_places.id}/signup")
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.get_json() == first.get_json()
    assert places(db, two_places) == (2, 1, 0)


def test_signing_up_twice_while_waiting_keeps_the_place_in_line(
    api_as, make_user, resident, two_places, db
):
    for _ in range(3):
        join(db, make_user(), two_places)
    client = api_as(resident)
    assert client.post(f"/shifts/{two_places.id}/signup").get_json()["waitlist_position"] == 2
    again = client.post(f"/shifts/{two_places.id}/signup")
    assert again.status_code == 200 and again.get_json()["waitlist_position"] == 2
    assert places(db, two_places) == (2, 2, 2)


def test_overlapping_shifts_of_one_person_are_refused(api_as, make_activity, resident, db):
    morning = make_activity(title="Koffieochtend", shifts=[shift_data(in_days(3, hour=9), 3)])
    noon = make_activity(title="Lunch koken", shifts=[shift_data(in_days(3, hour=11))])
    client = api_as(resident)
    assert client.post(f"/shifts/{morning.shifts[0].id}/signup").status_code == 201
    refused = problem(client.post(f"/shifts/{noon.shifts[0].id}/signup"), 409)
    assert "Koffieochtend" in refused["detail"]
    assert places(db, noon.shifts[0]) == (5, 0, 0)


def test_a_place_on_a_waitlist_also_overlaps(api_as, make_activity, make_user, resident):
    full = make_activity(shifts=[shift_data(in_days(3, hour=9), capacity=1)]).shifts[0]
    other = make_activity(title="Tegelijk", shifts=[shift_data(in_days(3, hour=10))]).shifts[0]
    api_as(make_user()).post(f"/shifts/{full.id}/signup")
    client = api_as(resident)
    assert client.post(f"/shifts/{full.id}/signup").get_json()["status"] == "waitlisted"
    problem(client.post(f"/shifts/{other.id}/signup"), 409)


def test_back_to_back_shifts_do_not_overlap(api_as, make_activity, resident):
    activity = make_activity(
        shifts=[shift_data(in_days(3, hour=9)), shift_data(in_days(3, hour=11))]
    )
    client = api_as(resident)
    for shift in activity.shifts:
        assert client.post(f"/shifts/{shift.id}/signup").status_code == 201


def test_what_was_given_up_or_cancelled_does_not_overlap(
    api_as, staff, make_activity, resident, db
):
    first = make_activity(shifts=[shift_data(in_days(3, hour=9))]).shifts[0]
    second = make_activity(shifts=[shift_data(in_days(3, hour=9))]).shifts[0]
    third = make_activity(shifts=[shift_data(in_days(3, hour=9))]).shifts[0]
    client = api_as(resident)
    client.post(f"/shifts/{first.id}/signup")
    client.delete(f"/shifts/{first.id}/signup")
    assert client.post(f"/shifts/{second.id}/signup").status_code == 201
    api_as(staff).post(f"/shifts/{second.id}/cancel")
    assert client.post(f"/shifts/{third.id}/signup").status_code == 201


def test_visitors_are_asked_to_log_in(api, two_places):
    problem(api.post(f"/shifts/{two_places.id}/signup"), 401)
    problem(api.delete(f"/shifts/{two_places.id}/signup"), 401)


def test_residents_volunteer_without_verification(api_as, make_user, two_places):
    newcomer = make_user("resident")
    assert not newcomer.verified
    assert api_as(newcomer).post(f"/shifts/{two_places.id}/signup").status_code == 201


def test_a_draft_cannot_be_joined(api_as, make_activity, resident, staff):
    draft = make_activity(status="draft").shifts[0]
    problem(api_as(resident).post(f"/shifts/{draft.id}/signup"), 404)
    problem(api_as(resident).delete(f"/shifts/{draft.id}/signup"), 404)
    problem(api_as(staff).post(f"/shifts/{draft.id}/signup"), 409)  # seen, not open yet


@pytest.mark.parametrize("ended", ["cancelled", "completed"])
def test_an_ended_activity_cannot_be_joined(api_as, staff, make_activity, resident, ended):
    started = shift_data(utcnow() - timedelta(hours=1))
    activity = make_activity(shifts=[started, shift_data(in_days(2))])
    assert (
        api_as(staff).patch(f"/activities/{activity.id}", json={"status": ended}).status_code == 200
    )
    problem(api_as(resident).post(f"/shifts/{activity.shifts[1].id}/signup"), 409)


def test_a_started_shift_cannot_be_joined(api_as, make_activity, resident, db):
    started = shift_data(utcnow() - timedelta(minutes=5), hours=2)
    shift = make_activity(shifts=[started]).shifts[0]
    problem(api_as(resident).post(f"/shifts/{shift.id}/signup"), 409)
    assert places(db, shift) == (5, 0, 0)


def test_cancelling_gives_the_place_to_the_first_who_waits(
    api_as, make_user, two_places, db, heard
):
    people = [make_user() for _ in range(4)]
    for person in people:
        join(db, person, two_places)
    heard.clear()
    response = api_as(people[1]).delete(f"/shifts/{two_places.id}/signup")
    assert response.status_code == 200
    assert response.get_json()["status"] == "cancelled" and response.get_json()["cancelled_at"]
    assert heard == [
        (
            "volunteer-promoted",
            {
                "signup_id": heard[0][1]["signup_id"],
                "shift_id": two_places.id,
                "activity_id": two_places.activity_id,
                "user_id": people[2].id,
            },
        )
    ]
    assert _status(db, people[2], two_places) == "confirmed"
    assert api_as(people[3]).get("/me/signups").get_json()["upcoming"][0]["waitlist_position"] == 1
    assert places(db, two_places) == (2, 2, 1)


def test_leaving_the_waitlist_moves_the_others_up(api_as, make_user, two_places, db, heard):
    people = [make_user() for _ in range(5)]
    for person in people:
        join(db, person, two_places)
    heard.clear()
    api_as(people[2]).delete(f"/shifts/{two_places.id}/signup")
    assert heard == []
    mine = api_as(people[4]).post(f"/shifts/{two_places.id}/signup").get_json()
    assert mine["waitlist_position"] == 2
    assert places(db, two_places) == (2, 2, 2)


def test_a_promotion_is_announced_only_after_commit(db, make_user, two_places, heard):
    people = [make_user() for _ in range(3)]
    for person in people:
        join(db, person, two_places)
    heard.clear()
    with write_intent():
        signups.cancel_signup(db.session, people[0], two_places.id)
        assert heard == []
        commit(db.session)
    assert [(name, p["user_id"]) for name, p in heard] == [("volunteer-promoted", people[2].id)]


def test_a_rolled_back_cancellation_announces_nothing(db, make_user, two_places, heard):
    people = [make_user() for _ in range(3)]
    for person in people:
        join(db, person, two_places)
    heard.clear()
    with write_intent():
        signups.cancel_signup(db.session, people[0], two_places.id)
        db.session.rollback()
    commit(db.session)
    assert heard == []
    assert _status(db, people[2], two_places) == "waitlisted"


def test_a_signup_is_announced_after_commit_with_its_status(db, make_user, two_places, heard):
    people = [make_user() for _ in range(3)]
    with write_intent():
        for person in people:
            signups.sign_up(db.session, person, two_places.id)
        assert heard == []
        commit(db.session)
    assert [(p["user_id"], p["status"]) for _, p in heard] == [
        (people[0].id, "confirmed"),
        (people[1].id, "confirmed"),
        (people[2].id, "waitlisted"),
    ]


def test_cancelling_without_a_signup_is_not_found(api_as, resident, two_places):
    client = api_as(resident)
    problem(client.delete(f"/shifts/{two_places.id}/signup"), 404)
    client.post(f"/shifts/{two_places.id}/signup")
    assert client.delete(f"/shifts/{two_places.id}/signup").status_code == 200
    problem(client.delete(f"/shifts/{two_places.id}/signup"), 404)


def test_an_ended_shift_can_no_longer_be_given_up(api_as, resident, two_places, db):
    join(db, resident, two_places)
    two_places.starts_at = utcnow() - timedelta(hours=3)
    two_places.ends_at = utcnow() - timedelta(hours=1)
    commit(db.session)
    problem(api_as(resident).delete(f"/shifts/{two_places.id}/signup"), 409)
    assert _status(db, resident, two_places) == "confirmed"


def test_a_shift_under_way_can_no_longer_be_given_up_nor_passed_on(
    api_as, make_user, two_places, db
):
    first, second, waiting = (make_user() for _ in range(3))
    for person in (first, second, waiting):
        join(db, person, two_places)
    under_way(db, two_places)
    detail = problem(api_as(first).delete(f"/shifts/{two_places.id}/signup"), 409)["detail"]
    assert "organisator" in detail  # in Dutch, the default language
    assert (_status(db, first, two_places), _status(db, waiting, two_places)) == (
        "confirmed",
        "waitlisted",
    )


def test_signing_up_again_joins_the_back_of_the_line(api_as, make_user, two_places, db):
    people = [make_user() for _ in range(4)]
    for person in people:
        join(db, person, two_places)
    client = api_as(people[0])
    client.delete(f"/shifts/{two_places.id}/signup")  # people[2] moves up
    again = client.post(f"/shifts/{two_places.id}/signup")
    assert again.status_code == 201
    assert (again.get_json()["status"], again.get_json()["waitlist_position"]) == ("waitlisted", 2)
    assert again.get_json()["cancelled_at"] is None
    assert places(db, two_places) == (2, 2, 2)


def test_signing_up_again_takes_a_free_place(api_as, resident, two_places, db):
    client = api_as(resident)
    client.post(f"/shifts/{two_places.id}/signup")
    client.delete(f"/shifts/{two_places.id}/signup")
    again = client.post(f"/shifts/{two_places.id}/signup")
    assert (again.status_code, again.get_json()["status"]) == (201, "confirmed")
    assert places(db, two_places) == (2, 1, 0)
    assert db.session.query(Signup).filter_by(user_id=resident.id).count() == 1


def test_a_late_signup_waits_behind_who_was_moved_back(api_as, staff, make_user, two_places, db):
    people = [make_user() for _ in range(3)]
    for person in people:
        join(db, person, two_places)
    staff_client = api_as(staff)
    staff_client.patch(f"/shifts/{two_places.id}", json={"capacity": 1, "overflow": "waitlist"})
    late = api_as(make_user()).post(f"/shifts/{two_places.id}/signup").get_json()
    assert (late["status"], late["waitlist_position"]) == ("waitlisted", 3)
