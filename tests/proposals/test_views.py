"""The idea and round pages: list, write, edit, detail with voting, staff round pages."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.db import utcnow
from app.proposals.models import Follow, Proposal, Round, Status, Vote
from tests.conftest import form_token


@pytest.fixture
def as_resident(client, login, resident):
    login(resident)
    return client


def test_the_idea_list_shows_public_ideas_to_visitors(client, make_proposal):
    make_proposal(title="Bankjes bij de speeltuin")
    make_proposal(Status.DRAFT, title="Geheim concept")
    page = client.get("/ideeen")
    assert page.status_code == 200
    assert b"Bankjes bij de speeltuin" in page.data and b"Geheim concept" not in page.data


def test_the_idea_list_filters_and_searches(client, make_proposal):
    make_proposal(title="Bankjes bij de speeltuin")
    make_proposal(title="Meer vuilnisbakken", body="Afval op straat.", theme="schoon")
    page = client.get("/ideeen?q=vuilnisbakken")
    assert b"Meer vuilnisbakken" in page.data and b"Bankjes" not in page.data
    page = client.get("/ideeen?theme=schoon&sort=popular")
    assert b"Meer vuilnisbakken" in page.data and b"Bankjes" not in page.data


def test_bad_filters_show_a_message_not_an_error(client, make_proposal):
    make_proposal()
    page = client.get("/ideeen?sort=random&theme=mooi&neighbourhood=nergens")
    assert page.status_code == 200
    assert b"Sommige filters waren niet geldig" in page.data
    assert b"Deze wijk bestaat niet" in page.data
    page = client.get("/ideeen?cursor=verzonnen")
    assert page.status_code == 200 and b"werkt niet meer" in page.data


def test_writing_an_idea_needs_a_login(client, wijk):
    response = client.get("/ideeen/nieuw")
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]


def test_a_resident_writes_and_sends_in_an_idea(as_resident, wijk, db, resident):
    form = as_resident.get("/ideeen/nieuw")
    assert b'selected value="korte-akkeren"' in form.data  # their own neighbourhood first
    response = as_resident.post(
        "/ideeen/nieuw",
        data={
            "csrf_token": form_token(form),
            "title": "Een moestuin op het plein",
            "body": "Samen groente kweken.\nIedereen mag meedoen.",
            "theme": "samen",
            "neighbourhood": "korte-akkeren",
            "round": "",
            "budget": "1250,50",
        },
    )
    assert response.status_code == 302
    idea = db.session.query(Proposal).one()
    assert idea.status == Status.DRAFT and idea.budget_cents == 125_050
    detail = as_resident.get(response.headers["Location"])
    assert b"Een moestuin op het plein" in detail.data
    sent = as_resident.post(f"/ideeen/{idea.id}/insturen", data={"csrf_token": form_token(detail)})
    assert sent.status_code == 302
    db.session.expire_all()
    assert db.session.get(Proposal, idea.id).status == Status.SUBMITTED


def test_the_idea_form_shows_errors(as_resident, wijk, db):
    form = as_resident.get("/ideeen/nieuw")
    response = as_resident.post(
        "/ideeen/nieuw",
        data={
            "csrf_token": form_token(form),
            "title": "Kort",
            "body": "",
            "theme": "samen",
            "neighbourhood": "korte-akkeren",
            "budget": "veel",
        },
    )
    assert response.status_code == 422
    assert b'aria-invalid="true"' in response.data
    assert db.session.query(Proposal).count() == 0


def test_the_author_edits_a_draft(as_resident, make_proposal, db):
    draft = make_proposal(Status.DRAFT)
    form = as_resident.get(f"/ideeen/{draft.id}/bewerken")
    assert form.status_code == 200
    response = as_resident.post(
        f"/ideeen/{draft.id}/bewerken",
        data={
            "csrf_token": form_token(form),
            "title": "Drie bankjes bij de speeltuin",
            "body": draft.body,
            "theme": "prettig",
            "neighbourhood": "korte-akkeren",
            "budget": "",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Proposal, draft.id).title == "Drie bankjes bij de speeltuin"


def test_others_cannot_open_the_edit_page(client, login, make_resident, make_proposal):
    published = make_proposal()
    login(make_resident())
    form = client.get(f"/ideeen/{published.id}/bewerken")
    response = client.post(
        f"/ideeen/{published.id}/bewerken",
        data={
            "csrf_token": form_token(form),
            "title": "Overgenomen!",
            "body": "x",
            "theme": "prettig",
            "neighbourhood": "korte-akkeren",
        },
    )
    assert response.status_code == 422
    assert b"schreef" in response.data or b"wrote" in response.data


def test_drafts_of_others_are_not_found(client, login, make_resident, make_proposal):
    draft = make_proposal(Status.DRAFT)
    assert client.get(f"/ideeen/{draft.id}").status_code == 404
    login(make_resident())
    assert client.get(f"/ideeen/{draft.id}").status_code == 404


def test_the_detail_page_keeps_line_breaks_and_escapes_html(client, make_proposal):
    idea = make_proposal(body="<script>alert(1)</script>\nTweede regel")
    page = client.get(f"/ideeen/{idea.id}")
    assert b"<script>alert(1)" not in page.data
    assert b"&lt;script&gt;" in page.data


def test_a_resident_votes_and_takes_the_vote_back_on_the_page(
    as_resident, make_round, make_proposal, db
):
    idea = make_proposal(voting_round=make_round())
    page = as_resident.get(f"/ideeen/{idea.id}")
    assert b"Stem op dit idee" in page.data
    as_resident.post(
        f"/ideeen/{idea.id}/stem", data={"csrf_token": form_token(page), "action": "cast"}
    )
    assert db.session.query(Vote).count() == 1
    page = as_resident.get(f"/ideeen/{idea.id}")
    assert b"Je hebt op dit idee gestemd" in page.data
    as_resident.post(
        f"/ideeen/{idea.id}/stem", data={"csrf_token": form_token(page), "action": "retract"}
    )
    db.session.commit()
    assert db.session.query(Vote).count() == 0


def test_a_refused_vote_is_explained(client, login, make_user, make_round, make_proposal):
    idea = make_proposal(voting_round=make_round())
    login(make_user("resident"))
    page = client.get(f"/ideeen/{idea.id}")
    assert b"Koppel je adres" in page.data
    response = client.post(
        f"/ideeen/{idea.id}/stem",
        data={"csrf_token": form_token(page), "action": "cast"},
        follow_redirects=True,
    )
    assert b"adres" in response.data


def test_following_from_the_page(as_resident, make_resident, make_proposal, db, resident):
    idea = make_proposal(author=make_resident())
    page = as_resident.get(f"/ideeen/{idea.id}")
    as_resident.post(
        f"/ideeen/{idea.id}/volgen", data={"csrf_token": form_token(page), "action": "follow"}
    )
    assert db.session.get(Follow, (resident.id, idea.id)) is not None


def test_the_round_pages_show_windows_and_results(client, make_round, make_proposal):
    chosen = make_round(title="Buurtbudget Korte Akkeren 2027")
    make_proposal(voting_round=chosen, title="Bankjes bij de speeltuin")
    listing = client.get("/buurtbudget")
    assert b"Buurtbudget Korte Akkeren 2027" in listing.data
    detail = client.get(f"/buurtbudget/{chosen.id}")
    assert detail.status_code == 200 and b"Bankjes bij de speeltuin" in detail.data


def test_staff_start_a_round_on_the_page(client, login, staff, wijk, db):
    login(staff)
    form = client.get("/beheer/rondes")
    assert form.status_code == 200
    response = client.post(
        "/beheer/rondes",
        data={
            "csrf_token": form_token(form),
            "neighbourhood": "korte-akkeren",
            "title": "Buurtbudget 2027",
            "budget": "15000",
            "submission_opens_at": "2027-01-01T09:00",
            "submission_closes_at": "2027-02-01T17:00",
            "voting_opens_at": "2027-02-15T09:00",
            "voting_closes_at": "2027-03-01T17:00",
            "style": "approval",
            "votes_per_resident": "3",
            "vote_unit": "household",
        },
    )
    assert response.status_code == 302, response.data
    created = db.session.query(Round).one()
    assert created.budget_cents == 1_500_000 and created.vote_unit == "household"
    assert created.submission_opens_at.hour == 8  # 09:00 in Amsterdam is 08:00 UTC in winter


def test_residents_cannot_open_the_round_pages_for_staff(client, login, resident):
    login(resident)
    assert client.get("/beheer/rondes").status_code == 403


def test_staff_close_a_finished_round(client, login, staff, make_round, make_proposal, db):
    ended = make_round()
    idea = make_proposal(voting_round=ended)
    ended.voting_closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    login(staff)
    page = client.get(f"/beheer/rondes/{ended.id}")
    client.post(f"/beheer/rondes/{ended.id}/afsluiten", data={"csrf_token": form_token(page)})
    db.session.expire_all()
    assert db.session.get(Round, ended.id).closed_at is not None
    assert db.session.get(Proposal, idea.id).status == Status.SELECTED


def test_the_detail_page_shows_the_edit_history(client, api_as, resident, make_proposal, staff):
    submitted = make_proposal(Status.SUBMITTED, title="Bankjes bij de speeltuin")
    api_as(resident).patch(f"/proposals/{submitted.id}", json={"title": "Drie bankjes graag"})
    api_as(staff).post(
        f"/moderation/proposals/{submitted.id}/decision", json={"decision": "publish"}
    )
    page = client.get(f"/ideeen/{submitted.id}").get_data(as_text=True)
    assert "Drie bankjes graag" in page
    assert "1 eerdere versie" in page and "Bankjes bij de speeltuin" in page
