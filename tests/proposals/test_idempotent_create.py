"""Writing ideas with an Idempotency-Key: replays, reuse, scope, expiry, failures and races."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import request
from sqlalchemy import func, select, update

from app.core.db import commit, utcnow
from app.core.idempotency import KEY_LIFETIME, IdempotencyKey, fingerprint
from app.proposals.models import Proposal
from tests.conftest import problem
from tests.live import Browser, race

NEW_IDEA = {
    "title": "Bankjes bij de speeltuin",
    "body": "Er is nergens plek om te zitten.\nTwee bankjes zouden helpen.",
    "theme": "prettig",
    "neighbourhood": "korte-akkeren",
}
KEY = "outbox-3f2b9c1e-7a4d-4e8b-9d0a-1c2e3f4a5b6c"


@pytest.fixture
def resident_api(api_as, resident):
    return api_as(resident)


def _post(client, body: dict = NEW_IDEA, key: str | None = KEY):
    headers = {} if key is None else {"Idempotency-Key": key}
    return client.post("/proposals", json=body, headers=headers)


def _count(db, model) -> int:
    db.session.commit()  # end the test's read transaction: see what the requests committed
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_replay_returns_the_first_idea_and_creates_one(resident_api, wijk, db):
    first = _post(resident_api)
    again = _post(resident_api)
    assert first.status_code == again.status_code == 201, again.get_json()
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _count(db, Proposal) == 1


def test_a_replay_shows_the_idea_as_it_is_now(resident_api, wijk):
    created = _post(resident_api).get_json()
    assert resident_api.post(f"/proposals/{created['id']}/submit").status_code == 200
    assert _post(resident_api).get_json()["status"] == "submitted"


def test_the_same_key_with_another_body_is_refused(resident_api, wijk, db):
    _post(resident_api)
    body = problem(_post(resident_api, {**NEW_IDEA, "title": "Een heel ander idee"}), 422)
    assert body["type"].endswith("/idempotency-key-reused")
    assert "Idempotency-Key" in body["errors"]
    assert _count(db, Proposal) == 1


def test_a_key_whose_first_request_is_unfinished_answers_409(app, resident_api, resident, wijk, db):
    with app.test_request_context("/api/v1/proposals", method="POST", json=NEW_IDEA):
        same_request = fingerprint(request)
    now = utcnow()
    db.session.add(
        IdempotencyKey(
            user_id=resident.id,
            key=KEY,
            fingerprint=same_request,
            kind="proposal",
            created_at=now,
            expires_at=now + KEY_LIFETIME,
        )
    )
    commit(db.session)
    body = problem(_post(resident_api), 409)
    assert body["type"].endswith("/request-in-progress")
    assert _count(db, Proposal) == 0


def test_without_a_key_two_posts_create_two_ideas(resident_api, wijk, db):
    first, second = _post(resident_api, key=None), _post(resident_api, key=None)
    assert first.status_code == second.status_code == 201
    assert first.get_json()["id"] != second.get_json()["id"]
    assert _count(db, IdempotencyKey) == 0


def test_keys_are_per_user(api_as, make_resident, wijk, db):
    ids = {_post(api_as(make_resident())).get_json()["id"] for _ in range(2)}
    assert len(ids) == 2
    assert _count(db, Proposal) == 2


def test_a_key_is_kept_for_72_hours(resident_api, wijk, db):
    created = _post(resident_api).get_json()
    db.session.commit()
    row = db.session.scalars(select(IdempotencyKey)).one()
    assert row.expires_at - row.created_at == KEY_LIFETIME == timedelta(hours=72)
    assert (row.kind, row.key, row.resource_id) == ("proposal", KEY, created["id"])


def test_an_expired_key_acts_as_new(resident_api, wijk, db):
    first = _post(resident_api).get_json()
    db.session.execute(update(IdempotencyKey).values(expires_at=utcnow() - timedelta(seconds=1)))
    commit(db.session)
    again = _post(resident_api)
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
    assert again.get_json()["id"] != first["id"]
    assert _count(db, Proposal) == 2 and _count(db, IdempotencyKey) == 1


@pytest.mark.parametrize(
    ("refused", "status"),
    [
        ({**NEW_IDEA, "title": "Kort"}, 422),  # refused by the schema, before the key is claimed
        ({**NEW_IDEA, "corporation_role": "finance"}, 422),  # refused by the service, after
        ({**NEW_IDEA, "neighbourhood": "nergens"}, 404),
    ],
)
def test_a_refused_request_leaves_the_key_free(resident_api, wijk, db, refused, status):
    problem(_post(resident_api, refused), status)
    assert _count(db, IdempotencyKey) == 0
    assert _post(resident_api).status_code == 201
    assert _count(db, Proposal) == 1


@pytest.mark.parametrize(
    "key", ["", "x" * 256, "met spatie", "tab\there", "sleutel-\u00e9"], ids=repr
)
def test_an_invalid_key_is_refused(resident_api, wijk, db, key):
    body = problem(_post(resident_api, key=key), 400)
    assert body["type"].endswith("/invalid-idempotency-key")
    assert _count(db, Proposal) == 0


def test_a_key_of_255_visible_characters_is_accepted(resident_api, wijk):
    key = "!~" + "x" * 253
    assert _post(resident_api, key=key).status_code == 201
    assert _post(resident_api, key=key).headers["Idempotent-Replayed"] == "true"


def test_the_key_header_is_documented(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/proposals"]["post"]
    [header] = [p for p in operation["parameters"] if p["in"] == "header"]
    assert header["name"] == "Idempotency-Key" and header["required"] is False
    assert {"201", "400", "409", "422"} <= set(operation["responses"])


def _outbox(live_url: str, db, user, key: str) -> Browser:
    """Log a device in whose every later request carries the Idempotency-Key."""
    email = user.email
    db.session.commit()  # a stale SQLite read snapshot could not write test data later
    device = Browser(live_url)
    device.login(email)
    device.opener.addheaders.append(("Idempotency-Key", key))
    return device


def _recorded(answers: list, device: Browser, body: dict) -> Callable[[], tuple[int, dict]]:
    def send() -> tuple[int, dict]:
        answer = device.call("POST", "/api/v1/proposals", body)
        answers.append(answer)
        return answer

    return send


def test_twelve_simultaneous_replays_create_one_idea(live_url, db, resident, wijk):
    device = _outbox(live_url, db, resident, KEY)
    answers: list[tuple[int, dict]] = []
    statuses = race(*[_recorded(answers, device, NEW_IDEA)] * 12)
    assert set(statuses) <= {201, 409} and 201 in statuses, answers
    assert len({body["id"] for status, body in answers if status == 201}) == 1
    assert _count(db, Proposal) == 1


def test_simultaneous_different_bodies_with_one_key_create_one_idea(live_url, db, resident, wijk):
    device = _outbox(live_url, db, resident, KEY)
    other = {**NEW_IDEA, "title": "Een heel ander idee"}
    answers: list[tuple[int, dict]] = []
    statuses = race(*[_recorded(answers, device, body) for body in [NEW_IDEA, other] * 6])
    assert set(statuses) <= {201, 409, 422} and 201 in statuses, answers
    assert len({body["id"] for status, body in answers if status == 201}) == 1
    assert _count(db, Proposal) == 1
