"""Fixtures of the volunteering tests: activities with shifts, made through the services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from app.accounts.models import User
from app.core.db import commit, utcnow
from app.volunteering.models import Activity
from app.volunteering.services import activities as activity_services


def in_days(days: float, hour: int = 10) -> datetime:
    """Return a moment some days from now at a round hour (UTC)."""
    moment = utcnow() + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def shift_data(starts_at: datetime, hours: float = 2, capacity: int = 5, task: str = "") -> dict:
    """Return the input of one shift."""
    return {
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=hours),
        "capacity": capacity,
        "task": task,
    }


@pytest.fixture
def make_activity(db, staff, wijk) -> Callable[..., Activity]:
    """Create an activity through the service (default: a clean-up in wijk, one shift in 3 days).

    make_activity(shifts=[shift_data(...), …], by=organiser, status="draft", organisers=[ids])
    """

    def create(by: User | None = None, **fields) -> Activity:
        data = {
            "title": "Opruimdag in de wijk",
            "description": "We ruimen samen het zwerfvuil op.",
            "neighbourhood": wijk.slug,
            "theme": "schoon",
            "location": "Speeltuin Akkerplein",
            "requirements": ["Neem handschoenen mee"],
            "shifts": [shift_data(in_days(3))],
            **fields,
        }
        activity = activity_services.create_activity(db.session, by or staff, data)
        commit(db.session)
        return activity

    return create


@pytest.fixture
def activity(make_activity) -> Activity:
    """A published clean-up in wijk with one shift of 5 places, 3 days from now."""
    return make_activity()


@pytest.fixture
def shift(activity):
    """The first shift of the activity."""
    return activity.shifts[0]
