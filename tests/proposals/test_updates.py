"""Progress updates: staff post news about an idea; everyone reads the timeline."""

import pytest
from flask import render_template
from flask_login import login_user

from app.core.signals import proposal_status_changed, proposal_update_posted
from app.proposals.models import Proposal, Status
from app.proposals.services import updates as services
from tests.conftest import problem
from tests.proposals.discussion_helpers import fresh, received


def _post(client, idea, **data):
    return client.post(f"/proposals/{idea.id}/updates", json={"body": "Het werk begint.", **data})


# Posting


def test_staff_post_an_update(staff, staff_api, make_proposal):
    idea = make_proposal(status=Status.SELECTED)
    response = _post(staff_api, idea, progress=10)
    assert response.status_code == 201
    body = response.get_json()
    assert {k: body[k] for k in ("proposal", "author", "body", "progress", "status")} == {
        "proposal": idea.id,
        "author": staff.display_name,
        "body": "Het werk begint.",
        "progress": 10,
        "status": None,
    }


def test_progress_is_stored_on_the_idea(db, staff_api, make_proposal):
    idea = make_proposal(status=Status.IN_PROGRESS)
    _post(staff_api, idea, progress=60)
    assert fresh(db, Proposal, idea.id).progress == 60


def test_update_without_progress_keeps_the_ideas_progress(db, staff_api, make_proposal):
    idea = make_proposal(status=Status.IN_PROGRESS)
    _post(staff_api, idea, progress=40)
    _post(staff_api, idea, body="Even wachten op de leverancier.")
    assert fresh(db, Proposal, idea.id).progress == 40


def test_update_moves_the_idea_to_a_new_status(db, staff_api, make_proposal):
    idea = make_proposal(status=Status.SELECTED)
    with received(proposal_status_changed) as changed:
        body = _post(staff_api, idea, status="in_progress").get_json()
    assert body["status"] == "in_progress"
    assert fresh(db, Proposal, idea.id).status == Status.IN_PROGRESS
    assert [(c["old"], c["new"]) for c in changed] == [("selected", "in_progress")]


def test_update_on_a_published_idea_can_select_it(db, staff_api, make_proposal):
    idea = make_proposal()
    _post(staff_api, idea, status="selected")
    assert fresh(db, Proposal, idea.id).status == Status.SELECTED


def test_same_status_is_no_change(db, staff_api, make_proposal):
    idea = make_proposal(status=Status.SELECTED)
    assert _post(staff_api, idea, status="selected").get_json()["status"] is None


def test_illegal_status_change_is_a_409(db, staff_api, make_proposal):
    idea = make_proposal()
    problem(_post(staff_api, idea, status="completed"), 409)
    assert fresh(db, Proposal, idea.id).status == Status.PUBLISHED


def test_refused_update_is_not_saved(staff_api, make_proposal):
    idea = make_proposal()
    _post(staff_api, idea, status="in_progress", progress=50)
    assert staff_api.get(f"/proposals/{idea.id}/updates").get_json()["items"] == []


def test_update_on_an_idea_waiting_for_review_is_a_409(staff_api, make_proposal):
    problem(_post(staff_api, make_proposal(status=Status.SUBMITTED)), 409)


def test_update_on_a_not_selected_idea_is_a_409(staff_api, make_proposal):
    problem(_post(staff_api, make_proposal(status=Status.NOT_SELECTED)), 409)


def test_update_on_a_draft_is_a_404(staff_api, make_proposal):
    problem(_post(staff_api, make_proposal(status=Status.DRAFT)), 404)


def test_update_on_an_unknown_idea_is_a_404(staff_api):
    problem(staff_api.post("/proposals/999999/updates", json={"body": "Hoi"}), 404)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"body": ""}, "body"),
        ({"body": "x" * 5001}, "body"),
        ({"progress": 101}, "progress"),
        ({"progress": -1}, "progress"),
        ({"progress": "50"}, "progress"),
        ({"status": "hidden"}, "status"),
    ],
)
def test_invalid_update_is_refused(staff_api, make_proposal, data, field):
    body = problem(_post(staff_api, make_proposal(status=Status.SELECTED), **data), 422)
    assert field in body["errors"]


def test_residents_cannot_post_updates(api_as, resident, make_proposal):
    problem(_post(api_as(resident), make_proposal(status=Status.SELECTED)), 403)


def test_visitors_cannot_post_updates(api, make_proposal):
    problem(_post(api, make_proposal(status=Status.SELECTED)), 401)


def test_staff_of_another_neighbourhood_cannot_post_updates(
    api_as, make_user, make_neighbourhood, assign, make_proposal
):
    outsider = make_user("staff")
    assign(outsider, make_neighbourhood("Noord"))
    problem(_post(api_as(outsider), make_proposal(status=Status.SELECTED)), 403)


