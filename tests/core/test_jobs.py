"""Side effects are queued after commit and run by a worker from SQLite or Redis."""

import os

import pytest
import redis

from app.core.db import commit, on_commit
from app.extensions import huey

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")


def _queued_app(make_app, smtp_server, **settings):
    host, port, _ = smtp_server
    return make_app(JOBS_IMMEDIATE=False, MAIL_SERVER=host, MAIL_PORT=port, **settings)


def _request_reset(app, email):
    client = app.test_client()
    token = client.get("/api/v1/auth/csrf").get_json()["csrf_token"]
    response = client.post(
        "/api/v1/auth/password-reset", json={"email": email}, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 202


def _run_queue() -> int:
    ran = 0
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
        ran += 1
    return ran


def _assert_mail_goes_through_queue(app, make_user, smtp_server):
    with app.app_context():
        user = make_user(email="queue@example.com")
        huey.flush()
        _request_reset(app, user.email)
        assert huey.pending_count() == 1
        assert smtp_server[2].messages == []
        assert _run_queue() == 1
    [mail] = smtp_server[2].messages
    assert mail["To"] == "queue@example.com"
    assert "/wachtwoord-vergeten/" in mail.get_content()


def test_mail_job_runs_from_the_sqlite_queue(make_app, make_user, smtp_server, tmp_path):
    app = _queued_app(make_app, smtp_server, JOBS_SQLITE_PATH=str(tmp_path / "jobs.db"))
    _assert_mail_goes_through_queue(app, make_user, smtp_server)


@pytest.mark.skipif(not TEST_REDIS_URL, reason="Redis tests need TEST_REDIS_URL")
def test_mail_job_runs_from_the_redis_queue(make_app, make_user, smtp_server):
    app = _queued_app(make_app, smtp_server, REDIS_URL=TEST_REDIS_URL)
    try:
        _assert_mail_goes_through_queue(app, make_user, smtp_server)
    finally:
        huey.flush()


def test_side_effect_waits_for_commit(db):
    ran = []
    on_commit(db.session, lambda: ran.append("sent"))
    assert ran == []
    commit(db.session)
    assert ran == ["sent"]


def test_rolled_back_work_sends_nothing(db):
    ran = []
    on_commit(db.session, lambda: ran.append("sent"))
    db.session.rollback()
    commit(db.session)
    assert ran == []


@pytest.mark.skipif(not TEST_REDIS_URL, reason="Redis tests need TEST_REDIS_URL")
def test_login_throttle_is_shared_through_redis(make_app, make_user):
    redis.Redis.from_url(TEST_REDIS_URL).flushdb()
    settings = {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": TEST_REDIS_URL,
        "LOGIN_LIMIT_PER_ACCOUNT": "2/minute",
    }
    first, second = make_app(**settings), make_app(**settings)  # two app servers, one Redis
    with first.app_context():
        email = make_user(email="throttle@example.com").email
    statuses = []
    for app in (first, second, first):
        client = app.test_client()
        token = client.get("/api/v1/auth/csrf").get_json()["csrf_token"]
        response = client.post(
            "/api/v1/auth/login",
            json={"email": email, "password": "wrong password!"},
            headers={"X-CSRFToken": token},
        )
        statuses.append(response.status_code)
    assert statuses == [401, 401, 429]
    assert int(response.headers["Retry-After"]) > 0
    redis.Redis.from_url(TEST_REDIS_URL).flushdb()


def test_a_failing_side_effect_does_not_stop_the_others(db, caplog):
    ran = []

    def broken():
        raise ConnectionError("queue is down")

    on_commit(db.session, broken)
    on_commit(db.session, lambda: ran.append("sent"))
    commit(db.session)
    assert ran == ["sent"]
    assert "After-commit side effect failed" in caplog.text
