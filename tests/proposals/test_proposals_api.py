"""The ideas API: writing, editing, submitting, withdrawing, listing, searching, following."""

from __future__ import annotations

import pytest

from app.proposals.models import Follow, Proposal, Status
from tests.conftest import problem

NEW_IDEA = {
    "title": "Bankjes bij de speeltuin",
    "body": "Er is nergens plek om te zitten.\nTwee bankjes zouden helpen.",
    "theme": "prettig",
    "neighbourhood": "korte-akkeren",
}


@pytest.fixture
def resident_api(api_as, resident):
    return api_as(resident)


def test_a_resident_saves_an_idea_as_a_draft(resident_api, resident, wijk):
    response = resident_api.post("/proposals", json={**NEW_IDEA, "budget_cents": 45000})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "draft"
    assert body["author"] == resident.display_name
    assert body["neighbourhood"] == "korte-akkeren"
    assert body["budget_cents"] == 45000
    assert body["vote_count"] == 0 and body["comment_count"] == 0 and body["my_vote"] is None
    assert "\n" in body["body"]


def test_the_author_follows_a_new_idea(resident_api, resident, wijk, db):
    created = resident_api.post("/proposals", json=NEW_IDEA).get_json()
    assert db.session.get(Follow, (resident.id, created["id"])) is not None


def test_visitors_cannot_write_ideas(api, wijk):
    problem(api.post("/proposals", json=NEW_IDEA), 401)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "Kort"),
        ("title", "x" * 121),
        ("body", ""),
        ("body", "x" * 5001),
        ("theme", "mooi"),
        ("budget_cents", -1),
        ("budget_cents", "100"),
        ("budget_cents", 1.5),
        ("budget_cents", True),
        ("lat", 91),
        ("status", "published"),
        ("vote_count", 100),
        ("author", "Iemand anders"),
    ],
)
def test_bad_idea_fields_are_refused(resident_api, wijk, field, value):
    body = problem(resident_api.post("/proposals", json={**NEW_IDEA, field: value}), 422)
    assert field in body["errors"]


def test_a_resident_cannot_set_the_corporation_role(resident_api, wijk, make_proposal, resident):
    body = problem(
        resident_api.post("/proposals", json={**NEW_IDEA, "corporation_role": "finance"}), 422
    )
    assert "corporation_role" in body["errors"]
    draft = make_proposal(Status.DRAFT)
    body = problem(
        resident_api.patch(f"/proposals/{draft.id}", json={"corporation_role": "finance"}), 422
    )
    assert "corporation_role" in body["errors"]


@pytest.mark.parametrize("field", ["status", "vote_count", "author"])
def test_patch_cannot_set_status_votes_or_author(resident_api, make_proposal, field):
    draft = make_proposal(Status.DRAFT)
    value = {"status": "published", "vote_count": 99, "author": "X"}[field]
    body = problem(resident_api.patch(f"/proposals/{draft.id}", json={field: value}), 422)
    assert field in body["errors"]


def test_staff_set_the_corporation_role(api_as, staff, make_proposal):
    idea = make_proposal()
    response = api_as(staff).patch(f"/proposals/{idea.id}", json={"corporation_role": "facilitate"})
    assert response.status_code == 200
    assert response.get_json()["corporation_role"] == "facilitate"


def test_an_unknown_neighbourhood_is_refused(resident_api, wijk):
    problem(resident_api.post("/proposals", json={**NEW_IDEA, "neighbourhood": "nergens"}), 404)


def test_a_round_of_another_neighbourhood_is_refused(resident_api, make_round, make_neighbourhood):
    elsewhere = make_round(make_neighbourhood("Bloemendaal"))
    body = problem(resident_api.post("/proposals", json={**NEW_IDEA, "round": elsewhere.id}), 422)
    assert "round" in body["errors"]


def test_half_a_location_is_refused(resident_api, wijk):
    body = problem(resident_api.post("/proposals", json={**NEW_IDEA, "lat": 52.0}), 422)
    assert "lon" in body["errors"]


def test_the_author_edits_a_draft(resident_api, make_proposal):
    draft = make_proposal(Status.DRAFT)
    response = resident_api.patch(f"/proposals/{draft.id}", json={"title": "Drie bankjes graag"})
    assert response.status_code == 200
    assert response.get_json()["title"] == "Drie bankjes graag"


def test_someone_else_cannot_edit_an_idea(api_as, make_resident, make_proposal):
    submitted = make_proposal(Status.SUBMITTED)
    other = api_as(make_resident())
    problem(other.patch(f"/proposals/{submitted.id}", json={"title": "Van mij nu"}), 404)
    published = make_proposal()
    problem(other.patch(f"/proposals/{published.id}", json={"title": "Van mij nu"}), 403)