def test_update_posted_is_sent_after_commit(staff, staff_api, make_proposal):
    idea = make_proposal(status=Status.SELECTED)
    with received(proposal_update_posted) as posted:
        update_id = _post(staff_api, idea).get_json()["id"]
    assert posted == [
        {"update_id": update_id, "proposal_id": idea.id, "author_id": staff.id, "status": None}
    ]


# Reading


def test_everyone_reads_updates_newest_first(api, staff_api, make_proposal):
    idea = make_proposal(status=Status.SELECTED)
    for text in ("Eerste", "Tweede", "Derde"):
        _post(staff_api, idea, body=text)
    body = api.get(f"/proposals/{idea.id}/updates").get_json()
    assert [u["body"] for u in body["items"]] == ["Derde", "Tweede", "Eerste"]


def test_updates_are_paginated(api, staff_api, make_proposal):
    idea = make_proposal(status=Status.SELECTED)
    for n in range(3):
        _post(staff_api, idea, body=f"Nummer {n}")
    first = api.get(f"/proposals/{idea.id}/updates", query_string={"limit": 2}).get_json()
    query = {"limit": 2, "cursor": first["next_cursor"]}
    rest = api.get(f"/proposals/{idea.id}/updates", query_string=query).get_json()
    assert [u["body"] for u in first["items"] + rest["items"]] == [
        "Nummer 2",
        "Nummer 1",
        "Nummer 0",
    ]


def test_updates_of_an_idea_one_may_not_see_are_a_404(api, make_proposal):
    problem(api.get(f"/proposals/{make_proposal(status=Status.SUBMITTED).id}/updates"), 404)


# The idea page's progress part and form


def _render(app, db, viewer, idea) -> str:
    idea = db.session.get(Proposal, idea.id)
    with app.test_request_context("/"):
        if viewer is not None:
            login_user(viewer)
        return render_template(
            "proposals/_updates.html",
            proposal=idea,
            updates=services.list_updates(db.session, idea),
        )


def test_timeline_shows_updates_with_status_and_progress(
    app, db, staff, staff_api, resident, make_proposal
):
    idea = make_proposal(status=Status.SELECTED)
    _post(
        staff_api, idea, body="Bankjes <besteld>\nVolgende week", status="in_progress", progress=30
    )
    html = _render(app, db, resident, idea)
    assert "Bankjes &lt;besteld&gt;<br>\nVolgende week" in html
    assert staff.display_name in html and 'value="30"' in html
    assert 'name="body"' not in html


def test_timeline_gives_staff_the_form(app, db, staff, make_proposal):
    idea = make_proposal(status=Status.SELECTED)
    html = _render(app, db, staff, idea)
    assert f'action="/ideeen/{idea.id}/voortgang"' in html and 'for="update-body"' in html


def test_timeline_hides_the_form_from_staff_of_another_neighbourhood(
    app, db, make_user, make_neighbourhood, assign, make_proposal
):
    outsider = make_user("staff")
    assign(outsider, make_neighbourhood("Noord"))
    html = _render(app, db, outsider, make_proposal(status=Status.SELECTED))
    assert "/voortgang" not in html


def test_update_form_posts_news(db, client, login, staff, make_proposal):
    idea = make_proposal(status=Status.SELECTED)
    login(staff)
    token = client.get("/api/v1/auth/csrf").get_json()["csrf_token"]
    response = client.post(
        f"/ideeen/{idea.id}/voortgang",
        data={"csrf_token": token, "body": "Gestart", "progress": "20", "status": "in_progress"},
    )
    assert response.status_code == 302 and response.location.endswith("#voortgang")
    stored = fresh(db, Proposal, idea.id)
    assert (stored.status, stored.progress) == (Status.IN_PROGRESS, 20)


def test_update_form_with_bad_progress_saves_nothing(db, client, login, staff, make_proposal):
    idea = make_proposal(status=Status.SELECTED)
    login(staff)
    token = client.get("/api/v1/auth/csrf").get_json()["csrf_token"]
    client.post(
        f"/ideeen/{idea.id}/voortgang",
        data={"csrf_token": token, "body": "Gestart", "progress": "150", "status": ""},
    )
    assert fresh(db, Proposal, idea.id).progress is None


def test_update_form_refuses_residents(client, login, resident, make_proposal):
    idea = make_proposal(status=Status.SELECTED)
    login(resident)
    token = client.get("/api/v1/auth/csrf").get_json()["csrf_token"]
    response = client.post(
        f"/ideeen/{idea.id}/voortgang", data={"csrf_token": token, "body": "Hoi"}
    )
    assert response.status_code == 403
