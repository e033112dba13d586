"""Flags: residents report ideas and comments; three open reports hide an item, exactly once."""

from functools import partial

from app.core.signals import content_hidden, proposal_status_changed
from app.proposals.models import Comment, CommentStatus, Flag, Proposal, Status
from app.proposals.services import moderation_queue
from tests.conftest import problem
from tests.live import Browser, race
from tests.proposals import discussion_helpers as helpers
from tests.proposals.discussion_helpers import count_rows, fresh, log_entries, open_flags, received

make_comment = helpers.make_comment
flaggers = helpers.flaggers


def _flag_idea(client, idea, reason="spam"):
    return client.post(f"/proposals/{idea.id}/flag", json={"reason": reason})


def _flag_comment(client, comment, reason="offensive"):
    return client.post(f"/comments/{comment.id}/flag", json={"reason": reason})


# One flag


def test_first_flag_is_created(api_as, make_resident, make_proposal):
    idea = make_proposal()
    response = _flag_idea(api_as(make_resident()), idea, "privacy")
    assert response.status_code == 201
    body = response.get_json()
    assert (body["kind"], body["proposal"], body["comment"], body["reason"]) == (
        "proposal",
        idea.id,
        None,
        "privacy",
    )


def test_flagging_again_returns_the_same_flag(api_as, make_resident, make_proposal):
    idea = make_proposal()
    client = api_as(make_resident())
    first = _flag_idea(client, idea, "spam").get_json()
    again = _flag_idea(client, idea, "offensive")
    assert again.status_code == 200
    assert again.get_json() == first


def test_comment_flag_is_created(api_as, make_resident, make_proposal, make_comment):
    comment = make_comment(make_proposal())
    body = _flag_comment(api_as(make_resident()), comment).get_json()
    assert (body["kind"], body["comment"], body["reason"]) == ("comment", comment.id, "offensive")


def test_unknown_reason_is_refused(api_as, make_resident, make_proposal):
    body = problem(_flag_idea(api_as(make_resident()), make_proposal(), "boring"), 422)
    assert "reason" in body["errors"]


def test_missing_reason_is_refused(api_as, make_resident, make_proposal):
    idea = make_proposal()
    problem(api_as(make_resident()).post(f"/proposals/{idea.id}/flag", json={}), 422)


def test_flagging_ones_own_idea_is_refused(api_as, resident, make_proposal):
    problem(_flag_idea(api_as(resident), make_proposal()), 422)


def test_flagging_ones_own_comment_is_refused(api_as, resident, make_proposal, make_comment):
    problem(_flag_comment(api_as(resident), make_comment(make_proposal())), 422)


def test_visitor_cannot_flag(api, make_proposal):
    problem(_flag_idea(api, make_proposal()), 401)


def test_unverified_resident_cannot_flag(api_as, make_user, make_proposal):
    problem(_flag_idea(api_as(make_user("resident")), make_proposal()), 403)


def test_staff_cannot_flag(api_as, staff, make_proposal):
    problem(_flag_idea(api_as(staff), make_proposal()), 403)


def test_flagging_an_unknown_idea_is_a_404(api_as, make_resident):
    problem(api_as(make_resident()).post("/proposals/999999/flag", json={"reason": "spam"}), 404)


def test_flagging_an_unknown_comment_is_a_404(api_as, make_resident):
    problem(api_as(make_resident()).post("/comments/999999/flag", json={"reason": "spam"}), 404)


def test_flagging_an_idea_that_is_not_public_is_a_404(api_as, make_resident, make_proposal):
    idea = make_proposal(status=Status.SUBMITTED)
    problem(_flag_idea(api_as(make_resident()), idea), 404)


def test_flagging_a_hidden_comment_is_a_409(db, api_as, make_resident, make_proposal, make_comment):
    comment = make_comment(make_proposal())
    comment.status = CommentStatus.HIDDEN
    db.session.commit()
    problem(_flag_comment(api_as(make_resident()), comment), 409)


# Three flags


def test_three_flags_hide_an_idea(db, api_as, flaggers, make_proposal):
    idea = make_proposal()
    for resident in flaggers:
        assert _flag_idea(api_as(resident), idea).status_code == 201
    stored = fresh(db, Proposal, idea.id)
    assert (stored.status, stored.status_before_hidden) == (Status.HIDDEN, Status.PUBLISHED)
    assert stored.decision_reason


