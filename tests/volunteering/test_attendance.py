"""On the day: the attendee list, check-in by id or QR code, and confirming who came."""

from __future__ import annotations

from datetime import timedelta

import pytest
from itsdangerous import URLSafeSerializer

from app.core.db import commit, utcnow
from app.volunteering.models import Signup
from app.volunteering.services import tokens
from tests.conftest import problem
from tests.volunteering.conftest import in_days, join, shift_data, under_way


@pytest.fixture
def day(db, make_activity, make_user, organiser):
    """A shift of 2 places under way since an hour: Anna and Bert confirmed, Cor waiting."""
    activity = make_activity(
        organisers=[organiser.id], shifts=[shift_data(in_days(3), capacity=2, hours=3)]
    )
    shift = activity.shifts[0]
    people = [
        make_user(name=name, email=f"{name.lower()}@example.com")
        for name in ("Anna", "Bert", "Cor")
    ]
    for person in people:
        join(db, person, shift)
    under_way(db, shift, hours=3)
    return shift, people


@pytest.fixture
def organiser_api(api_as, organiser):
    return api_as(organiser)


def _signup(db, shift, user) -> Signup:
    db.session.commit()
    return db.session.query(Signup).filter_by(shift_id=shift.id, user_id=user.id).one()


def test_organisers_see_who_comes_and_who_waits(organiser_api, day):
    shift, (anna, bert, cor) = day
    response = organiser_api.get(f"/shifts/{shift.id}/attendees")
    assert response.status_code == 200
    assert response.get_json() == [
        {
            "user_id": anna.id,
            "display_name": "Anna",
            "status": "confirmed",
            "waitlist_position": None,
            "checked_in_at": None,
            "attendance": None,
        },
        {
            "user_id": bert.id,
            "display_name": "Bert",
            "status": "confirmed",
            "waitlist_position": None,
            "checked_in_at": None,
            "attendance": None,
        },
        {
            "user_id": cor.id,
            "display_name": "Cor",
            "status": "waitlisted",
            "waitlist_position": 1,
            "checked_in_at": None,
            "attendance": None,
        },
    ]
    assert b"@" not in response.data  # no e-mail addresses, nor any other contact details


def test_who_gave_up_is_not_on_the_list(organiser_api, api_as, make_activity, make_user, db):
    shift = make_activity(organisers=[]).shifts[0]
    leaver, stayer = make_user(), make_user()
    join(db, leaver, shift)
    join(db, stayer, shift)
    api_as(leaver).delete(f"/shifts/{shift.id}/signup")
    rows = api_as(shift.activity.created_by).get(f"/shifts/{shift.id}/attendees").get_json()
    assert [row["user_id"] for row in rows] == [stayer.id]


def test_only_organisers_see_the_list(api, api_as, day):
    shift, (anna, _, _) = day
    problem(api.get(f"/shifts/{shift.id}/attendees"), 401)
    problem(api_as(anna).get(f"/shifts/{shift.id}/attendees"), 403)


def test_organisers_check_people_in_by_id(organiser_api, organiser, day, db):
    shift, (anna, _, _) = day
    response = organiser_api.post(f"/shifts/{shift.id}/check-in", json={"user_id": anna.id})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["display_name"] == "Anna" and response.get_json()["checked_in_at"]
    signup = _signup(db, shift, anna)
    assert signup.checked_in_by_id == organiser.id
    again = organiser_api.post(f"/shifts/{shift.id}/check-in", json={"user_id": anna.id})
    assert again.get_json()["checked_in_at"] == response.get_json()["checked_in_at"]


def test_organisers_check_people_in_with_their_qr_code(organiser_api, api_as, day, db):
    shift, (_, bert, _) = day
    code = api_as(bert).get("/me/volunteering").get_json()["check_in_code"]
    assert str(bert.id) != code
    response = organiser_api.post(f"/shifts/{shift.id}/check-in", json={"code": code})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["user_id"] == bert.id
    assert _signup(db, shift, bert).checked_in_at is not None


