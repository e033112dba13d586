"""The organiser's pages: a new activity, editing it and its shifts, check-in and attendance."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.core.db import utcnow
from app.volunteering.models import Activity, Shift, Signup
from app.volunteering.services import tokens
from tests.conftest import PASSWORD, form_token
from tests.volunteering.conftest import join, shift_data, under_way
from tests.volunteering.test_views import AMSTERDAM, post

NEW = "/activiteiten/nieuw"


@pytest.fixture
def client_as(app):
    """Return a new browser-like client, logged in as the given user through the form."""

    def log_in(user):
        client = app.test_client()
        page = client.get("/inloggen")
        fields = {"email": user.email, "password": PASSWORD, "csrf_token": form_token(page)}
        assert client.post("/inloggen", data=fields).status_code == 302
        return client

    return log_in


@pytest.fixture
def as_staff(client, login, make_user):
    login(make_user("staff", language="en"))
    return client


@pytest.fixture
def organiser(make_resident):
    """A resident whom staff made organiser of an activity in wijk (see organised)."""
    return make_resident(language="en")


@pytest.fixture
def organised(make_activity, organiser):
    """An activity in wijk run by the resident organiser, with a shift in two hours."""
    soon = utcnow().replace(microsecond=0) + timedelta(hours=2)
    return make_activity(organisers=[organiser.id], shifts=[shift_data(soon, capacity=3)])


@pytest.fixture
def as_organiser(client, login, organiser):
    login(organiser)
    return client


ROWS = {
    f"shifts-{n}-{name}": ""
    for n in range(3)
    for name in ("day", "start", "end", "capacity", "task")
}


def activity_form(**fields) -> dict:
    """Return the fields of the new-activity form as a browser sends them: one shift, two empty."""
    return {
        **ROWS,
        "title": "Koffieochtend",
        "description": "Koffie en een praatje.",
        "theme": "samen",
        "location": "Buurthuis De Akker",
        "neighbourhood": "korte-akkeren",
        "requirements": "Vanaf 16 jaar\n\nNeem een schort mee\n",
        "status": "published",
        "shifts-0-day": "2031-03-29",
        "shifts-0-start": "23:30",
        "shifts-0-end": "03:30",
        "shifts-0-capacity": "4",
        "shifts-0-task": "Koffie schenken",
        **fields,
    }


def test_the_new_activity_page_is_for_staff_and_organisers(
    client, client_as, make_resident, organised, organiser, staff, make_neighbourhood
):
    make_neighbourhood("Bloemendaal")
    assert client.get(NEW).status_code == 302
    assert client_as(make_resident()).get(NEW).status_code == 403
    text = client_as(organiser).get(NEW).get_data(as_text=True)
    assert 'value="korte-akkeren"' in text and "bloemendaal" not in text
    assert 'name="organisers"' not in text  # only staff name organisers
    text = client_as(staff).get(NEW).get_data(as_text=True)
    assert 'value="bloemendaal"' in text and 'name="organisers"' in text


def test_staff_create_an_activity_with_shifts_in_utc(as_staff, db, wijk):
    response = post(
        as_staff,
        NEW,
        NEW,
        **activity_form(
            **{
                "shifts-2-day": "2031-07-01",
                "shifts-2-start": "10:00",
                "shifts-2-end": "12:00",
                "shifts-2-capacity": "2",
            }
        ),
    )
    assert response.status_code == 302, response.data
    activity = db.session.scalar(select(Activity))
    assert response.headers["Location"].endswith(f"/activiteiten/{activity.id}")
    assert activity.requirements == ["Vanaf 16 jaar", "Neem een schort mee"]
    assert activity.status == "published" and activity.organisers == []
    winter, summer = activity.shifts
    # 29 March 2031, 23:30 is winter time (UTC+1); the night shift ends next day in summer time.
    assert winter.starts_at == datetime(2031, 3, 29, 22, 30, tzinfo=UTC)
    assert winter.ends_at == datetime(2031, 3, 30, 1, 30, tzinfo=UTC)
    assert (winter.capacity, winter.task) == (4, "Koffie schenken")
    assert summer.starts_at == datetime(2031, 7, 1, 8, 0, tzinfo=UTC)
    assert summer.ends_at == datetime(2031, 7, 1, 10, 0, tzinfo=UTC)


def test_the_new_activity_form_shows_errors_and_writes_nothing(as_staff, db, wijk):
    response = post(as_staff, NEW, NEW, **{**activity_form(), **ROWS})
    assert response.status_code == 422
    assert "Add at least one shift." in response.get_data(as_text=True)
    response = post(as_staff, NEW, NEW, **activity_form(**{"shifts-0-capacity": ""}))
    assert response.status_code == 422
    assert 'id="shifts-0-capacity-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(Activity)) is None


def test_staff_name_organisers_by_e_mail_address(as_staff, db, wijk, organiser):
    form = activity_form(organisers=f"nobody@example.com\n{organiser.email.upper()}")
    response = post(as_staff, NEW, NEW, **form)
    assert response.status_code == 422
    assert "No account has this e-mail address: nobody@example.com" in response.get_data(
        as_text=True
    )
    response = post(as_staff, NEW, NEW, **activity_form(organisers=organiser.email))
    assert response.status_code == 302
    assert db.session.scalar(select(Activity)).organisers == [organiser]


def test_a_resident_organiser_runs_what_they_add(as_organiser, db, organised, organiser):
    response = post(as_organiser, NEW, NEW, **activity_form(status="draft"))
    assert response.status_code == 302
    added = db.session.scalar(select(Activity).where(Activity.id != organised.id))
    assert added.organisers == [organiser] and added.status == "draft"


def test_organiser_pages_refuse_residents_and_hide_drafts(
    client, login, make_resident, make_activity, organised
):
    shift = organised.shifts[0]
    draft = make_activity(status="draft")
    assert client.get(f"/activiteiten/diensten/{shift.id}/inchecken").status_code == 302
    login(make_resident())
    assert client.get(f"/activiteiten/{organised.id}/bewerken").status_code == 403
    assert client.get(f"/activiteiten/diensten/{shift.id}/inchecken").status_code == 403
    assert client.get(f"/activiteiten/diensten/{shift.id}/annuleren").status_code == 403
    assert client.get(f"/activiteiten/{draft.id}/bewerken").status_code == 404
    for action in ("inchecken", "bewerken", "annuleren", "aanwezigheid"):
        response = post(client, f"/activiteiten/diensten/{shift.id}/{action}", user_id="1")
        assert response.status_code == 403, action
    assert post(client, f"/activiteiten/{organised.id}/diensten").status_code == 403


def test_an_organiser_edits_details_and_publishes_a_draft(as_staff, db, make_activity):
    draft = make_activity(status="draft")
    page = f"/activiteiten/{draft.id}/bewerken"
    assert "Koffie" not in as_staff.get(page).get_data(as_text=True)
    fields = activity_form(title="Opruimdag met koffie", requirements="Laarzen aan")
    del fields["neighbourhood"]
    response = post(as_staff, page, page, **{k: v for k, v in fields.items() if "shifts" not in k})
    assert response.status_code == 302
    db.session.refresh(draft)
    assert (draft.title, draft.status, draft.requirements) == (
        "Opruimdag met koffie",
        "published",
        ["Laarzen aan"],
    )


def _shift_fields(shift: Shift, **changes) -> dict:
    start, end = shift.starts_at.astimezone(AMSTERDAM), shift.ends_at.astimezone(AMSTERDAM)
    fields = {
        "day": start.date().isoformat(),
        "start": f"{start:%H:%M}",
        "end": f"{end:%H:%M}",
        "capacity": str(shift.capacity),
        "task": shift.task,
        **changes,
    }
    return {f"dienst{shift.id}-{name}": value for name, value in fields.items()}


def test_lowering_the_places_needs_the_explicit_choice(as_organiser, db, organised, make_resident):
    shift = organised.shifts[0]
    people = [make_resident() for _ in range(3)]
    for person in people:
        join(db, person, shift)
    page, path = (
        f"/activiteiten/{organised.id}/bewerken",
        f"/activiteiten/diensten/{shift.id}/bewerken",
    )
    response = post(as_organiser, path, page, **_shift_fields(shift, capacity="2"))
    assert response.status_code == 422
    assert "3 volunteers are confirmed" in response.get_data(as_text=True)
    db.session.refresh(shift)
    assert shift.capacity == 3
    fields = _shift_fields(shift, capacity="2", overflow="y")
    assert post(as_organiser, path, page, **fields).status_code == 302
    db.session.refresh(shift)
    assert (shift.capacity, shift.confirmed_count, shift.waitlist_count) == (2, 2, 1)
    last = db.session.scalar(select(Signup).where(Signup.user_id == people[2].id))
    assert last.status == "waitlisted"


def test_an_organiser_moves_and_adds_shifts(as_organiser, db, organised):
    shift = organised.shifts[0]
    page = f"/activiteiten/{organised.id}/bewerken"
    fields = _shift_fields(shift, day="2031-01-15", start="09:00", end="11:00", task="Opbouwen")
    post(as_organiser, f"/activiteiten/diensten/{shift.id}/bewerken", page, **fields)
    db.session.refresh(shift)
    assert shift.starts_at == datetime(2031, 1, 15, 8, 0, tzinfo=UTC) and shift.task == "Opbouwen"
    new = {"nieuw-day": "2031-01-16", "nieuw-start": "14:00", "nieuw-end": "15:00"}
    response = post(as_organiser, f"/activiteiten/{organised.id}/diensten", page, **new)
    assert response.status_code == 422  # the places are missing
    new["nieuw-capacity"] = "6"
    response = post(as_organiser, f"/activiteiten/{organised.id}/diensten", page, **new)
    assert response.status_code == 302
    db.session.refresh(organised)
    assert [s.capacity for s in organised.shifts] == [3, 6]


def test_cancelling_a_shift_asks_first(as_organiser, db, organised, make_resident):
    shift = organised.shifts[0]
    join(db, make_resident(), shift)
    path = f"/activiteiten/diensten/{shift.id}/annuleren"
    text = as_organiser.get(path).get_data(as_text=True)
    assert "1 person is signed up or waiting" in text
    db.session.refresh(shift)
    assert shift.cancelled_at is None
    post(as_organiser, path, path)
    db.session.refresh(shift)
    assert shift.cancelled_at is not None


def test_the_check_in_page_lists_people_without_their_contact_details(
    as_organiser, db, organised, make_resident
):
    shift = organised.shifts[0]
    people = [make_resident(name=f"Vrijwilliger {n}") for n in range(4)]
    for person in people:
        join(db, person, shift)
    text = as_organiser.get(f"/activiteiten/diensten/{shift.id}/inchecken").get_data(as_text=True)
    assert "Vrijwilliger 0" in text and "Waitlist (1)" in text
    assert text.count('name="user_id"') == 3
    assert not any(person.email in text for person in people)


def test_checking_in_by_button_and_by_code(as_organiser, db, organised, make_resident):
    shift = organised.shifts[0]
    first, second = make_resident(name="Fatima"), make_resident(name="Kees")
    for person in (first, second):
        join(db, person, shift)
    page = f"/activiteiten/diensten/{shift.id}/inchecken"
    response = post(as_organiser, page, page, user_id=str(first.id))
    assert response.status_code == 302
    assert "Fatima is checked in." in as_organiser.get(page).get_data(as_text=True)
    response = post(as_organiser, page, page, code="verzonnen")
    assert response.status_code == 422
    assert re.search(
        r'id="code-error">This code is not a volunteer&#39;s check-in code.',
        response.get_data(as_text=True),
    )
    assert post(as_organiser, page, page, code=tokens.pass_token(second)).status_code == 302
    checked = db.session.scalars(select(Signup).where(Signup.checked_in_at.is_not(None)))
    assert {signup.user_id for signup in checked} == {first.id, second.id}


def test_confirming_attendance_credits_hours(as_organiser, db, organised, make_resident):
    shift = organised.shifts[0]
    came, stayed_home = make_resident(), make_resident()
    for person in (came, stayed_home):
        join(db, person, shift)
    under_way(db, shift)
    page = f"/activiteiten/diensten/{shift.id}/inchecken"
    post(as_organiser, page, page, user_id=str(came.id))
    ticked = re.findall(
        r'<input checked[^>]* value="(\d+)"', as_organiser.get(page).get_data(as_text=True)
    )
    assert ticked == [str(came.id)]
    response = post(
        as_organiser, f"/activiteiten/diensten/{shift.id}/aanwezigheid", page, attended=str(came.id)
    )
    assert response.status_code == 302
    rows = {s.user_id: s for s in db.session.scalars(select(Signup))}
    assert (rows[came.id].attendance, rows[came.id].minutes_credited) == ("attended", 120)
    assert (rows[stayed_home.id].attendance, rows[stayed_home.id].minutes_credited) == (
        "no_show",
        0,
    )


def test_the_organiser_overview_lists_recent_and_coming_activities(as_organiser, organised):
    text = as_organiser.get("/activiteiten/organiseren").get_data(as_text=True)
    assert f'href="/activiteiten/{organised.id}/bewerken"' in text
    assert f'href="/activiteiten/diensten/{organised.shifts[0].id}/inchecken"' in text


def test_a_resident_organiser_reaches_every_organiser_page(as_organiser, make_activity, organised):
    draft = make_activity(status="draft", organisers=[organised.organisers[0].id])
    shift = organised.shifts[0]
    text = as_organiser.get(f"/activiteiten/{organised.id}").get_data(as_text=True)
    assert f'href="/activiteiten/{organised.id}/bewerken"' in text
    assert f'href="/activiteiten/diensten/{shift.id}/inchecken"' in text
    for path in (
        f"/activiteiten/{draft.id}",
        f"/activiteiten/{draft.id}/bewerken",
        f"/activiteiten/diensten/{shift.id}/inchecken",
        f"/activiteiten/diensten/{shift.id}/annuleren",
        "/activiteiten/organiseren",
    ):
        assert as_organiser.get(path).status_code == 200, path


def test_visitors_are_sent_to_log_in_for_organiser_pages(client, organised):
    for path in ("/activiteiten/organiseren", f"/activiteiten/{organised.id}/bewerken"):
        response = client.get(path)
        assert response.status_code == 302 and "/inloggen" in response.headers["Location"]
