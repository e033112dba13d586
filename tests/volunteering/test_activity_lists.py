"""Finding activities: the list with its filters and pages, and one activity with its places."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.db import utcnow
from tests.conftest import problem
from tests.volunteering.conftest import in_days, join, shift_data


def _titles(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [item["title"] for item in response.get_json()["items"]]


def _at(moment) -> str:
    return moment.isoformat().replace("+", "%2B")


@pytest.fixture
def elsewhere(make_neighbourhood):
    return make_neighbourhood("Bloemendaal")


def test_the_list_shows_what_has_not_ended_soonest_first(api, make_activity):
    make_activity(title="Later", shifts=[shift_data(in_days(9))])
    make_activity(title="Eerst", shifts=[shift_data(in_days(2))])
    make_activity(title="Voorbij", shifts=[shift_data(in_days(-2))])
    now = utcnow()
    going_on = shift_data(now - timedelta(hours=1), hours=3)  # started, not ended: listed
    make_activity(title="Bezig", shifts=[going_on])
    assert _titles(api.get("/activities")) == ["Bezig", "Eerst", "Later"]


def test_the_list_filters_by_neighbourhood_and_theme(api, make_activity, elsewhere):
    make_activity(title="Schoon hier")
    make_activity(title="Samen hier", theme="samen")
    make_activity(title="Schoon daar", neighbourhood=elsewhere.slug)
    assert _titles(api.get("/activities?neighbourhood=korte-akkeren&theme=schoon")) == [
        "Schoon hier"
    ]
    assert _titles(api.get("/activities?theme=schoon")) == ["Schoon hier", "Schoon daar"]
    assert _titles(api.get("/activities?neighbourhood=bloemendaal")) == ["Schoon daar"]
    assert _titles(api.get("/activities?neighbourhood=nergens")) == []


def test_the_list_filters_by_period(api, make_activity):
    for days in (2, 5, 8):
        make_activity(title=f"Over {days} dagen", shifts=[shift_data(in_days(days))])
    assert _titles(api.get(f"/activities?from={_at(in_days(4))}&to={_at(in_days(6))}")) == [
        "Over 5 dagen"
    ]
    assert _titles(api.get(f"/activities?to={_at(in_days(3))}")) == ["Over 2 dagen"]
    assert _titles(api.get(f"/activities?from={_at(in_days(7))}")) == ["Over 8 dagen"]
    assert _titles(api.get(f"/activities?from={_at(in_days(-30))}")) == [
        "Over 2 dagen",
        "Over 5 dagen",
        "Over 8 dagen",
    ]


def test_the_list_filters_by_idea(api, make_activity, make_idea):
    idea = make_idea()
    make_activity(title="Voor het idee", proposal=idea.id)
    make_activity(title="Los")
    assert _titles(api.get(f"/activities?proposal={idea.id}")) == ["Voor het idee"]
    assert _titles(api.get(f"/activities?proposal={idea.id + 1}")) == []


def test_the_list_comes_in_pages(api, make_activity):
    titles = [f"Activiteit {n}" for n in range(7)]
    for n, title in enumerate(titles):
        make_activity(title=title, shifts=[shift_data(in_days(2 + n // 2, hour=8 + n))])
    seen, cursor = [], None
    for _ in range(10):
        query = "limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = api.get(f"/activities?{query}").get_json()
        seen += [item["title"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == titles


def test_activities_starting_together_are_paged_without_loss(api, make_activity):
    for n in range(5):
        make_activity(title=f"Tegelijk {n}")
    first = api.get("/activities?limit=2").get_json()
    second = api.get(f"/activities?limit=2&cursor={first['next_cursor']}").get_json()
    third = api.get(f"/activities?limit=2&cursor={second['next_cursor']}").get_json()
    ids = [item["id"] for page in (first, second, third) for item in page["items"]]
    assert len(ids) == len(set(ids)) == 5 and third["next_cursor"] is None


def test_drafts_are_listed_for_who_runs_them_only(
    api, api_as, make_activity, make_resident, make_user, assign, elsewhere, wijk, admin, staff
):
    organiser = make_resident()
    make_activity(title="Gepubliceerd")
    make_activity(title="Concept", status="draft", organisers=[organiser.id])
    make_activity(title="Concept daar", status="draft", neighbourhood=elsewhere.slug)
    other_staff = make_user("staff")
    assign(other_staff, elsewhere)
    wijk_staff = make_user("staff")
    assign(wijk_staff, wijk)
    assert _titles(api.get("/activities")) == ["Gepubliceerd"]
    assert _titles(api_as(make_resident()).get("/activities")) == ["Gepubliceerd"]
    assert _titles(api_as(organiser).get("/activities")) == ["Gepubliceerd", "Concept"]
    assert _titles(api_as(other_staff).get("/activities")) == ["Gepubliceerd", "Concept daar"]
    assert _titles(api_as(wijk_staff).get("/activities")) == ["Gepubliceerd", "Concept"]
    everything = ["Gepubliceerd", "Concept", "Concept daar"]
    assert _titles(api_as(staff).get("/activities")) == everything  # not assigned: all
    assert _titles(api_as(admin).get("/activities")) == everything


def test_a_draft_is_shown_only_to_who_runs_it(
    api, api_as, make_activity, make_resident, make_user, assign, elsewhere, wijk
):
    organiser = make_resident()
    draft = make_activity(status="draft", organisers=[organiser.id])
    other_staff, wijk_staff = make_user("staff"), make_user("staff")
    assign(other_staff, elsewhere)
    assign(wijk_staff, wijk)
    path = f"/activities/{draft.id}"
    problem(api.get(path), 404)
    problem(api_as(make_resident()).get(path), 404)
    problem(api_as(other_staff).get(path), 404)
    assert api_as(organiser).get(path).get_json()["status"] == "draft"
    assert api_as(wijk_staff).get(path).get_json()["can_organise"] is True


def test_one_activity_shows_the_places_of_each_shift(
    api, api_as, db, make_activity, make_user, resident
):
    activity = make_activity(shifts=[shift_data(in_days(3), capacity=2), shift_data(in_days(4))])
    full, roomy = activity.shifts
    for person in (make_user(), make_user(), resident, make_user()):
        join(db, person, full)
    join(db, resident, roomy)
    shown = api.get(f"/activities/{activity.id}").get_json()
    by_id = {shift["id"]: shift for shift in shown["shifts"]}
    assert {k: by_id[full.id][k] for k in ("capacity", "confirmed_count", "places_left")} == {
        "capacity": 2,
        "confirmed_count": 2,
        "places_left": 0,
    }
    assert by_id[full.id]["waitlist_count"] == 2
    assert (by_id[roomy.id]["confirmed_count"], by_id[roomy.id]["places_left"]) == (1, 4)
    assert by_id[full.id]["my_signup"] is None and shown["can_organise"] is False


def test_one_activity_shows_my_own_signups(api_as, db, make_activity, make_user, resident):
    activity = make_activity(shifts=[shift_data(in_days(3), capacity=1), shift_data(in_days(4))])
    full, roomy = activity.shifts
    join(db, make_user(), full)
    join(db, make_user(), full)
    join(db, resident, full)
    join(db, resident, roomy)
    shown = api_as(resident).get(f"/activities/{activity.id}").get_json()
    mine = {shift["id"]: shift["my_signup"] for shift in shown["shifts"]}
    assert mine[full.id] == {
        "status": "waitlisted",
        "waitlist_position": 2,
        "checked_in_at": None,
        "attendance": None,
    }
    assert mine[roomy.id]["status"] == "confirmed"
    assert mine[roomy.id]["waitlist_position"] is None
    listed = api_as(resident).get("/activities").get_json()["items"][0]
    assert {shift["id"]: shift["my_signup"] for shift in listed["shifts"]} == mine


def test_a_cancelled_signup_is_not_my_signup(api_as, shift, activity, resident):
    client = api_as(resident)
    client.post(f"/shifts/{shift.id}/signup")
    client.delete(f"/shifts/{shift.id}/signup")
    assert client.get(f"/activities/{activity.id}").get_json()["shifts"][0]["my_signup"] is None