def test_two_flags_do_not_hide_an_idea(db, api_as, flaggers, make_proposal):
    idea = make_proposal()
    for resident in flaggers[:2]:
        _flag_idea(api_as(resident), idea)
    assert fresh(db, Proposal, idea.id).status == Status.PUBLISHED


def test_idea_hidden_by_flags_is_gone_for_visitors(api, api_as, flaggers, make_proposal):
    idea = make_proposal()
    for resident in flaggers:
        _flag_idea(api_as(resident), idea)
    problem(api.get(f"/proposals/{idea.id}"), 404)


def test_author_sees_why_the_idea_was_hidden(db, api_as, resident, flaggers, make_proposal):
    idea = make_proposal()
    for flagger in flaggers:
        _flag_idea(api_as(flagger), idea)
    body = api_as(resident).get(f"/proposals/{idea.id}").get_json()
    assert body["status"] == "hidden"
    assert body["decision_reason"] == fresh(db, Proposal, idea.id).decision_reason != ""


def test_hiding_reason_is_written_in_the_authors_language(
    db, api_as, make_resident, flaggers, make_proposal
):
    author = make_resident(language="en")
    idea = make_proposal(author=author)
    for flagger in flaggers:
        _flag_idea(api_as(flagger), idea)
    assert fresh(db, Proposal, idea.id).decision_reason.startswith("Several residents")


def test_three_flags_hide_a_comment(db, api, api_as, flaggers, make_proposal, make_comment):
    idea = make_proposal()
    comment = make_comment(idea, body="Vervelend")
    for resident in flaggers:
        _flag_comment(api_as(resident), comment)
    stored = fresh(db, Comment, comment.id)
    assert stored.status == CommentStatus.HIDDEN and stored.hidden_reason
    [item] = api.get(f"/proposals/{idea.id}/comments").get_json()["items"]
    assert (item["status"], item["body"]) == ("hidden", None)


def test_comment_hidden_by_flags_no_longer_counts(
    db, api_as, flaggers, make_proposal, make_comment
):
    idea = make_proposal()
    comment = make_comment(idea)
    make_comment(idea)
    for resident in flaggers:
        _flag_comment(api_as(resident), comment)
    assert fresh(db, Proposal, idea.id).comment_count == 1


def test_the_same_resident_flagging_twice_counts_once(db, api_as, flaggers, make_proposal):
    idea = make_proposal()
    twice = api_as(flaggers[0])
    _flag_idea(twice, idea)
    _flag_idea(twice, idea)
    _flag_idea(api_as(flaggers[1]), idea)
    assert fresh(db, Proposal, idea.id).status == Status.PUBLISHED
    assert count_rows(db, Flag, Flag.proposal_id == idea.id) == 2


def test_hiding_by_flags_is_logged_without_a_moderator(db, api_as, flaggers, make_proposal):
    idea = make_proposal()
    for resident in flaggers:
        _flag_idea(api_as(resident), idea)
    [entry] = log_entries(db, proposal_id=idea.id)
    assert (entry.decision, entry.moderator_id) == ("auto_hide", None)


def test_hiding_by_flags_tells_listeners_after_commit(api_as, flaggers, make_proposal):
    idea = make_proposal()
    with received(content_hidden) as hidden, received(proposal_status_changed) as changed:
        for resident in flaggers:
            _flag_idea(api_as(resident), idea)
    assert [(h["kind"], h["item_id"], h["moderator_id"]) for h in hidden] == [
        ("proposal", idea.id, None)
    ]
    assert [(c["old"], c["new"]) for c in changed] == [("published", "hidden")]


def test_a_fourth_flag_on_a_hidden_comment_is_refused(
    api_as, make_resident, flaggers, make_proposal, make_comment
):
    comment = make_comment(make_proposal())
    for resident in flaggers:
        _flag_comment(api_as(resident), comment)
    problem(_flag_comment(api_as(make_resident()), comment), 409)


def test_flags_of_an_item_stay_open_until_staff_decide(db, api_as, flaggers, make_proposal):
    idea = make_proposal()
    for resident in flaggers:
        _flag_idea(api_as(resident), idea)
    assert open_flags(db, proposal_id=idea.id) == 3


# The idea page's report forms