def test_a_tampered_code_is_refused(organiser_api, app, day, db):
    shift, (anna, bert, _) = day
    code = tokens.pass_token(anna)
    signature = code.rpartition(".")[2]
    forged_payload = tokens.pass_token(bert).rpartition(".")[0]
    forged = URLSafeSerializer("not our secret", salt="volunteering-pass").dumps(bert.id)
    for bad in (f"{forged_payload}.{signature}", code[:-2], forged, "1", str(bert.id)):
        response = organiser_api.post(f"/shifts/{shift.id}/check-in", json={"code": bad})
        assert "code" in problem(response, 422)["errors"]
    assert _signup(db, shift, bert).checked_in_at is None


def test_a_calendar_secret_is_not_a_check_in_code(organiser_api, day, db):
    shift, (anna, _, _) = day
    calendar_token = URLSafeSerializer(
        organiser_api.client.application.config["SECRET_KEY"], salt="volunteering-calendar"
    ).dumps(anna.id)
    body = {"code": calendar_token}
    problem(organiser_api.post(f"/shifts/{shift.id}/check-in", json=body), 422)


def test_a_code_of_someone_not_on_the_shift_is_not_found(organiser_api, make_user, day):
    shift, _ = day
    stranger = make_user()
    body = {"code": tokens.pass_token(stranger)}
    problem(organiser_api.post(f"/shifts/{shift.id}/check-in", json=body), 404)
    problem(organiser_api.post(f"/shifts/{shift.id}/check-in", json={"user_id": 9999}), 404)


def test_who_waits_cannot_be_checked_in(organiser_api, day):
    shift, (_, _, cor) = day
    problem(organiser_api.post(f"/shifts/{shift.id}/check-in", json={"user_id": cor.id}), 409)


def test_residents_cannot_check_anyone_in(api_as, day, db):
    shift, (anna, bert, _) = day
    client = api_as(anna)
    problem(client.post(f"/shifts/{shift.id}/check-in", json={"user_id": bert.id}), 403)
    problem(client.post(f"/shifts/{shift.id}/check-in", json={"user_id": anna.id}), 403)
    body = {"code": tokens.pass_token(anna)}
    problem(client.post(f"/shifts/{shift.id}/check-in", json=body), 403)
    assert _signup(db, shift, anna).checked_in_at is None


def test_residents_learn_nothing_from_sending_made_up_codes(api_as, day):
    shift, (anna, _, _) = day
    body = {"code": "not-a-code"}
    problem(api_as(anna).post(f"/shifts/{shift.id}/check-in", json=body), 403)


def test_check_in_opens_twelve_hours_before_the_start(organiser_api, day, db):
    shift, (anna, _, _) = day
    shift.starts_at = utcnow() + timedelta(hours=12, minutes=5)
    shift.ends_at = shift.starts_at + timedelta(hours=2)
    commit(db.session)
    problem(organiser_api.post(f"/shifts/{shift.id}/check-in", json={"user_id": anna.id}), 409)
    shift.starts_at = utcnow() + timedelta(hours=11, minutes=55)
    shift.ends_at = shift.starts_at + timedelta(hours=2)
    commit(db.session)
    response = organiser_api.post(f"/shifts/{shift.id}/check-in", json={"user_id": anna.id})
    assert response.status_code == 200


def test_a_cancelled_shift_has_no_check_in(organiser_api, day):
    shift, (anna, _, _) = day
    organiser_api.post(f"/shifts/{shift.id}/cancel")
    problem(organiser_api.post(f"/shifts/{shift.id}/check-in", json={"user_id": anna.id}), 409)
    problem(organiser_api.post(f"/shifts/{shift.id}/attendance", json={}), 409)