def test_a_published_idea_cannot_be_edited_by_its_author(resident_api, make_proposal):
    published = make_proposal()
    problem(resident_api.patch(f"/proposals/{published.id}", json={"title": "Later bedacht"}), 409)


def test_editing_a_submitted_idea_keeps_the_old_version(resident_api, make_proposal, api):
    submitted = make_proposal(Status.SUBMITTED)
    first_body = submitted.body
    resident_api.patch(f"/proposals/{submitted.id}", json={"body": "Nu met een tekening."})
    history = resident_api.get(f"/proposals/{submitted.id}/revisions").get_json()
    assert [entry["body"] for entry in history] == [first_body]


def test_submitting_sends_a_draft_for_review(resident_api, make_proposal):
    draft = make_proposal(Status.DRAFT)
    response = resident_api.post(f"/proposals/{draft.id}/submit")
    assert response.status_code == 200
    assert response.get_json()["status"] == "submitted"
    assert response.get_json()["submitted_at"]


def test_submitting_twice_is_a_conflict(resident_api, make_proposal):
    submitted = make_proposal(Status.SUBMITTED)
    body = problem(resident_api.post(f"/proposals/{submitted.id}/submit"), 409)
    assert "kan niet" in body["detail"]


def test_unverified_residents_keep_drafts_but_cannot_submit(api_as, make_user, wijk, db):
    newcomer = make_user("resident")
    client = api_as(newcomer)
    draft = client.post("/proposals", json=NEW_IDEA).get_json()
    problem(client.post(f"/proposals/{draft['id']}/submit"), 403)
    assert db.session.get(Proposal, draft["id"]).status == Status.DRAFT


def test_ideas_go_to_an_open_round_only(resident_api, make_round, make_proposal, db):
    from datetime import timedelta

    from app.core.db import utcnow

    closed = make_round(submission_closes_at=utcnow() - timedelta(hours=1))
    draft = make_proposal(Status.DRAFT)
    resident_api.patch(f"/proposals/{draft.id}", json={"round": closed.id})
    body = problem(resident_api.post(f"/proposals/{draft.id}/submit"), 422)
    assert "round" in body["errors"]


def test_budget_rounds_need_a_budget_per_idea(resident_api, make_round, make_proposal):
    budget_round = make_round(style="budget")
    draft = make_proposal(Status.DRAFT, voting_round=budget_round)
    body = problem(resident_api.post(f"/proposals/{draft.id}/submit"), 422)
    assert "budget_cents" in body["errors"]


def test_an_idea_cannot_ask_more_than_the_round_budget(resident_api, make_round, make_proposal):
    small = make_round(budget_cents=10_000)
    draft = make_proposal(Status.DRAFT, voting_round=small, budget_cents=20_000)
    problem(resident_api.post(f"/proposals/{draft.id}/submit"), 422)


def test_the_author_withdraws_a_published_idea(resident_api, make_proposal):
    published = make_proposal()
    response = resident_api.post(f"/proposals/{published.id}/withdraw")
    assert response.get_json()["status"] == "withdrawn"


def test_a_selected_idea_cannot_be_withdrawn(resident_api, make_proposal):
    selected = make_proposal(Status.SELECTED)
    problem(resident_api.post(f"/proposals/{selected.id}/withdraw"), 409)


def test_drafts_are_private_to_their_author(api, api_as, staff, make_resident, make_proposal):
    draft = make_proposal(Status.DRAFT)
    problem(api.get(f"/proposals/{draft.id}"), 404)
    problem(api_as(make_resident()).get(f"/proposals/{draft.id}"), 404)
    problem(api_as(staff).get(f"/proposals/{draft.id}"), 404)


def test_staff_see_submitted_ideas(api, api_as, staff, make_proposal):
    submitted = make_proposal(Status.SUBMITTED)
    problem(api.get(f"/proposals/{submitted.id}"), 404)
    assert api_as(staff).get(f"/proposals/{submitted.id}").status_code == 200


def test_an_unknown_idea_is_not_found(api):
    problem(api.get("/proposals/999999"), 404)
    problem(api.get("/proposals/99999999999"), 404)


def test_the_list_shows_public_ideas(api, make_proposal):
    published = make_proposal()
    make_proposal(Status.DRAFT)
    make_proposal(Status.SUBMITTED)
    items = api.get("/proposals").get_json()["items"]
    assert [item["id"] for item in items] == [published.id]