def _page_token(client, login, user) -> str:
    login(user)
    return client.get("/api/v1/auth/csrf").get_json()["csrf_token"]


def test_report_form_flags_a_comment(db, client, login, make_resident, make_proposal, make_comment):
    comment = make_comment(make_proposal())
    token = _page_token(client, login, make_resident())
    response = client.post(
        f"/reacties/{comment.id}/melden", data={"csrf_token": token, "reason": "spam"}
    )
    assert response.status_code == 302 and response.location.endswith(f"#reactie-{comment.id}")
    assert open_flags(db, comment_id=comment.id) == 1


def test_report_form_flags_an_idea(db, client, login, make_resident, make_proposal):
    idea = make_proposal()
    token = _page_token(client, login, make_resident())
    response = client.post(
        f"/ideeen/{idea.id}/melden", data={"csrf_token": token, "reason": "off_topic"}
    )
    assert response.status_code == 302
    assert response.location.endswith(f"/ideeen/{idea.id}#reacties")
    assert open_flags(db, proposal_id=idea.id) == 1


def test_report_form_with_an_unknown_reason_flags_nothing(
    db, client, login, make_resident, make_proposal
):
    idea = make_proposal()
    token = _page_token(client, login, make_resident())
    client.post(f"/ideeen/{idea.id}/melden", data={"csrf_token": token, "reason": "saai"})
    assert open_flags(db, proposal_id=idea.id) == 0


# At the same moment, through a real server


def _devices(live_url, db, users) -> list[Browser]:
    emails = [user.email for user in users]
    db.session.commit()  # the test holds no transaction while the server works
    browsers = [Browser(live_url) for _ in emails]
    for browser, email in zip(browsers, emails, strict=True):
        browser.login(email)
    return browsers


def test_simultaneous_flags_hide_an_idea_exactly_once(
    live_url, db, staff, make_resident, make_proposal
):
    idea = make_proposal()
    browsers = _devices(live_url, db, [make_resident() for _ in range(5)])
    with received(content_hidden) as hidden:
        statuses = race(
            *(partial(b.call, "POST", f"/api/v1/proposals/{idea.id}/flag", {"reason": "spam"})
              for b in browsers)
        )  # fmt: skip
    # The first three count; for the others the idea is already hidden (gone for them).
    assert sorted(statuses) == [201, 201, 201, 404, 404], statuses
    assert fresh(db, Proposal, idea.id).status == Status.HIDDEN
    assert len(hidden) == 1 and len(log_entries(db, proposal_id=idea.id)) == 1
    queue = moderation_queue.moderation_queue(db.session, staff, None, 100)["items"]
    assert [(item.kind, item.id, item.flags) for item in queue] == [
        ("proposal", idea.id, {"spam": 3})
    ]


def test_simultaneous_flags_hide_a_comment_exactly_once(
    live_url, db, staff, make_resident, make_proposal, make_comment
):
    idea = make_proposal()
    comment = make_comment(idea)
    browsers = _devices(live_url, db, [make_resident() for _ in range(4)])
    path = f"/api/v1/comments/{comment.id}/flag"
    statuses = race(*(partial(b.call, "POST", path, {"reason": "offensive"}) for b in browsers))
    assert sorted(statuses) == [201, 201, 201, 409], statuses
    assert fresh(db, Comment, comment.id).status == CommentStatus.HIDDEN
    assert fresh(db, Proposal, idea.id).comment_count == 0
    assert len(log_entries(db, comment_id=comment.id)) == 1
    queue = moderation_queue.moderation_queue(db.session, staff, None, 100)["items"]
    assert [(item.kind, item.id) for item in queue] == [("comment", comment.id)]


def test_one_resident_flagging_many_times_at_once_counts_once(
    live_url, db, make_resident, make_proposal
):
    idea = make_proposal()
    resident = make_resident()
    [device] = _devices(live_url, db, [resident])
    path = f"/api/v1/proposals/{idea.id}/flag"
    statuses = race(*(partial(device.call, "POST", path, {"reason": "spam"}) for _ in range(4)))
    assert sorted(statuses) == [200, 200, 200, 201], statuses
    assert count_rows(db, Flag, Flag.proposal_id == idea.id) == 1
    assert fresh(db, Proposal, idea.id).status == Status.PUBLISHED
