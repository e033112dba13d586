"""Creating and changing activities: who may, what they hold, and how their status moves."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.db import utcnow
from app.volunteering.models import Activity, Shift
from tests.conftest import problem
from tests.volunteering.conftest import activity_json, in_days, join, shift_data, shift_json


@pytest.fixture
def organised(make_activity, organiser):
    """A published activity in wijk that the organiser runs."""
    return make_activity(organisers=[organiser.id])


def test_staff_create_a_published_activity_with_its_shifts(staff_api, wijk, db):
    body = activity_json(
        wijk,
        requirements=["Minimaal 16 jaar", "Neem handschoenen mee"],
        lat=52.0115,
        lon=4.7104,
        shifts=[
            shift_json(in_days(4, hour=13), capacity=3),
            shift_json(in_days(4, hour=9), task="Koffie schenken"),
        ],
    )
    response = staff_api.post("/activities", json=body)
    assert response.status_code == 201, response.get_json()
    made = response.get_json()
    assert made["status"] == "published" and made["can_organise"] is True
    assert made["neighbourhood"] == {"slug": wijk.slug, "name": wijk.name}
    assert made["requirements"] == ["Minimaal 16 jaar", "Neem handschoenen mee"]
    assert (made["lat"], made["lon"]) == (52.0115, 4.7104)
    assert made["url"] == f"/activiteiten/{made['id']}"
    morning, afternoon = made["shifts"]  # in the order they take place
    assert morning["task"] == "Koffie schenken" and afternoon["capacity"] == 3
    assert morning["id"] != afternoon["id"]
    assert (afternoon["confirmed_count"], afternoon["places_left"]) == (0, 3)
    assert (afternoon["waitlist_count"], afternoon["my_signup"]) == (0, None)
    assert made["starts_at"] == morning["starts_at"] and made["ends_at"] == afternoon["ends_at"]
    stored = db.session.get(Activity, made["id"])
    assert sorted(shift.id for shift in stored.shifts) == sorted([morning["id"], afternoon["id"]])
    assert db.session.get(Shift, morning["id"]).activity_id == made["id"]


def test_an_activity_sent_as_a_draft_stays_a_draft(staff_api, api, wijk):
    made = staff_api.post("/activities", json=activity_json(wijk, status="draft")).get_json()
    assert made["status"] == "draft"
    problem(api.get(f"/activities/{made['id']}"), 404)


@pytest.mark.parametrize("status", ["cancelled", "completed"])
def test_a_new_activity_is_a_draft_or_published(staff_api, wijk, status):
    response = staff_api.post("/activities", json=activity_json(wijk, status=status))
    assert "status" in problem(response, 422)["errors"]


@pytest.mark.parametrize("given", [{"lat": 52.0}, {"lon": 4.7}, {"lat": 52.0, "lon": None}])
def test_a_location_on_the_map_needs_both_coordinates(staff_api, wijk, given):
    response = staff_api.post("/activities", json=activity_json(wijk, **given))
    problem(response, 422)


def test_staff_name_residents_as_organisers(staff_api, api_as, wijk, organiser):
    body = activity_json(wijk, organisers=[organiser.id])
    made = staff_api.post("/activities", json=body).get_json()
    assert made["organisers"] == ["Olga Organiser"]
    shown = api_as(organiser).get(f"/activities/{made['id']}").get_json()
    assert shown["can_organise"] is True


def test_organisers_must_exist(staff_api, wijk, organiser):
    body = activity_json(wijk, organisers=[organiser.id, 9999])
    assert "organisers" in problem(staff_api.post("/activities", json=body), 422)["errors"]


def test_a_resident_organiser_adds_activities_in_their_neighbourhood(
    api_as, wijk, organised, organiser
):
    response = api_as(organiser).post("/activities", json=activity_json(wijk))
    assert response.status_code == 201, response.get_json()
    made = response.get_json()
    assert made["can_organise"] is True and made["organisers"] == ["Olga Organiser"]


def test_a_resident_organiser_keeps_a_new_draft_to_themselves(
    api_as, api, make_resident, wijk, organised, organiser
):
    body = activity_json(wijk, status="draft")
    made = api_as(organiser).post("/activities", json=body).get_json()
    assert made["status"] == "draft" and made["can_organise"] is True
    path = f"/activities/{made['id']}"
    assert api_as(organiser).get(path).status_code == 200
    problem(api_as(make_resident()).get(path), 404)
    problem(api.get(path), 404)


def test_a_resident_organiser_cannot_add_activities_elsewhere(
    api_as, make_neighbourhood, organised, organiser
):
    elsewhere = make_neighbourhood("Bloemendaal")
    problem(api_as(organiser).post("/activities", json=activity_json(elsewhere)), 403)


def test_only_staff_choose_organisers(api_as, wijk, organised, organiser, resident):
    client = api_as(organiser)
    problem(client.post("/activities", json=activity_json(wijk, organisers=[resident.id])), 403)
    changes = {"organisers": [organiser.id, resident.id]}
    problem(client.patch(f"/activities/{organised.id}", json=changes), 403)


def test_residents_who_organise_nothing_cannot_add_activities(api_as, wijk, resident):
    problem(api_as(resident).post("/activities", json=activity_json(wijk)), 403)


def test_staff_assigned_elsewhere_cannot_add_activities_here(
    api_as, make_user, assign, make_neighbourhood, wijk
):
    elsewhere = make_neighbourhood("Bloemendaal")
    other = make_user("staff")
    assign(other, elsewhere)
    client = api_as(other)
    problem(client.post("/activities", json=activity_json(wijk)), 403)
    assert client.post("/activities", json=activity_json(elsewhere)).status_code == 201


@pytest.mark.parametrize("status", ["selected", "in_progress", "completed"])
def test_an_activity_helps_carry_out_a_selected_idea(staff_api, wijk, make_idea, status):
    idea = make_idea(status)
    response = staff_api.post("/activities", json=activity_json(wijk, proposal=idea.id))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["proposal"] == idea.id


@pytest.mark.parametrize("status", ["draft", "submitted", "published", "not_selected", "hidden"])
def test_only_a_selected_idea_can_be_linked(staff_api, wijk, make_idea, status):
    idea = make_idea(status)
    response = staff_api.post("/activities", json=activity_json(wijk, proposal=idea.id))
    assert "proposal" in problem(response, 422)["errors"]


def test_an_unknown_idea_cannot_be_linked(staff_api, wijk):
    response = staff_api.post("/activities", json=activity_json(wijk, proposal=4242))
    assert "proposal" in problem(response, 422)["errors"]


def test_an_idea_of_another_neighbourhood_cannot_be_linked(
    staff_api, wijk, make_idea, make_neighbourhood
):
    idea = make_idea(neighbourhood=make_neighbourhood("Bloemendaal"))
    response = staff_api.post("/activities", json=activity_json(wijk, proposal=idea.id))
    assert "proposal" in problem(response, 422)["errors"]


def test_organisers_change_the_details(api_as, organised, organiser, make_idea):
    idea = make_idea()
    changes = {
        "title": "Grote voorjaarsschoonmaak",
        "description": "Met soep na afloop.",
        "location": "Plein",
        "requirements": [],
        "theme": "heel",
        "lat": 52.01,
        "lon": 4.71,
        "proposal": idea.id,
    }
    response = api_as(organiser).patch(f"/activities/{organised.id}", json=changes)
    assert response.status_code == 200, response.get_json()
    changed = response.get_json()
    assert {name: changed[name] for name in changes} == changes
    assert changed["status"] == "published"


def test_a_change_keeps_the_coordinates_in_pairs(staff_api, activity):
    problem(staff_api.patch(f"/activities/{activity.id}", json={"lat": 52.0}), 422)
    staff_api.patch(f"/activities/{activity.id}", json={"lat": 52.0, "lon": 4.7})
    problem(staff_api.patch(f"/activities/{activity.id}", json={"lon": None}), 422)
    both_gone = staff_api.patch(f"/activities/{activity.id}", json={"lat": None, "lon": None})
    assert both_gone.get_json()["lat"] is None


def test_a_change_links_only_a_selected_idea(staff_api, activity, make_idea):
    idea = make_idea("published")
    response = staff_api.patch(f"/activities/{activity.id}", json={"proposal": idea.id})
    assert "proposal" in problem(response, 422)["errors"]
    unlinked = staff_api.patch(f"/activities/{activity.id}", json={"proposal": None})
    assert unlinked.get_json()["proposal"] is None


def test_a_draft_is_published(staff_api, api, make_activity):
    draft = make_activity(status="draft")
    response = staff_api.patch(f"/activities/{draft.id}", json={"status": "published"})
    assert response.get_json()["status"] == "published"
    assert api.get(f"/activities/{draft.id}").status_code == 200


def test_cancelling_an_activity_cancels_its_shifts_and_tells_who_signed_up(
    db, staff_api, api_as, make_activity, make_user, heard
):
    activity = make_activity(shifts=[shift_data(in_days(3), capacity=1), shift_data(in_days(4))])
    first, second = activity.shifts
    anna, bert, cor = (make_user() for _ in range(3))
    join(db, anna, first)
    join(db, bert, first)  # waitlisted: told as well
    join(db, cor, second)
    join(db, cor, first)  # and cancelled again: not told
    api_as(cor).delete(f"/shifts/{first.id}/signup")
    heard.clear()
    response = staff_api.patch(f"/activities/{activity.id}", json={"status": "cancelled"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "cancelled"
    assert all(shift["cancelled"] for shift in response.get_json()["shifts"])
    told = {p["shift_id"]: sorted(p["user_ids"]) for name, p in heard if name == "shift-cancelled"}
    assert told == {first.id: sorted([anna.id, bert.id]), second.id: [cor.id]}
    assert [name for name, _ in heard] == ["shift-cancelled"] * 2
    problem(api_as(make_user()).post(f"/shifts/{second.id}/signup"), 409)


@pytest.mark.parametrize("ended", ["cancelled", "completed"])
def test_an_ended_activity_can_no_longer_change(staff_api, make_activity, ended):
    started = shift_data(utcnow() - timedelta(hours=1))
    activity = make_activity(shifts=[started, shift_data(in_days(2))])
    assert staff_api.patch(f"/activities/{activity.id}", json={"status": ended}).status_code == 200
    for changes in ({"title": "Toch wel"}, {"status": "published"}, {"status": ended}):
        problem(staff_api.patch(f"/activities/{activity.id}", json=changes), 409)
    problem(staff_api.post(f"/activities/{activity.id}/shifts", json=shift_json(in_days(5))), 409)


@pytest.mark.parametrize(
    "start, target", [("published", "draft"), ("draft", "completed")], ids=["unpublish", "skip"]
)
def test_an_activity_cannot_make_an_illegal_move(staff_api, make_activity, db, start, target):
    activity = make_activity(status=start)
    response = staff_api.patch(f"/activities/{activity.id}", json={"status": target})
    assert "status" in problem(response, 409)["errors"]
    db.session.refresh(activity)
    assert activity.status == start


def test_a_failed_change_changes_nothing(staff_api, make_activity, db):
    activity = make_activity(status="draft")
    body = {"title": "Andere titel", "status": "completed"}
    problem(staff_api.patch(f"/activities/{activity.id}", json=body), 409)
    db.session.refresh(activity)
    assert activity.title == "Opruimdag in de wijk"


def test_staff_change_the_organisers(staff_api, api_as, organised, organiser, resident):
    changes = {"organisers": [resident.id]}
    response = staff_api.patch(f"/activities/{organised.id}", json=changes)
    assert response.get_json()["organisers"] == [resident.display_name]
    assert api_as(resident).get(f"/activities/{organised.id}").get_json()["can_organise"]
    former = api_as(organiser)
    assert former.get(f"/activities/{organised.id}").get_json()["can_organise"] is False
    problem(former.patch(f"/activities/{organised.id}", json={"title": "Van mij"}), 403)


def test_an_activity_is_completed_only_once_it_has_started(staff_api, activity, db):
    response = staff_api.patch(f"/activities/{activity.id}", json={"status": "completed"})
    assert "status" in problem(response, 409)["errors"]
    db.session.refresh(activity)
    assert activity.status == "published"
