"""Moderation pages for staff: the queue with a decision form per item, and the log."""

import pytest

from app.proposals.models import Comment, CommentStatus, Proposal, Status
from tests.conftest import form_token
from tests.proposals import discussion_helpers as helpers
from tests.proposals.discussion_helpers import decide, fresh

make_comment = helpers.make_comment
flaggers = helpers.flaggers


@pytest.fixture
def staff_client(client, login, staff):
    """The browser, logged in as a staff member who manages every neighbourhood."""
    login(staff)
    return client


def test_moderation_page_shows_the_queue_with_a_form_per_item(
    staff_client, make_proposal, make_comment, api_as, make_resident
):
    idea = make_proposal(status=Status.SUBMITTED, title="Groene speelplek")
    comment = make_comment(make_proposal())
    api_as(make_resident()).post(f"/comments/{comment.id}/flag", json={"reason": "spam"})
    page = staff_client.get("/beheer/moderatie")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Groene speelplek" in html
    assert f'action="/beheer/moderatie/ideeen/{idea.id}"' in html
    assert f'action="/beheer/moderatie/reacties/{comment.id}"' in html
    assert f'for="reason-proposal-{idea.id}"' in html


def test_moderation_page_says_when_nothing_waits(staff_client):
    assert staff_client.get("/beheer/moderatie").status_code == 200


def test_moderation_page_refuses_residents(client, login, resident):
    login(resident)
    assert client.get("/beheer/moderatie").status_code == 403


def test_moderation_page_sends_visitors_to_log_in(client):
    response = client.get("/beheer/moderatie")
    assert response.status_code == 302 and "/inloggen" in response.location


def test_decision_form_publishes_an_idea(db, staff_client, make_proposal):
    idea = make_proposal(status=Status.SUBMITTED)
    token = form_token(staff_client.get("/beheer/moderatie"))
    response = staff_client.post(
        f"/beheer/moderatie/ideeen/{idea.id}", data={"csrf_token": token, "decision": "publish"}
    )
    assert response.status_code == 302 and response.location.endswith("/beheer/moderatie")
    assert fresh(db, Proposal, idea.id).status == Status.PUBLISHED


def test_decision_form_without_a_reason_shows_the_error(db, staff_client, make_proposal):
    idea = make_proposal(status=Status.SUBMITTED)
    token = form_token(staff_client.get("/beheer/moderatie"))
    response = staff_client.post(
        f"/beheer/moderatie/ideeen/{idea.id}", data={"csrf_token": token, "decision": "reject"}
    )
    assert response.status_code == 422
    assert f'id="reason-proposal-{idea.id}-error"' in response.get_data(as_text=True)
    assert fresh(db, Proposal, idea.id).status == Status.SUBMITTED


def test_decision_form_without_a_decision_shows_the_error(staff_client, make_proposal):
    idea = make_proposal(status=Status.SUBMITTED)
    token = form_token(staff_client.get("/beheer/moderatie"))
    response = staff_client.post(f"/beheer/moderatie/ideeen/{idea.id}", data={"csrf_token": token})
    assert response.status_code == 422
    assert f'id="decision-proposal-{idea.id}-error"' in response.get_data(as_text=True)


def test_decision_form_hides_a_comment(db, staff_client, make_proposal, make_comment):
    comment = make_comment(make_proposal())
    token = form_token(staff_client.get("/beheer/moderatie"))
    staff_client.post(
        f"/beheer/moderatie/reacties/{comment.id}",
        data={"csrf_token": token, "decision": "hide", "reason": "Kwetsend"},
    )
    assert fresh(db, Comment, comment.id).status == CommentStatus.HIDDEN


def test_decision_form_without_csrf_token_is_refused(db, staff_client, make_proposal):
    idea = make_proposal(status=Status.SUBMITTED)
    response = staff_client.post(
        f"/beheer/moderatie/ideeen/{idea.id}", data={"decision": "publish"}
    )
    assert response.status_code == 400
    assert fresh(db, Proposal, idea.id).status == Status.SUBMITTED


def test_decision_form_of_another_neighbourhood_is_refused(
    db, client, login, outsider, make_proposal
):
    idea = make_proposal(status=Status.SUBMITTED)
    login(outsider)
    token = form_token(client.get("/beheer/moderatie"))
    response = client.post(
        f"/beheer/moderatie/ideeen/{idea.id}", data={"csrf_token": token, "decision": "publish"}
    )
    assert response.status_code == 403
    assert fresh(db, Proposal, idea.id).status == Status.SUBMITTED


def test_log_page_shows_decisions(staff, staff_client, staff_api, make_proposal):
    idea = make_proposal(status=Status.SUBMITTED, title="Bloembakken")
    decide(staff_api, "proposals", idea.id, "reject", "Geen <b>budget</b>")
    html = staff_client.get("/beheer/moderatie/logboek").get_data(as_text=True)
    assert "Bloembakken" in html and staff.display_name in html
    assert "Geen &lt;b&gt;budget&lt;/b&gt;" in html


def test_log_page_refuses_residents(client, login, resident):
    login(resident)
    assert client.get("/beheer/moderatie/logboek").status_code == 403
