"""Visitors' idea lists come from a cache that every relevant commit empties at once."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import update

from app.core.cache import _bump_shared, _shared_generation
from app.proposals.api.proposals import visitor_lists
from app.proposals.models import Proposal
from tests.proposals.test_query_counts import counted

LIST = "/proposals?neighbourhood=korte-akkeren&sort=popular"


def test_a_repeated_visitor_list_needs_no_sql(api, db, make_proposal):
    make_proposal()
    first = api.get(LIST).get_json()
    with counted(db.engine) as statements:
        again = api.get(LIST).get_json()
    assert again == first and statements == []


def test_a_new_idea_shows_at_once(api, make_proposal):
    make_proposal(title="Eerste idee voor de buurt")
    assert len(api.get(LIST).get_json()["items"]) == 1
    make_proposal(title="Tweede idee voor de buurt")
    assert len(api.get(LIST).get_json()["items"]) == 2


def test_a_core_update_empties_the_cache(api, db, make_proposal):
    idea = make_proposal()
    assert api.get(LIST).get_json()["items"][0]["vote_count"] == 0
    db.session.execute(update(Proposal).where(Proposal.id == idea.id).values(vote_count=7))
    db.session.commit()
    assert api.get(LIST).get_json()["items"][0]["vote_count"] == 7


def test_a_rollback_keeps_the_cache(api, db, make_proposal):
    idea = make_proposal()
    api.get(LIST)
    db.session.execute(update(Proposal).where(Proposal.id == idea.id).values(vote_count=7))
    db.session.rollback()
    with counted(db.engine) as statements:
        assert api.get(LIST).get_json()["items"][0]["vote_count"] == 0
    assert statements == []


def test_another_process_empties_the_cache_through_the_marker(app, api, db, make_proposal):
    idea = make_proposal()
    api.get(LIST)
    # What a commit in another worker does: change the data, then bump the shared marker.
    with db.engine.begin() as connection:
        connection.execute(update(Proposal).where(Proposal.id == idea.id).values(vote_count=3))
    store = app.extensions["leefbaar_visitor_cache"][visitor_lists.name]
    _bump_shared(visitor_lists.name, store.marker)
    assert os.path.exists(store.marker)
    assert api.get(LIST).get_json()["items"][0]["vote_count"] == 3


def test_logged_in_people_never_get_the_visitors_page(api_as, resident, make_proposal, db):
    make_proposal()
    client = api_as(resident)
    client.get(LIST)
    with counted(db.engine) as statements:
        client.get(LIST)
    assert statements  # their own query, with their own votes


def test_errors_are_not_kept(api, make_proposal):
    make_proposal()
    dutch = api.get("/proposals?sort=random", headers={"Accept-Language": "nl"})
    english = api.get("/proposals?sort=random", headers={"Accept-Language": "en"})
    assert dutch.status_code == english.status_code == 422
    assert dutch.get_json()["detail"] != english.get_json()["detail"]


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="needs TEST_REDIS_URL")
def test_with_redis_the_generation_lives_in_redis(make_app, db, make_proposal):
    idea_id = make_proposal().id
    db.session.commit()
    redis_app = make_app(REDIS_URL=os.environ["TEST_REDIS_URL"])
    client = redis_app.test_client()
    with redis_app.app_context():
        assert client.get(f"/api/v1{LIST}").get_json()["items"][0]["vote_count"] == 0
        before = _shared_generation(visitor_lists.name, "unused")
        db.session.execute(update(Proposal).where(Proposal.id == idea_id).values(vote_count=4))
        db.session.commit()
        assert _shared_generation(visitor_lists.name, "unused") != before
        assert client.get(f"/api/v1{LIST}").get_json()["items"][0]["vote_count"] == 4
