"""The volunteer's pages: the activity list and page, signing up, my volunteering, the idea page."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.volunteering.models import CalendarFeed, Signup
from app.volunteering.services import tokens
from tests.conftest import form_token
from tests.volunteering.conftest import in_days, join, shift_data

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def post(client, path: str, page: str = "/activiteiten", **data):
    """Post a form the way a browser does, with a CSRF token from a page."""
    return client.post(path, data={"csrf_token": form_token(client.get(page)), **data})


@pytest.fixture
def volunteer(make_resident):
    """A resident who reads the pages in English."""
    return make_resident(language="en")


@pytest.fixture
def as_volunteer(client, login, volunteer):
    login(volunteer)
    return client


@pytest.fixture
def visitor(client):
    client.set_cookie("lang", "en")
    return client


def test_the_list_shows_upcoming_activities_by_day_to_visitors(visitor, make_activity):
    make_activity(title="Opruimdag", shifts=[shift_data(in_days(2), capacity=4)])
    make_activity(title="Koffieochtend", theme="samen", shifts=[shift_data(in_days(5))])
    make_activity(title="Geheim concept", status="draft")
    page = visitor.get("/activiteiten")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert text.index("Opruimdag") < text.index("Koffieochtend")
    assert "Geheim concept" not in text
    assert len(re.findall(r'<section aria-labelledby="dag-\d+"', text)) == 2
    assert "4 places left" in text


def test_the_list_filters_by_neighbourhood_and_theme(visitor, make_activity, make_neighbourhood):
    elsewhere = make_neighbourhood("Bloemendaal")
    make_activity(title="Opruimdag")
    make_activity(title="Koffieochtend", theme="samen")
    make_activity(title="Bloemen planten", neighbourhood=elsewhere.slug)
    text = visitor.get("/activiteiten?thema=samen").get_data(as_text=True)
    assert "Koffieochtend" in text and "Opruimdag" not in text
    text = visitor.get("/activiteiten?wijk=bloemendaal&thema=mooi").get_data(as_text=True)
    assert "Bloemen planten" in text and "Opruimdag" not in text


def test_the_list_pages_with_a_more_link(visitor, make_activity):
    for day in range(1, 23):
        make_activity(title=f"Activiteit {day:02d}", shifts=[shift_data(in_days(day))])
    first = visitor.get("/activiteiten").get_data(as_text=True)
    assert "Activiteit 20" in first and "Activiteit 21" not in first
    more = re.search(r'href="(/activiteiten\?cursor=[^"]+)"', first).group(1)
    second = visitor.get(more.replace("&amp;", "&")).get_data(as_text=True)
    assert "Activiteit 21" in second and "Activiteit 01" not in second
    assert visitor.get("/activiteiten?cursor=verzonnen").status_code == 200


def test_the_activity_page_shows_shifts_places_and_times_in_dutch_time(visitor, make_activity):
    activity = make_activity(
        shifts=[shift_data(in_days(3, hour=8), capacity=2, task="Koffie schenken")]
    )
    text = visitor.get(f"/activiteiten/{activity.id}").get_data(as_text=True)
    assert "Koffie schenken" in text and "2 places left" in text
    assert "Neem handschoenen mee" in text and "Speeltuin Akkerplein" in text
    start = activity.shifts[0].starts_at.astimezone(AMSTERDAM)
    assert f"{start:%H:%M}\u2013" in text  # 08:00 UTC is 09:00 or 10:00 in Amsterdam
    assert f"/api/v1/activities/{activity.id}.ics" in text
    assert f"/inloggen?next=/activiteiten/{activity.id}" in text  # log in to sign up


def test_a_full_shift_shows_its_waitlist(visitor, db, make_activity, make_resident):
    activity = make_activity(shifts=[shift_data(in_days(3), capacity=1)])
    join(db, make_resident(), activity.shifts[0])
    join(db, make_resident(), activity.shifts[0])
    text = visitor.get(f"/activiteiten/{activity.id}").get_data(as_text=True)
    assert "Full — 1 on the waitlist" in text


def test_drafts_are_not_found_for_outsiders(visitor, client, login, make_activity, volunteer):
    draft = make_activity(status="draft")
    assert visitor.get(f"/activiteiten/{draft.id}").status_code == 404
    login(volunteer)
    assert client.get(f"/activiteiten/{draft.id}").status_code == 404


def test_signing_up_and_cancelling_through_the_page(as_volunteer, db, activity, volunteer):
    shift = activity.shifts[0]
    page = f"/activiteiten/{activity.id}"
    response = post(as_volunteer, f"/activiteiten/diensten/{shift.id}/aanmelden", page)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{page}#dienst-{shift.id}")
    signup = db.session.scalar(select(Signup).where(Signup.user_id == volunteer.id))
    assert signup.status == "confirmed"
    text = as_volunteer.get(page).get_data(as_text=True)
    assert "You are signed up. Thank you for helping!" in text
    assert "Cancel my place" in text
    post(as_volunteer, f"/activiteiten/diensten/{shift.id}/afmelden", page)
    db.session.refresh(signup)
    assert signup.status == "cancelled"
    assert "Sign up" in as_volunteer.get(page).get_data(as_text=True)


def test_a_full_shift_puts_people_on_the_waitlist(as_volunteer, db, make_activity, make_resident):
    activity = make_activity(shifts=[shift_data(in_days(3), capacity=1)])
    shift = activity.shifts[0]
    join(db, make_resident(), shift)
    page = f"/activiteiten/{activity.id}"
    assert "Join the waitlist" in as_volunteer.get(page).get_data(as_text=True)
    post(as_volunteer, f"/activiteiten/diensten/{shift.id}/aanmelden", page)
    text = as_volunteer.get(page).get_data(as_text=True)
    assert "You are on the waitlist at place 1" in text
    assert "You are on the waitlist, place 1." in text and "Leave the waitlist" in text


def test_an_overlapping_shift_is_refused_with_a_message(as_volunteer, db, make_activity, volunteer):
    first = make_activity(title="Opruimdag", shifts=[shift_data(in_days(3), hours=3)])
    other = make_activity(title="Koffieochtend", shifts=[shift_data(in_days(3), hours=1)])
    join(db, volunteer, first.shifts[0])
    page = f"/activiteiten/{other.id}"
    post(as_volunteer, f"/activiteiten/diensten/{other.shifts[0].id}/aanmelden", page)
    text = as_volunteer.get(page).get_data(as_text=True)
    assert "You are already signed up for “Opruimdag” at that time" in text
    count = db.session.scalar(select(Signup.id).where(Signup.shift_id == other.shifts[0].id))
    assert count is None


def test_signing_up_needs_a_login(client, db, activity):
    response = post(client, f"/activiteiten/diensten/{activity.shifts[0].id}/aanmelden")
    assert response.status_code == 401
    assert db.session.scalars(select(Signup)).all() == []


def test_my_volunteering_needs_a_login(client):
    response = client.get("/account/vrijwilligerswerk")
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]


def test_my_volunteering_shows_shifts_hours_and_the_qr_code(
    as_volunteer, db, make_activity, volunteer
):
    activity = make_activity(title="Opruimdag", shifts=[shift_data(in_days(4), task="Prikken")])
    join(db, volunteer, activity.shifts[0])
    response = as_volunteer.get("/account/vrijwilligerswerk")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Opruimdag" in text and "Prikken" in text and "You are signed up" in text
    svg = re.search(r'<svg role="img" viewBox="[^"]+" class="qr-code"><title>[^<]+</title>', text)
    assert svg and "style=" not in text.split('class="qr-code"')[1].split("</svg>")[0]
    assert tokens.pass_token(volunteer) in text
    assert "style-src 'self'" in response.headers["Content-Security-Policy"]


def test_the_account_page_links_to_my_volunteering(as_volunteer):
    assert 'href="/account/vrijwilligerswerk"' in as_volunteer.get("/account").get_data(
        as_text=True
    )


def test_cancelling_from_my_volunteering_comes_back_there(as_volunteer, db, activity, volunteer):
    signup = join(db, volunteer, activity.shifts[0])
    page = "/account/vrijwilligerswerk"
    response = post(
        as_volunteer, f"/activiteiten/diensten/{activity.shifts[0].id}/afmelden", page, next=page
    )
    assert response.headers["Location"].endswith(page)
    db.session.refresh(signup)
    assert signup.status == "cancelled"


def test_the_calendar_address_is_made_renewed_and_switched_off(as_volunteer, db, volunteer):
    page = "/account/vrijwilligerswerk"
    post(as_volunteer, f"{page}/agenda", page)
    feed = db.session.get(CalendarFeed, volunteer.id)
    first = tokens.calendar_token(feed)
    text = as_volunteer.get(page).get_data(as_text=True)
    assert f"/api/v1/me/calendar.ics?token={first}" in text and "webcal://" in text
    post(as_volunteer, f"{page}/agenda", page, action="renew")
    db.session.refresh(feed)
    assert feed.version == 2 and feed.active
    text = as_volunteer.get(page).get_data(as_text=True)
    assert first not in text and tokens.calendar_token(feed) in text
    post(as_volunteer, f"{page}/agenda", page, action="off")
    db.session.refresh(feed)
    assert not feed.active
    assert "calendar.ics?token=" not in as_volunteer.get(page).get_data(as_text=True)


@pytest.mark.parametrize("status", ["selected", "in_progress"])
def test_a_selected_idea_asks_for_help_with_its_activities(
    visitor, make_idea, make_activity, status
):
    idea = make_idea(status)
    activity = make_activity(title="Geveltuintjes aanleggen", proposal=idea.id)
    make_activity(title="Concept", proposal=idea.id, status="draft")
    text = visitor.get(f"/ideeen/{idea.id}").get_data(as_text=True)
    assert "Help make this happen" in text
    assert f'href="/activiteiten/{activity.id}"' in text and "Concept" not in text
    page = visitor.get(f"/activiteiten/{activity.id}").get_data(as_text=True)
    assert f'href="/ideeen/{idea.id}"' in page


def test_an_idea_without_activities_asks_nothing(visitor, make_idea):
    idea = make_idea()
    assert "Help make this happen" not in visitor.get(f"/ideeen/{idea.id}").get_data(as_text=True)
