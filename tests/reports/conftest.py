"""Fixtures of the reports tests: the standard categories, reporters and reports."""

from __future__ import annotations

import pytest

from app.core.db import commit
from app.reports.catalogue import seed_categories
from tests.conftest import CLOSE_BY, HERE  # noqa: F401  (the tests import them from here)


@pytest.fixture(autouse=True)
def categories(db) -> None:
    """The standard Dutch categories (lekkage, zwerfvuil, …)."""
    seed_categories(db.session)
    commit(db.session)


@pytest.fixture
def resident_api(api_as, resident):
    """The verified resident, logged in to the API."""
    return api_as(resident)


@pytest.fixture
def staff_api(api_as, staff):
    """A staff member for every neighbourhood, logged in to the API."""
    return api_as(staff)
