"""Fixtures of the neighbourhoods tests: people, staff assignments, row counts, a live server."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import func, insert, select
from werkzeug.serving import make_server

from app.accounts.models import User
from app.core.db import commit
from app.neighbourhoods import services
from app.neighbourhoods.models import Household, Neighbourhood, staff_assignments


@pytest.fixture
def staff(make_user) -> User:
    """A staff member who is not assigned to any neighbourhood (so manages all)."""
    return make_user("staff", email="staff@example.com")


@pytest.fixture
def resident(make_user) -> User:
    """A resident without a verified address."""
    return make_user("resident", email="resident@example.com")


@pytest.fixture
def staff_api(api, staff):
    """The API client, logged in as a staff member who manages every neighbourhood."""
    assert api.login(staff.email).status_code == 200
    return api


@pytest.fixture
def assign(db) -> Callable[..., None]:
    """Assign a staff member to neighbourhoods (rows in staff_assignments)."""

    def do(user: User, *neighbourhoods: Neighbourhood) -> None:
        rows = [{"user_id": user.id, "neighbourhood_id": n.id} for n in neighbourhoods]
        db.session.execute(insert(staff_assignments), rows)
        commit(db.session)

    return do


@pytest.fixture
def count(db) -> Callable[[type], int]:
    """Count the rows of a model's table as the database has them now."""

    def do(model: type) -> int:
        db.session.commit()  # end the read transaction: SQLite would show an old snapshot
        return db.session.scalar(select(func.count()).select_from(model))

    return do


@pytest.fixture
def issue_code(db, admin) -> Callable[[Household], str]:
    """Issue an invite code for a household and return it as printed on the letter."""

    def do(household: Household) -> str:
        issued = services.issue_invite_code(db.session, admin, household)
        commit(db.session)
        return issued.code

    return do


@pytest.fixture
def live_url(app):
    """Serve the app on a free port with one thread per request, as production would."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)
