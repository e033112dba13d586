"""The fixed cost of a logged-in request: one statement for the user, no cookie re-signed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.accounts import services
from app.accounts.models import Role
from app.core.db import commit
from tests.accounts.conftest import SESSION_COOKIE
from tests.conftest import ApiClient, problem

TRANSACTION_CONTROL = ("COMMIT", "ROLLBACK", "PRAGMA", "SAVEPOINT", "RELEASE")


@contextmanager
def statements(engine) -> Iterator[list[str]]:
    """Record the SQL statements the engine runs (BEGIN kept, other transaction control not)."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        if not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
            seen.append(" ".join(statement.split()))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def probe(app) -> str:
    """A route that does nothing but answer: what it costs is the app's fixed cost."""
    app.add_url_rule("/__probe", "probe", lambda: {"ok": True})
    return "/__probe"


@pytest.fixture
def member(make_api, make_resident) -> ApiClient:
    """A verified resident (a home and a home neighbourhood), logged in."""
    client = make_api()
    assert client.login(make_resident().email).status_code == 200
    return client


def session_cookies(response) -> list[str]:
    return [h for h in response.headers.getlist("Set-Cookie") if h.startswith(SESSION_COOKIE)]


def test_a_logged_in_request_loads_the_user_with_one_plain_statement(db, probe, member):
    member.client.get(probe)
    with statements(db.engine) as seen:
        assert member.client.get(probe).status_code == 200
    queries = [s for s in seen if not s.upper().startswith("BEGIN")]
    assert len(queries) == 1
    assert queries[0].startswith("SELECT users.id") and " JOIN " not in queries[0]


def test_the_home_and_neighbourhood_still_load_when_asked_for(member):
    me = member.get("/me").get_json()
    assert me["home_neighbourhood"] and me["household"]


def test_an_unchanged_session_cookie_is_not_signed_again(probe, member):
    assert member.client.get(probe).status_code == 200
    assert session_cookies(member.client.get(probe)) == []
    assert member.get("/me").status_code == 200


def test_the_session_cookie_slides_once_older_than_the_refresh_interval(app, probe, member):
    app.config["SESSION_REFRESH_INTERVAL"] = timedelta(0)
    [header] = session_cookies(member.client.get(probe))
    assert "Expires=" in header
    assert member.get("/me").status_code == 200


def test_a_changed_session_is_always_sent(member):
    assert session_cookies(member.post("/auth/logout")) != []


def test_a_role_change_ends_an_unrefreshed_session_on_the_next_request(
    db, probe, make_api, make_user
):
    user, client = make_user(), make_api()
    client.login(user.email)
    assert session_cookies(client.client.get(probe)) == []
    services.set_role(db.session, user, Role.STAFF)
    commit(db.session)
    problem(client.get("/me"), 401)


def test_revoking_sessions_elsewhere_applies_to_an_unrefreshed_cookie(
    db, probe, make_api, make_user
):
    user, client = make_user(), make_api()
    client.login(user.email)
    assert session_cookies(client.client.get(probe)) == []
    services.end_all_sessions(db.session, user)
    commit(db.session)
    problem(client.get("/me"), 401)


def test_a_write_reads_its_answer_after_the_commit_without_the_write_lock(db, member):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock (BEGIN IMMEDIATE)")
    member.csrf()  # fetched (a read) before, not inside, the recorded request
    with statements(db.engine) as seen:
        assert member.patch("/me", json={"display_name": "Nieuwe naam"}).status_code == 200
    begins = [s for s in seen if s.upper().startswith("BEGIN")]
    assert begins == ["BEGIN IMMEDIATE", "BEGIN"]


def test_a_pooled_connection_lost_while_idle_is_replaced(db, make_app, make_user):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a server that drops connections")
    user = make_user()
    pinging = make_app(DB_PING_AFTER_IDLE_SECONDS=0)
    client = ApiClient(pinging.test_client())
    assert client.login(user.email).status_code == 200
    with pinging.app_context():
        engine = db.engine
        with engine.connect() as connection:  # the pool's one connection, back in the pool after
            pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    assert engine.pool.checkedin() == 1
    db.session.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    commit(db.session)
    assert client.get("/me").status_code == 200
