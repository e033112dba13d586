"""Comments on ideas: the API, the service's rules, the counter and the signal."""

from app.core.signals import comment_posted
from app.proposals.models import Comment, CommentStatus, Proposal, Status
from app.proposals.services import comments as services
from tests.conftest import problem
from tests.proposals import discussion_helpers as helpers
from tests.proposals.discussion_helpers import age, count_queries, fresh, received

make_comment = helpers.make_comment  # fixture


def _post(client, proposal, body="Goed idee!", **extra):
    return client.post(f"/proposals/{proposal.id}/comments", json={"body": body, **extra})


# Posting


def test_resident_comments_on_a_published_idea(api_as, resident, make_proposal):
    idea = make_proposal()
    response = _post(api_as(resident), idea, "Ik help mee.")
    assert response.status_code == 201
    body = response.get_json()
    assert (body["body"], body["author"], body["status"]) == (
        "Ik help mee.",
        resident.display_name,
        "visible",
    )


def test_posted_comment_has_the_documented_fields(api_as, resident, make_proposal):
    idea = make_proposal()
    body = _post(api_as(resident), idea).get_json()
    assert set(body) == {
        "id", "proposal", "parent", "author", "body", "status", "hidden_reason",
        "created_at", "edited_at", "can_edit", "replies",
    }  # fmt: skip
    assert (body["proposal"], body["parent"], body["edited_at"], body["can_edit"]) == (
        idea.id,
        None,
        None,
        True,
    )
    assert body["created_at"].endswith("+00:00") and body["replies"] == []


def test_unverified_resident_may_comment(api_as, make_user, make_proposal):
    idea = make_proposal()
    assert _post(api_as(make_user("resident")), idea).status_code == 201


def test_staff_may_comment(api_as, staff, make_proposal):
    assert _post(api_as(staff), make_proposal()).status_code == 201


def test_visitor_cannot_comment(api, make_proposal):
    problem(_post(api, make_proposal()), 401)


def test_comment_on_unknown_idea_is_a_404(api_as, resident):
    problem(api_as(resident).post("/proposals/999999/comments", json={"body": "Hoi"}), 404)


def test_comment_on_someone_elses_draft_is_a_404(api_as, make_resident, make_proposal):
    idea = make_proposal(status=Status.DRAFT)
    problem(_post(api_as(make_resident()), idea), 404)


def test_comment_on_an_idea_waiting_for_review_is_a_409(api_as, resident, make_proposal):
    idea = make_proposal(status=Status.SUBMITTED)
    problem(_post(api_as(resident), idea), 409)


def test_empty_comment_is_refused(api_as, resident, make_proposal):
    body = problem(_post(api_as(resident), make_proposal(), ""), 422)
    assert "body" in body["errors"]


def test_blank_comment_is_refused(api_as, resident, make_proposal):
    assert "body" in problem(_post(api_as(resident), make_proposal(), " \n\t "), 422)["errors"]


def test_comment_longer_than_2000_characters_is_refused(api_as, resident, make_proposal):
    assert "body" in problem(_post(api_as(resident), make_proposal(), "x" * 2001), 422)["errors"]


def test_comment_of_2000_characters_is_accepted(api_as, resident, make_proposal):
    assert _post(api_as(resident), make_proposal(), "x" * 2000).status_code == 201


def test_comment_is_stored_without_surrounding_blanks(api_as, resident, make_proposal):
    body = _post(api_as(resident), make_proposal(), "  Eerste regel\nTweede  \n").get_json()
    assert body["body"] == "Eerste regel\nTweede"


def test_unknown_fields_are_refused(api_as, resident, make_proposal):
    problem(_post(api_as(resident), make_proposal(), extra="x"), 422)


# Replies


def test_reply_to_a_top_level_comment(api_as, resident, make_proposal, make_comment):
    idea = make_proposal()
    top = make_comment(idea)
    body = _post(api_as(resident), idea, "Eens!", parent=top.id).get_json()
    assert body["parent"] == top.id


def test_reply_to_a_reply_is_refused(api_as, resident, make_proposal, make_comment):
    idea = make_proposal()
    reply = make_comment(idea, parent=make_comment(idea))
    assert "parent" in problem(_post(api_as(resident), idea, parent=reply.id), 422)["errors"]


def test_reply_to_a_comment_on_another_idea_is_refused(
    api_as, resident, make_proposal, make_comment
):
    elsewhere = make_comment(make_proposal(title="Een ander idee"))
    problem(_post(api_as(resident), make_proposal(), parent=elsewhere.id), 422)


def test_reply_to_an_unknown_comment_is_refused(api_as, resident, make_proposal):
    problem(_post(api_as(resident), make_proposal(), parent=999999), 422)


