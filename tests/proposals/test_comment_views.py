"""The idea page's discussion: comment, reply, edit and delete forms, and what each role sees."""

import re

from flask import render_template
from flask_login import login_user
from sqlalchemy import select

from app.proposals.models import Comment, CommentStatus, Proposal
from app.proposals.services import comments as services
from tests.proposals import discussion_helpers as helpers
from tests.proposals.discussion_helpers import age, fresh

make_comment = helpers.make_comment  # fixture


# The idea page's forms


def _page_token(client, login, user) -> str:
    login(user)
    return client.get("/api/v1/auth/csrf").get_json()["csrf_token"]


def test_comment_form_posts_and_goes_back_to_the_comment(
    db, client, login, resident, make_proposal
):
    idea = make_proposal()
    token = _page_token(client, login, resident)
    response = client.post(
        f"/ideeen/{idea.id}/reacties", data={"csrf_token": token, "body": "Via de pagina"}
    )
    comment = db.session.scalars(select(Comment)).one()
    assert response.status_code == 302
    assert response.location.endswith(f"/ideeen/{idea.id}#reactie-{comment.id}")


def test_reply_form_posts_a_reply(db, client, login, resident, make_proposal, make_comment):
    idea = make_proposal()
    top = make_comment(idea)
    token = _page_token(client, login, resident)
    client.post(
        f"/ideeen/{idea.id}/reacties",
        data={"csrf_token": token, "body": "Antwoord", "parent": str(top.id)},
    )
    assert fresh(db, Proposal, idea.id).comment_count == 2


def test_comment_form_without_csrf_token_is_refused(client, login, resident, make_proposal):
    idea = make_proposal()
    login(resident)
    response = client.post(f"/ideeen/{idea.id}/reacties", data={"body": "Zonder token"})
    assert response.status_code == 400


def test_empty_comment_form_goes_back_with_a_message(db, client, login, resident, make_proposal):
    idea = make_proposal()
    token = _page_token(client, login, resident)
    response = client.post(f"/ideeen/{idea.id}/reacties", data={"csrf_token": token, "body": ""})
    assert response.status_code == 302 and response.location.endswith("#reacties")
    with client.session_transaction() as session:
        assert session["_flashes"]
    assert fresh(db, Proposal, idea.id).comment_count == 0


def test_visitor_cannot_post_the_comment_form(client, make_proposal):
    idea = make_proposal()
    token = client.get("/api/v1/auth/csrf").get_json()["csrf_token"]
    response = client.post(f"/ideeen/{idea.id}/reacties", data={"csrf_token": token, "body": "Hoi"})
    assert response.status_code == 401


def test_edit_form_changes_the_comment(db, client, login, resident, make_proposal, make_comment):
    comment = make_comment(make_proposal())
    token = _page_token(client, login, resident)
    response = client.post(
        f"/reacties/{comment.id}/bewerken", data={"csrf_token": token, "body": "Aangepast"}
    )
    assert response.location.endswith(f"#reactie-{comment.id}")
    assert fresh(db, Comment, comment.id).body == "Aangepast"


def test_late_edit_form_changes_nothing(db, client, login, resident, make_proposal, make_comment):
    comment = make_comment(make_proposal())
    age(db, comment, 20)
    token = _page_token(client, login, resident)
    client.post(f"/reacties/{comment.id}/bewerken", data={"csrf_token": token, "body": "Later"})
    assert fresh(db, Comment, comment.id).body == "Goed idee!"


def test_delete_form_deletes_the_comment(db, client, login, resident, make_proposal, make_comment):
    comment = make_comment(make_proposal())
    token = _page_token(client, login, resident)
    response = client.post(f"/reacties/{comment.id}/verwijderen", data={"csrf_token": token})
    assert response.status_code == 302
    assert fresh(db, Comment, comment.id).status == CommentStatus.DELETED


def test_delete_form_of_someone_else_changes_nothing(
    db, client, login, make_resident, make_proposal, make_comment
):
    comment = make_comment(make_proposal())
    token = _page_token(client, login, make_resident())
    client.post(f"/reacties/{comment.id}/verwijderen", data={"csrf_token": token})
    assert fresh(db, Comment, comment.id).status == CommentStatus.VISIBLE


# The discussion part of the idea page


def _render(app, db, viewer, proposal) -> str:
    proposal = db.session.get(Proposal, proposal.id)
    with app.test_request_context("/"):
        if viewer is not None:
            login_user(viewer)
        return render_template(
            "proposals/_comments.html",
            proposal=proposal,
            comments=services.list_comments(db.session, viewer, proposal),
        )


def test_discussion_escapes_text_and_keeps_line_breaks(app, db, make_proposal, make_comment):
    idea = make_proposal()
    make_comment(idea, body="<script>alert(1)</script>\nTweede regel")
    html = _render(app, db, None, idea)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>\nTweede regel" in html
    assert "<script>alert" not in html


def test_discussion_offers_visitors_a_login_link_and_no_forms(app, db, make_proposal, make_comment):
    idea = make_proposal()
    make_comment(idea)
    html = _render(app, db, None, idea)
    assert "/inloggen" in html and 'name="body"' not in html


def test_discussion_gives_the_author_edit_and_delete_forms(
    app, db, resident, make_proposal, make_comment
):
    idea = make_proposal()
    comment = make_comment(idea)
    html = _render(app, db, resident, idea)
    assert f"/reacties/{comment.id}/bewerken" in html
    assert f"/reacties/{comment.id}/verwijderen" in html
    assert f"/reacties/{comment.id}/melden" not in html


def test_discussion_gives_other_residents_reply_and_report_forms(
    app, db, make_resident, make_proposal, make_comment
):
    idea = make_proposal()
    comment = make_comment(idea)
    html = _render(app, db, make_resident(), idea)
    assert f'name="parent" value="{comment.id}"' in html
    assert f"/reacties/{comment.id}/melden" in html and f"/ideeen/{idea.id}/melden" in html
    assert f"/reacties/{comment.id}/bewerken" not in html


def test_discussion_labels_every_field(app, db, make_resident, make_proposal, make_comment):
    idea = make_proposal()
    make_comment(idea)
    html = _render(app, db, make_resident(), idea)
    for field_id in re.findall(r'<(?:textarea|select)[^>]* id="([^"]+)"', html):
        assert f'for="{field_id}"' in html, field_id
