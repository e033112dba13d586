"""Moderation API: the queue, decisions on ideas and comments, and the log."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from app.core.db import commit, utcnow
from app.proposals.models import Comment, CommentStatus, Flag, Proposal, Status
from tests.conftest import problem
from tests.proposals import discussion_helpers as helpers
from tests.proposals.discussion_helpers import decide, fresh, log_entries, open_flags

make_comment = helpers.make_comment
flaggers = helpers.flaggers


def _flag_all(api_as, flaggers, idea=None, comment=None, reason="spam"):
    path = f"/comments/{comment.id}/flag" if comment else f"/proposals/{idea.id}/flag"
    for resident in flaggers:
        assert api_as(resident).post(path, json={"reason": reason}).status_code == 201


# The queue


def test_queue_lists_submitted_ideas_oldest_first(db, staff_api, make_proposal):
    first, second = make_proposal(status=Status.SUBMITTED), make_proposal(status=Status.SUBMITTED)
    db.session.execute(
        update(Proposal)
        .where(Proposal.id == second.id)
        .values(submitted_at=utcnow() - timedelta(days=2))
    )
    commit(db.session)
    items = staff_api.get("/moderation/queue").get_json()["items"]
    assert [(i["kind"], i["id"], i["why"]) for i in items] == [
        ("proposal", second.id, "submitted"),
        ("proposal", first.id, "submitted"),
    ]


def test_queue_item_has_the_documented_fields(staff_api, make_proposal):
    idea = make_proposal(status=Status.SUBMITTED)
    [item] = staff_api.get("/moderation/queue").get_json()["items"]
    assert item == {
        "kind": "proposal",
        "id": idea.id,
        "proposal": idea.id,
        "title": idea.title,
        "excerpt": idea.body,
        "why": "submitted",
        "status": "submitted",
        "flags": {},
        "since": item["since"],
    }


def test_queue_counts_open_flags_per_reason(api_as, staff_api, flaggers, make_proposal):
    idea = make_proposal()
    api_as(flaggers[0]).post(f"/proposals/{idea.id}/flag", json={"reason": "spam"})
    api_as(flaggers[1]).post(f"/proposals/{idea.id}/flag", json={"reason": "privacy"})
    [item] = staff_api.get("/moderation/queue").get_json()["items"]
    assert (item["why"], item["flags"]) == ("flagged", {"spam": 1, "privacy": 1})


def test_queue_lists_flagged_comments_with_an_excerpt(
    api_as, staff_api, make_resident, make_proposal, make_comment
):
    idea = make_proposal()
    comment = make_comment(idea, body="Lang verhaal " * 40)
    api_as(make_resident()).post(f"/comments/{comment.id}/flag", json={"reason": "off_topic"})
    [item] = staff_api.get("/moderation/queue").get_json()["items"]
    assert (item["kind"], item["id"], item["proposal"], item["title"]) == (
        "comment",
        comment.id,
        idea.id,
        idea.title,
    )
    assert len(item["excerpt"]) <= 200 and item["excerpt"].endswith("…")


def test_queue_is_paginated(staff_api, make_proposal, make_resident, make_comment, api_as):
    made = [("proposal", make_proposal(status=Status.SUBMITTED).id) for _ in range(3)]
    comment = make_comment(make_proposal())
    api_as(make_resident()).post(f"/comments/{comment.id}/flag", json={"reason": "spam"})
    made.append(("comment", comment.id))
    seen, cursor = [], None
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        body = staff_api.get("/moderation/queue", query_string=query).get_json()
        seen += [(i["kind"], i["id"]) for i in body["items"]]
        if not (cursor := body["next_cursor"]):
            break
    assert seen == made


def test_queue_leaves_out_other_neighbourhoods(api_as, outsider, make_proposal):
    make_proposal(status=Status.SUBMITTED)
    assert api_as(outsider).get("/moderation/queue").get_json()["items"] == []


def test_queue_refuses_residents(api_as, resident):
    problem(api_as(resident).get("/moderation/queue"), 403)


def test_queue_refuses_visitors(api):
    problem(api.get("/moderation/queue"), 401)


# Decisions on ideas


def test_staff_publish_a_submitted_idea(db, staff_api, make_proposal):
    idea = make_proposal(status=Status.SUBMITTED)
    response = decide(staff_api, "proposals", idea.id, "publish")
    assert response.status_code == 200 and response.get_json()["status"] == "published"
    stored = fresh(db, Proposal, idea.id)
    assert stored.status == Status.PUBLISHED and stored.published_at is not None


def test_decision_answers_with_the_log_entry(staff, staff_api, make_proposal):
    idea = make_proposal(status=Status.SUBMITTED)
    body = decide(
        staff_api, "proposals", idea.id, "reject", "Dit hoort bij de gemeente."
    ).get_json()
    assert {k: body[k] for k in ("moderator", "decision", "reason", "kind", "proposal")} == {
        "moderator": staff.display_name,
        "decision": "reject",
        "reason": "Dit hoort bij de gemeente.",
        "kind": "proposal",
        "proposal": idea.id,
    }


def test_reject_needs_a_reason(db, staff_api, make_proposal):
    idea = make_proposal(status=Status.SUBMITTED)
    assert "reason" in problem(decide(staff_api, "proposals", idea.id, "reject"), 422)["errors"]
    assert fresh(db, Proposal, idea.id).status == Status.SUBMITTED


def test_author_sees_why_the_idea_was_rejected(api_as, resident, staff_api, make_proposal):
    idea = make_proposal(status=Status.SUBMITTED)
    decide(staff_api, "proposals", idea.id, "reject", "Dit regelt de gemeente.")
    body = api_as(resident).get(f"/proposals/{idea.id}").get_json()
    assert (body["status"], body["decision_reason"]) == ("rejected", "Dit regelt de gemeente.")


def test_hide_needs_a_reason(staff_api, make_proposal):
    idea = make_proposal()
    problem(decide(staff_api, "proposals", idea.id, "hide", "   "), 422)


def test_hiding_an_idea_remembers_its_status(db, staff_api, make_proposal):
    idea = make_proposal(status=Status.SELECTED)
    decide(staff_api, "proposals", idea.id, "hide", "Persoonsgegevens")
    stored = fresh(db, Proposal, idea.id)
    assert (stored.status, stored.status_before_hidden, stored.decision_reason) == (
        Status.HIDDEN,
        Status.SELECTED,
        "Persoonsgegevens",
    )


def test_restore_returns_an_idea_to_its_status_and_settles_flags(
    db, api_as, staff_api, flaggers, make_proposal
):
    idea = make_proposal()
    _flag_all(api_as, flaggers, idea=idea)
    response = decide(staff_api, "proposals", idea.id, "restore")
    assert response.get_json()["status"] == "published"
    stored = fresh(db, Proposal, idea.id)
    assert (stored.status, stored.status_before_hidden) == (Status.PUBLISHED, None)
    assert open_flags(db, proposal_id=idea.id) == 0


def test_restoring_an_idea_that_is_not_hidden_is_a_409(staff_api, make_proposal):
    problem(decide(staff_api, "proposals", make_proposal().id, "restore"), 409)


def test_publishing_a_published_idea_is_a_409(staff_api, make_proposal):
    problem(decide(staff_api, "proposals", make_proposal().id, "publish"), 409)


def test_rejecting_a_published_idea_is_a_409(staff_api, make_proposal):
    problem(decide(staff_api, "proposals", make_proposal().id, "reject", "Te laat"), 409)


def test_hiding_an_idea_hidden_by_flags_keeps_it_hidden_with_the_new_reason(
    db, api_as, staff_api, flaggers, make_proposal
):
    idea = make_proposal()
    _flag_all(api_as, flaggers, idea=idea)
    decide(staff_api, "proposals", idea.id, "hide", "Reclame")
    stored = fresh(db, Proposal, idea.id)
    assert (stored.status, stored.status_before_hidden, stored.decision_reason) == (
        Status.HIDDEN,
        Status.PUBLISHED,
        "Reclame",
    )
    assert open_flags(db, proposal_id=idea.id) == 0


def test_dismissing_flags_restores_an_idea_hidden_by_them(
    db, api_as, staff_api, flaggers, make_proposal
):
    idea = make_proposal()
    _flag_all(api_as, flaggers, idea=idea)
    decide(staff_api, "proposals", idea.id, "dismiss_flags", "Niets aan de hand")
    assert fresh(db, Proposal, idea.id).status == Status.PUBLISHED
    assert staff_api.get("/moderation/queue").get_json()["items"] == []


def test_dismissing_flags_of_a_visible_idea_leaves_it_visible(
    db, api_as, staff_api, flaggers, make_proposal
):
    idea = make_proposal()
    api_as(flaggers[0]).post(f"/proposals/{idea.id}/flag", json={"reason": "spam"})
    decide(staff_api, "proposals", idea.id, "dismiss_flags")
    assert fresh(db, Proposal, idea.id).status == Status.PUBLISHED
    assert open_flags(db, proposal_id=idea.id) == 0


def test_dismissing_without_open_flags_is_a_409(staff_api, make_proposal):
    problem(decide(staff_api, "proposals", make_proposal().id, "dismiss_flags"), 409)


def test_unknown_decision_is_refused(staff_api, make_proposal):
    body = problem(decide(staff_api, "proposals", make_proposal().id, "delete"), 422)
    assert "decision" in body["errors"]


def test_decision_on_an_unknown_idea_is_a_404(staff_api):
    problem(decide(staff_api, "proposals", 999999, "publish"), 404)


def test_decision_on_a_draft_is_a_404(staff_api, make_proposal):
    problem(decide(staff_api, "proposals", make_proposal(status=Status.DRAFT).id, "publish"), 404)


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.PUBLISHED])
def test_staff_of_another_neighbourhood_cannot_decide_on_ideas(
    db, api_as, outsider, make_proposal, status
):
    idea = make_proposal(status=status)
    problem(decide(api_as(outsider), "proposals", idea.id, "hide", "Weg"), 403)
    assert fresh(db, Proposal, idea.id).status == status


def test_residents_cannotdecide(api_as, resident, make_proposal):
    idea = make_proposal(status=Status.SUBMITTED)
    problem(decide(api_as(resident), "proposals", idea.id, "publish"), 403)


def test_visitors_cannotdecide(api, make_proposal):
    problem(decide(api, "proposals", make_proposal(status=Status.SUBMITTED).id, "publish"), 401)


# Decisions on comments


def test_hiding_a_comment_shows_the_author_the_reason(
    db, api_as, resident, staff_api, make_proposal, make_comment
):
    idea = make_proposal()
    comment = make_comment(idea)
    assert decide(staff_api, "comments", comment.id, "hide", "Kwetsend").status_code == 200
    [item] = api_as(resident).get(f"/proposals/{idea.id}/comments").get_json()["items"]
    assert (item["status"], item["hidden_reason"]) == ("hidden", "Kwetsend")


def test_comment_count_follows_hide_and_restore(db, staff_api, make_proposal, make_comment):
    idea = make_proposal()
    comment = make_comment(idea)
    make_comment(idea)
    decide(staff_api, "comments", comment.id, "hide", "Kwetsend")
    assert fresh(db, Proposal, idea.id).comment_count == 1
    decide(staff_api, "comments", comment.id, "restore")
    assert fresh(db, Proposal, idea.id).comment_count == 2
    assert fresh(db, Comment, comment.id).hidden_reason == ""


def test_hiding_a_hidden_comment_does_not_count_twice(db, staff_api, make_proposal, make_comment):
    idea = make_proposal()
    comment = make_comment(idea)
    decide(staff_api, "comments", comment.id, "hide", "Kwetsend")
    decide(staff_api, "comments", comment.id, "hide", "Toch kwetsend")
    assert fresh(db, Proposal, idea.id).comment_count == 0


def test_dismissing_flags_restores_a_comment_hidden_by_them(
    db, api_as, staff_api, flaggers, make_proposal, make_comment
):
    idea = make_proposal()
    comment = make_comment(idea)
    _flag_all(api_as, flaggers, comment=comment)
    decide(staff_api, "comments", comment.id, "dismiss_flags")
    assert fresh(db, Comment, comment.id).status == CommentStatus.VISIBLE
    assert fresh(db, Proposal, idea.id).comment_count == 1
    assert open_flags(db, comment_id=comment.id) == 0


def test_publish_is_not_a_decision_on_comments(staff_api, make_proposal, make_comment):
    comment = make_comment(make_proposal())
    body = problem(decide(staff_api, "comments", comment.id, "publish"), 422)
    assert "decision" in body["errors"]


def test_restoring_a_visible_comment_is_a_409(staff_api, make_proposal, make_comment):
    problem(decide(staff_api, "comments", make_comment(make_proposal()).id, "restore"), 409)


def test_deciding_on_a_deleted_comment_is_a_409(
    db, api_as, resident, staff_api, make_proposal, make_comment
):
    comment = make_comment(make_proposal())
    api_as(resident).delete(f"/comments/{comment.id}")
    problem(decide(staff_api, "comments", comment.id, "hide", "Weg"), 409)


def test_decision_on_an_unknown_comment_is_a_404(staff_api):
    problem(decide(staff_api, "comments", 999999, "hide", "Weg"), 404)


def test_staff_of_another_neighbourhood_cannot_decide_on_comments(
    db, api_as, outsider, make_proposal, make_comment
):
    comment = make_comment(make_proposal())
    problem(decide(api_as(outsider), "comments", comment.id, "hide", "Weg"), 403)
    assert fresh(db, Comment, comment.id).status == CommentStatus.VISIBLE


def test_staff_assigned_to_the_neighbourhood_candecide(
    api_as, make_user, assign, wijk, make_proposal
):
    local = make_user("staff")
    assign(local, wijk)
    idea = make_proposal(status=Status.SUBMITTED)
    assert decide(api_as(local), "proposals", idea.id, "publish").status_code == 200


# The log


def test_every_decision_is_logged(db, staff, staff_api, make_proposal, make_comment):
    idea = make_proposal(status=Status.SUBMITTED)
    decide(staff_api, "proposals", idea.id, "publish", "Mooi plan")
    comment = make_comment(fresh(db, Proposal, idea.id))
    decide(staff_api, "comments", comment.id, "hide", "Kwetsend")
    entries = log_entries(db, proposal_id=idea.id)
    assert [(e.moderator_id, e.decision, e.reason, e.comment_id) for e in entries] == [
        (staff.id, "publish", "Mooi plan", None),
        (staff.id, "hide", "Kwetsend", comment.id),
    ]


def test_refused_decisions_are_not_logged(db, staff_api, make_proposal):
    idea = make_proposal()
    decide(staff_api, "proposals", idea.id, "publish")
    assert log_entries(db, proposal_id=idea.id) == []


def test_log_lists_decisions_newest_first(staff, staff_api, make_proposal):
    first, second = make_proposal(status=Status.SUBMITTED), make_proposal(status=Status.SUBMITTED)
    decide(staff_api, "proposals", first.id, "publish")
    decide(staff_api, "proposals", second.id, "reject", "Past niet")
    items = staff_api.get("/moderation/log").get_json()["items"]
    assert [(i["proposal"], i["decision"], i["reason"], i["moderator"]) for i in items] == [
        (second.id, "reject", "Past niet", staff.display_name),
        (first.id, "publish", "", staff.display_name),
    ]
    assert items[0]["title"] == second.title and items[0]["kind"] == "proposal"


def test_log_is_paginated(staff_api, make_proposal):
    for _ in range(3):
        decide(staff_api, "proposals", make_proposal(status=Status.SUBMITTED).id, "publish")
    first = staff_api.get("/moderation/log", query_string={"limit": 2}).get_json()
    rest = staff_api.get(
        "/moderation/log", query_string={"limit": 2, "cursor": first["next_cursor"]}
    ).get_json()
    assert (len(first["items"]), len(rest["items"]), rest["next_cursor"]) == (2, 1, None)


def test_log_leaves_out_other_neighbourhoods(api_as, outsider, staff_api, make_proposal):
    decide(staff_api, "proposals", make_proposal(status=Status.SUBMITTED).id, "publish")
    assert api_as(outsider).get("/moderation/log").get_json()["items"] == []


def test_log_refuses_residents(api_as, resident):
    problem(api_as(resident).get("/moderation/log"), 403)


def test_log_refuses_visitors(api):
    problem(api.get("/moderation/log"), 401)


def test_flags_are_settled_not_deleted(db, api_as, staff_api, flaggers, make_proposal):
    idea = make_proposal()
    _flag_all(api_as, flaggers, idea=idea)
    decide(staff_api, "proposals", idea.id, "restore")
    assert helpers.count_rows(db, Flag, Flag.proposal_id == idea.id) == 3