def test_attendance_is_confirmed_once_the_shift_has_started(organiser_api, day, db):
    shift, (anna, _, _) = day
    shift.starts_at = utcnow() + timedelta(minutes=30)
    shift.ends_at = shift.starts_at + timedelta(hours=2)
    commit(db.session)
    organiser_api.post(f"/shifts/{shift.id}/check-in", json={"user_id": anna.id})
    problem(organiser_api.post(f"/shifts/{shift.id}/attendance", json={}), 409)
    assert _signup(db, shift, anna).attendance is None


def test_who_was_checked_in_attended_and_the_others_did_not_show(organiser_api, day, db):
    shift, (anna, bert, cor) = day
    organiser_api.post(f"/shifts/{shift.id}/check-in", json={"user_id": anna.id})
    response = organiser_api.post(f"/shifts/{shift.id}/attendance", json={})
    assert response.status_code == 200, response.get_json()
    assert {row["user_id"]: row["attendance"] for row in response.get_json()} == {
        anna.id: "attended",
        bert.id: "no_show",
    }
    assert (
        _signup(db, shift, anna).minutes_credited,
        _signup(db, shift, bert).minutes_credited,
    ) == (
        180,
        0,
    )
    assert _signup(db, shift, cor).attendance is None  # who waited was not expected
    shown = organiser_api.get(f"/activities/{shift.activity_id}").get_json()["shifts"][0]
    assert shown["attendance_confirmed"] is True


def test_the_organiser_names_who_came(organiser_api, day, db):
    shift, (anna, bert, _) = day
    organiser_api.post(f"/shifts/{shift.id}/check-in", json={"user_id": anna.id})
    organiser_api.post(f"/shifts/{shift.id}/attendance", json={"attended": [bert.id]})
    assert _signup(db, shift, anna).attendance == "no_show"
    assert _signup(db, shift, bert).attendance == "attended"


def test_only_confirmed_volunteers_can_be_named(organiser_api, make_user, day, db):
    shift, (anna, _, cor) = day
    for outsider in (cor.id, make_user().id, 9999):
        body = {"attended": [anna.id, outsider]}
        response = organiser_api.post(f"/shifts/{shift.id}/attendance", json=body)
        assert "attended" in problem(response, 422)["errors"]
    assert _signup(db, shift, anna).attendance is None


def test_confirming_again_corrects_the_record(organiser_api, api_as, day):
    shift, (anna, bert, _) = day
    organiser_api.post(f"/shifts/{shift.id}/attendance", json={"attended": [anna.id]})
    organiser_api.post(f"/shifts/{shift.id}/attendance", json={"attended": [bert.id]})
    assert api_as(anna).get("/me/volunteering").get_json()["minutes"] == 0
    assert api_as(anna).get("/me/volunteering").get_json()["no_shows"] == 1
    assert api_as(bert).get("/me/volunteering").get_json()["minutes"] == 180


def test_residents_cannot_confirm_attendance(api, api_as, day, db):
    shift, (anna, _, _) = day
    problem(api.post(f"/shifts/{shift.id}/attendance", json={}), 401)
    problem(api_as(anna).post(f"/shifts/{shift.id}/attendance", json={"attended": [anna.id]}), 403)
    assert _signup(db, shift, anna).attendance is None


def test_a_recorded_attendance_cannot_be_cancelled_away(organiser_api, api_as, day, db):
    shift, (anna, bert, cor) = day
    organiser_api.post(f"/shifts/{shift.id}/attendance", json={"attended": [anna.id]})
    for person in (anna, bert):
        problem(api_as(person).delete(f"/shifts/{shift.id}/signup"), 409)
    assert (_signup(db, shift, anna).status, _signup(db, shift, anna).minutes_credited) == (
        "confirmed",
        180,
    )
    assert api_as(bert).get("/me/volunteering").get_json()["no_shows"] == 1
    assert _signup(db, shift, cor).status == "waitlisted"
