"""Fixtures of the volunteering tests: activities with shifts, made through the services."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import datetime, timedelta

import pytest

from app.accounts.models import User
from app.core import signals
from app.core.db import commit, utcnow, write_intent
from app.neighbourhoods.models import Neighbourhood
from app.proposals.models import Proposal
from app.proposals.services import proposals as proposal_services
from app.volunteering.models import Activity, Shift, Signup
from app.volunteering.services import activities as activity_services
from app.volunteering.services import signups

# Every signal volunteering sends; the `heard` fixture records them.
VOLUNTEERING_SIGNALS = (
    signals.volunteer_signed_up,
    signals.volunteer_promoted,
    signals.volunteer_waitlisted,
    signals.shift_changed,
    signals.shift_cancelled,
)


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


def shift_json(starts_at: datetime, hours: float = 2, capacity: int = 5, task: str = "") -> dict:
    """Return one shift as the JSON API takes it."""
    return {
        "starts_at": starts_at.isoformat(),
        "ends_at": (starts_at + timedelta(hours=hours)).isoformat(),
        "capacity": capacity,
        "task": task,
    }


def activity_json(neighbourhood: Neighbourhood, **fields) -> dict:
    """Return a new activity as the JSON API takes it (default: a coffee morning in 4 days)."""
    return {
        "title": "Koffieochtend",
        "description": "Koffie en een praatje voor wie alleen woont.",
        "neighbourhood": neighbourhood.slug,
        "theme": "samen",
        "location": "Buurthuis De Akker",
        "shifts": [shift_json(in_days(4))],
        **fields,
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


def join(db, user: User, shift: Shift) -> Signup:
    """Sign the user up for the shift through the service and commit, as a request would."""
    with write_intent():
        signup, _ = signups.sign_up(db.session, user, shift.id)
        commit(db.session)
    return signup


def places(db, shift: Shift) -> tuple[int, int, int]:
    """Return the shift's capacity, confirmed count and waitlist length as now committed."""
    db.session.commit()
    db.session.refresh(shift)
    return shift.capacity, shift.confirmed_count, shift.waitlist_count


def under_way(db, shift: Shift, *, started: timedelta = timedelta(hours=1), hours: float = 2):
    """Move a shift so that it started a while ago (people signed up before it began)."""
    shift.starts_at = utcnow().replace(microsecond=0) - started
    shift.ends_at = shift.starts_at + timedelta(hours=hours)
    commit(db.session)
    return shift


@pytest.fixture
def staff_api(api_as, staff):
    """An API client of a staff member who manages every neighbourhood."""
    return api_as(staff)


@pytest.fixture
def organiser(make_resident) -> User:
    """A resident of wijk, whom the tests make organiser of an activity."""
    return make_resident(name="Olga Organiser")


@pytest.fixture
def heard() -> Iterator[list[tuple[str, dict]]]:
    """Record every volunteering signal sent during the test as (signal name, payload)."""
    received: list[tuple[str, dict]] = []
    with ExitStack() as stack:
        for signal in VOLUNTEERING_SIGNALS:

            def receive(_sender, _name=signal.name, **payload):
                received.append((_name, payload))

            stack.enter_context(signal.connected_to(receive))
        yield received


@pytest.fixture
def make_idea(db, make_resident, wijk) -> Callable[..., Proposal]:
    """Create an idea in a status (default: selected, in wijk), written by a resident there."""

    def create(status: str = "selected", neighbourhood: Neighbourhood | None = None) -> Proposal:
        place = neighbourhood or wijk
        data = {
            "title": "Een moestuin op het plein",
            "body": "Samen groente kweken op het braakliggende stuk.",
            "theme": "samen",
            "neighbourhood": place.slug,
        }
        idea = proposal_services.create_proposal(db.session, make_resident(place), data)
        idea.status = status  # the tests need the state, not the road to it
        commit(db.session)
        return idea

    return create