def test_mine_lists_ones_own_ideas_in_every_status(resident_api, make_proposal):
    ideas = [make_proposal(Status.DRAFT), make_proposal(Status.SUBMITTED), make_proposal()]
    items = resident_api.get("/proposals?mine=true").get_json()["items"]
    assert {item["id"] for item in items} == {idea.id for idea in ideas}


def test_the_list_filters_by_theme_neighbourhood_and_status(api, make_proposal, make_neighbourhood):
    schoon = make_proposal(theme="schoon")
    make_proposal(theme="veilig")
    ids = [item["id"] for item in api.get("/proposals?theme=schoon").get_json()["items"]]
    assert ids == [schoon.id]
    assert api.get("/proposals?neighbourhood=korte-akkeren").get_json()["items"]
    make_neighbourhood("Bloemendaal")
    assert api.get("/proposals?neighbourhood=bloemendaal").get_json()["items"] == []
    problem(api.get("/proposals?neighbourhood=nergens"), 422)
    assert api.get("/proposals?status=draft").get_json()["items"] == []


def test_the_list_sorts_by_new_and_popular(api, make_proposal, db):
    first, second = make_proposal(), make_proposal()
    first.vote_count = 5
    db.session.commit()
    new = [item["id"] for item in api.get("/proposals?sort=new").get_json()["items"]]
    popular = [item["id"] for item in api.get("/proposals?sort=popular").get_json()["items"]]
    assert new == [second.id, first.id]
    assert popular == [first.id, second.id]


def test_the_list_pages_with_a_cursor(api, make_proposal, db):
    ideas = [make_proposal() for _ in range(5)]
    for index, idea in enumerate(ideas):
        idea.vote_count = index % 2  # ties are broken by id
    db.session.commit()
    seen, cursor = [], None
    while True:
        query = "/proposals?sort=popular&limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = api.get(query).get_json()
        seen += [item["id"] for item in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert sorted(seen) == sorted(idea.id for idea in ideas) and len(seen) == 5


def test_a_forged_cursor_is_refused(api):
    problem(api.get("/proposals?cursor=abc"), 422)


@pytest.mark.parametrize(
    ("query", "found"),
    [("speeltuin", True), ("SPEELTUIN bankjes", True), ("zwembad", False), ("bankje", True)],
)
def test_full_text_search(api, make_proposal, query, found):
    make_proposal()
    make_proposal(title="Meer vuilnisbakken", body="Er ligt veel afval op straat.")
    items = api.get(f"/proposals?q={query}").get_json()["items"]
    titles = [item["title"] for item in items]
    assert ("Bankjes bij de speeltuin" in titles) is found
    assert "Meer vuilnisbakken" not in titles


def test_search_ignores_query_syntax(api, make_proposal):
    make_proposal()
    for query in ['"', "NEAR(", "*", "speeltuin OR", "a:*", "!&|"]:
        assert api.get("/proposals", query_string={"q": query}).status_code == 200


def test_search_sees_edits(resident_api, make_proposal):
    draft = make_proposal(Status.DRAFT)
    resident_api.patch(f"/proposals/{draft.id}", json={"body": "Een jeu-de-boulesbaan erbij."})
    items = resident_api.get("/proposals?mine=true&q=boulesbaan").get_json()["items"]
    assert [item["id"] for item in items] == [draft.id]


def test_follow_and_unfollow(api_as, make_resident, make_proposal, db):
    idea = make_proposal()
    neighbour = make_resident()
    client = api_as(neighbour)
    assert client.put(f"/proposals/{idea.id}/follow").status_code == 204
    assert client.put(f"/proposals/{idea.id}/follow").status_code == 204
    assert db.session.get(Follow, (neighbour.id, idea.id)) is not None
    assert client.delete(f"/proposals/{idea.id}/follow").status_code == 204
    db.session.commit()
    assert db.session.get(Follow, (neighbour.id, idea.id)) is None


def test_nobody_follows_what_they_cannot_see(api_as, make_resident, make_proposal):
    draft = make_proposal(Status.DRAFT)
    problem(api_as(make_resident()).put(f"/proposals/{draft.id}/follow"), 404)


def test_submitting_tells_listeners_after_commit(resident_api, make_proposal, resident):
    from app.core.signals import proposal_status_changed
    from tests.proposals.discussion_helpers import received

    draft = make_proposal(Status.DRAFT)
    with received(proposal_status_changed) as changes:
        resident_api.post(f"/proposals/{draft.id}/submit")
        resident_api.post(f"/proposals/{draft.id}/submit")  # refused: nothing to tell
    assert changes == [
        {"proposal_id": draft.id, "old": "draft", "new": "submitted", "actor_id": resident.id}
    ]
