"""Fixtures of the neighbourhoods tests: people, staff assignments, row counts."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.core.db import commit
from app.neighbourhoods import services
from app.neighbourhoods.models import Household


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