def test_reply_to_a_deleted_comment_is_refused(db, api_as, resident, make_proposal, make_comment):
    idea = make_proposal()
    top = make_comment(idea)
    services.delete_comment(db.session, resident, top)
    db.session.commit()
    problem(_post(api_as(resident), idea, parent=top.id), 422)


# Listing


def test_list_shows_comments_oldest_first_with_their_replies(
    api, make_resident, make_proposal, make_comment
):
    idea = make_proposal()
    first, second = make_comment(idea, body="Eerste"), make_comment(idea, body="Tweede")
    make_comment(idea, author=make_resident(name="Anna"), body="Antwoord", parent=first)
    items = api.get(f"/proposals/{idea.id}/comments").get_json()["items"]
    assert [c["body"] for c in items] == ["Eerste", "Tweede"]
    assert [(r["body"], r["author"], r["parent"]) for r in items[0]["replies"]] == [
        ("Antwoord", "Anna", first.id)
    ]
    assert items[1]["id"] == second.id and items[1]["replies"] == []


def test_list_is_paginated_by_top_level_comment(api, make_proposal, make_comment):
    idea = make_proposal()
    made = [make_comment(idea, body=f"Nummer {n}").id for n in range(5)]
    seen, cursor = [], None
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        body = api.get(f"/proposals/{idea.id}/comments", query_string=query).get_json()
        seen += [c["id"] for c in body["items"]]
        if not (cursor := body["next_cursor"]):
            break
    assert seen == made


def test_list_of_a_hidden_idea_is_a_404_for_visitors(api, make_proposal):
    idea = make_proposal(status=Status.HIDDEN)
    problem(api.get(f"/proposals/{idea.id}/comments"), 404)


def test_hidden_comment_shows_to_others_as_a_placeholder(db, api, make_proposal, make_comment):
    idea = make_proposal()
    comment = make_comment(idea, body="Iets lelijks")
    comment.status, comment.hidden_reason = CommentStatus.HIDDEN, "Kwetsend"
    db.session.commit()
    [item] = api.get(f"/proposals/{idea.id}/comments").get_json()["items"]
    assert (item["status"], item["body"], item["author"], item["hidden_reason"]) == (
        "hidden",
        None,
        None,
        None,
    )


def test_author_sees_their_hidden_comment_and_the_reason(
    db, api_as, resident, make_proposal, make_comment
):
    idea = make_proposal()
    comment = make_comment(idea, body="Iets lelijks")
    comment.status, comment.hidden_reason = CommentStatus.HIDDEN, "Kwetsend"
    db.session.commit()
    [item] = api_as(resident).get(f"/proposals/{idea.id}/comments").get_json()["items"]
    assert (item["body"], item["hidden_reason"]) == ("Iets lelijks", "Kwetsend")


def test_deleted_comment_with_replies_stays_as_a_placeholder(
    db, api, resident, make_resident, make_proposal, make_comment
):
    idea = make_proposal()
    top = make_comment(idea, body="Weg ermee")
    make_comment(idea, author=make_resident(), body="Reactie", parent=top)
    services.delete_comment(db.session, resident, top)
    db.session.commit()
    [item] = api.get(f"/proposals/{idea.id}/comments").get_json()["items"]
    assert (item["status"], item["body"], item["author"]) == ("deleted", None, None)
    assert [r["body"] for r in item["replies"]] == ["Reactie"]


def test_deleted_comment_without_replies_is_left_out(
    db, api, resident, make_proposal, make_comment
):
    idea = make_proposal()
    services.delete_comment(db.session, resident, make_comment(idea))
    db.session.commit()
    assert api.get(f"/proposals/{idea.id}/comments").get_json()["items"] == []


def test_deleted_reply_is_left_out(db, api, resident, make_proposal, make_comment):
    idea = make_proposal()
    top = make_comment(idea)
    services.delete_comment(db.session, resident, make_comment(idea, parent=top))
    db.session.commit()
    [item] = api.get(f"/proposals/{idea.id}/comments").get_json()["items"]
    assert item["replies"] == []


def test_list_comments_loads_a_whole_discussion_in_few_queries(
    db, resident, make_resident, make_proposal, make_comment
):
    idea = make_proposal()
    for n in range(6):
        top = make_comment(idea, author=make_resident(), body=f"Top {n}")
        make_comment(idea, author=make_resident(), body=f"Antwoord {n}", parent=top)
    db.session.commit()
    idea = db.session.get(Proposal, idea.id)
    with count_queries(db) as statements:
        threads = services.list_comments(db.session, resident, idea)
    assert len(threads) == 6 and all(len(t.replies) == 1 for t in threads)
    assert len(statements) <= 3, statements


