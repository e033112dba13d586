"""Who may call which proposals endpoint: one row per endpoint, one column per role."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.db import commit, utcnow
from app.proposals.models import Status
from app.proposals.services import comments
from tests.conftest import matrix_mismatches

ROLES = ("visitor", "newcomer", "neighbour", "author", "outsider", "other_staff", "staff", "admin")
NEW_ROUND = {
    "neighbourhood": "korte-akkeren",
    "title": "Nieuwe ronde",
    "budget_cents": 100,
    "submission_opens_at": "2030-01-01T00:00:00Z",
    "submission_closes_at": "2030-02-01T00:00:00Z",
    "voting_opens_at": "2030-02-01T00:00:00Z",
    "voting_closes_at": "2030-03-01T00:00:00Z",
}
IDEA = {
    "title": "Een nieuw idee",
    "body": "Tekst",
    "theme": "samen",
    "neighbourhood": "korte-akkeren",
}

# (method, path template, body, {role: status}); {p}: published idea, {s}: submitted idea,
# {c}: comment by the author, {r}: round. Roles left out of a row expect the row's default.
MATRIX = [
    ("GET", "/proposals", None, {"*": 200}),
    ("POST", "/proposals", IDEA, {"*": 201, "visitor": 401}),
    ("GET", "/proposals/{p}", None, {"*": 200}),
    ("GET", "/proposals/{s}", None, {"*": 404, "author": 200, "staff": 200, "admin": 200}),
    (
        "PATCH",
        "/proposals/{s}",
        {"title": "Een betere titel"},
        {"*": 404, "visitor": 401, "author": 200, "staff": 403, "admin": 403},
    ),
    (
        "POST",
        "/proposals/{s}/withdraw",
        None,
        {"*": 404, "visitor": 401, "author": 200, "staff": 403, "admin": 403},
    ),
    (
        "PUT",
        "/proposals/{p}/vote",
        None,
        {"*": 403, "visitor": 401, "neighbour": 201, "author": 201},
    ),
    ("PUT", "/proposals/{p}/follow", None, {"*": 204, "visitor": 401}),
    ("GET", "/proposals/{p}/comments", None, {"*": 200}),
    ("POST", "/proposals/{p}/comments", {"body": "Goed plan!"}, {"*": 201, "visitor": 401}),
    ("PATCH", "/comments/{c}", {"body": "Anders"}, {"*": 403, "visitor": 401, "author": 200}),
    (
        "POST",
        "/proposals/{p}/flag",
        {"reason": "spam"},
        {"*": 403, "visitor": 401, "neighbour": 201, "outsider": 201, "author": 422},
    ),
    ("POST", "/rounds", NEW_ROUND, {"*": 403, "visitor": 401, "staff": 201, "admin": 201}),
    (
        "PATCH",
        "/rounds/{r}",
        {"title": "Andere titel"},
        {"*": 403, "visitor": 401, "staff": 200, "admin": 200},
    ),
    ("GET", "/rounds/{r}/results", None, {"*": 200}),
    (
        "GET",
        "/moderation/queue",
        None,
        {"*": 403, "visitor": 401, "other_staff": 200, "staff": 200, "admin": 200},
    ),
    (
        "GET",
        "/moderation/log",
        None,
        {"*": 403, "visitor": 401, "other_staff": 200, "staff": 200, "admin": 200},
    ),
    (
        "POST",
        "/moderation/proposals/{s}/decision",
        {"decision": "publish"},
        {"*": 403, "visitor": 401, "newcomer": 403, "staff": 200, "admin": 200},
    ),
    (
        "POST",
        "/proposals/{p}/updates",
        {"body": "De bankjes zijn besteld."},
        {"*": 403, "visitor": 401, "staff": 201, "admin": 201},
    ),
]


@pytest.fixture
def make_world(db, matrix_client, make_neighbourhood, resident, make_round, make_proposal):
    """Build one role's client, a round with open voting, a published and a submitted idea."""

    def build(role: str):
        other = make_neighbourhood("Bloemendaal")
        voting_round = make_round(voting_closes_at=utcnow() + timedelta(days=3))
        published = make_proposal(voting_round=voting_round)
        submitted = make_proposal(Status.SUBMITTED)
        comment = comments.post_comment(db.session, resident, published, "Ik doe mee")
        commit(db.session)
        client = matrix_client(role, other)
        ids = {"p": published.id, "s": submitted.id, "r": voting_round.id, "c": comment.id}
        return client, ids

    return build


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(make_world, role):
    client, ids = make_world(role)
    wrong = matrix_mismatches(client, MATRIX, ids, role)
    assert not wrong, wrong