# Editing and deleting


def test_author_edits_within_15_minutes(api_as, resident, make_proposal, make_comment):
    comment = make_comment(make_proposal())
    response = api_as(resident).patch(f"/comments/{comment.id}", json={"body": "Beter zo"})
    assert response.status_code == 200
    assert response.get_json()["body"] == "Beter zo" and response.get_json()["edited_at"]


def test_edit_after_15_minutes_is_a_409(db, api_as, resident, make_proposal, make_comment):
    comment = make_comment(make_proposal())
    age(db, comment, 16)
    body = problem(api_as(resident).patch(f"/comments/{comment.id}", json={"body": "Te laat"}), 409)
    assert "15" in body["detail"]
    assert fresh(db, Comment, comment.id).body == "Goed idee!"


def test_can_edit_turns_false_after_15_minutes(db, api_as, resident, make_proposal, make_comment):
    idea = make_proposal()
    comment = make_comment(idea)
    age(db, comment, 16)
    [item] = api_as(resident).get(f"/proposals/{idea.id}/comments").get_json()["items"]
    assert item["can_edit"] is False


def test_others_cannot_edit(api_as, make_resident, make_proposal, make_comment):
    comment = make_comment(make_proposal())
    other = api_as(make_resident())
    problem(other.patch(f"/comments/{comment.id}", json={"body": "Van mij"}), 403)


def test_others_see_can_edit_false(api_as, make_resident, make_proposal, make_comment):
    idea = make_proposal()
    make_comment(idea)
    [item] = api_as(make_resident()).get(f"/proposals/{idea.id}/comments").get_json()["items"]
    assert item["can_edit"] is False


def test_edit_to_blank_is_refused(api_as, resident, make_proposal, make_comment):
    comment = make_comment(make_proposal())
    problem(api_as(resident).patch(f"/comments/{comment.id}", json={"body": "  "}), 422)


def test_edit_of_unknown_comment_is_a_404(api_as, resident):
    problem(api_as(resident).patch("/comments/999999", json={"body": "Hoi"}), 404)


def test_visitor_cannot_edit(api, make_proposal, make_comment):
    comment = make_comment(make_proposal())
    problem(api.patch(f"/comments/{comment.id}", json={"body": "Hoi"}), 401)


def test_author_deletes_own_comment(db, api_as, resident, make_proposal, make_comment):
    comment = make_comment(make_proposal(), body="Geheim")
    assert api_as(resident).delete(f"/comments/{comment.id}").status_code == 204
    stored = fresh(db, Comment, comment.id)
    assert (stored.status, stored.body) == (CommentStatus.DELETED, "")


def test_others_cannot_delete(api_as, make_resident, make_proposal, make_comment):
    comment = make_comment(make_proposal())
    problem(api_as(make_resident()).delete(f"/comments/{comment.id}"), 403)


def test_deleted_comment_cannot_be_edited(db, api_as, resident, make_proposal, make_comment):
    comment = make_comment(make_proposal())
    client = api_as(resident)
    client.delete(f"/comments/{comment.id}")
    problem(client.patch(f"/comments/{comment.id}", json={"body": "Terug"}), 409)


# The counter and the signal


def test_comment_count_follows_posts_and_deletes(db, api_as, resident, make_proposal):
    idea = make_proposal()
    client = api_as(resident)
    ids = [_post(client, idea, f"Nummer {n}").get_json()["id"] for n in range(3)]
    assert fresh(db, Proposal, idea.id).comment_count == 3
    client.delete(f"/comments/{ids[0]}")
    client.delete(f"/comments/{ids[0]}")  # twice: counted once
    assert fresh(db, Proposal, idea.id).comment_count == 2


def test_replies_count_as_comments(db, api_as, resident, make_proposal, make_comment):
    idea = make_proposal()
    _post(api_as(resident), idea, parent=make_comment(idea).id)
    assert fresh(db, Proposal, idea.id).comment_count == 2


def test_comment_posted_is_sent_after_commit_with_ids(api_as, resident, make_proposal):
    idea = make_proposal()
    with received(comment_posted) as payloads:
        comment_id = _post(api_as(resident), idea).get_json()["id"]
    assert payloads == [
        {
            "comment_id": comment_id,
            "proposal_id": idea.id,
            "parent_id": None,
            "author_id": resident.id,
        }
    ]


def test_refused_comment_sends_nothing(api_as, resident, make_proposal):
    idea = make_proposal()
    with received(comment_posted) as payloads:
        _post(api_as(resident), idea, parent=999999)
    assert payloads == []
