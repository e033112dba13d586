"""Who may call which volunteering endpoint: one row per endpoint, one column per role."""

from __future__ import annotations

import pytest

from app.neighbourhoods.models import Neighbourhood
from tests.conftest import matrix_mismatches
from tests.volunteering.conftest import (
    activity_json,
    in_days,
    join,
    shift_data,
    shift_json,
    under_way,
)

ROLES = (
    "visitor",
    "newcomer",
    "neighbour",
    "organiser",
    "outsider",
    "other_staff",
    "staff",
    "admin",
)
SHIFT = shift_json(in_days(6))


def _runners(status: int) -> dict[str, int]:
    """Answer of the people who run the activity: its resident organiser, staff and admin."""
    return {"organiser": status, "staff": status, "admin": status}


def _organise(status: int, *, draft: bool = False) -> dict[str, int]:
    """Answers of an organiser's endpoint: others may not, or (drafts) may not even know."""
    return {"*": 404 if draft else 403, "visitor": 401, **_runners(status)}


def matrix(wijk: Neighbourhood, volunteer_id: int) -> list:
    """Return (method, path, body, {role: status}) rows; the last ones change state."""
    new = activity_json(wijk, shifts=[shift_json(in_days(8))])
    return [
        ("GET", "/activities", None, {"*": 200}),
        ("GET", "/activities/{act}", None, {"*": 200}),
        ("GET", "/activities/{draft}", None, {"*": 404, **_runners(200)}),
        ("POST", "/activities", new, {"*": 403, "visitor": 401, **_runners(201)}),
        ("PATCH", "/activities/{act}", {"title": "Nieuwe titel"}, _organise(200)),
        ("PATCH", "/activities/{draft}", {"title": "Nieuwe titel"}, _organise(200, draft=True)),
        ("POST", "/activities/{act}/shifts", SHIFT, _organise(201)),
        ("POST", "/activities/{draft}/shifts", SHIFT, _organise(201, draft=True)),
        ("PATCH", "/shifts/{s}", {"task": "Vegen"}, _organise(200)),
        ("PATCH", "/shifts/{draft_shift}", {"task": "Vegen"}, _organise(200, draft=True)),
        ("POST", "/shifts/{s}/signup", None, {"*": 201, "visitor": 401}),
        ("POST", "/shifts/{s}/signup", None, {"*": 200, "visitor": 401}),
        ("DELETE", "/shifts/{s}/signup", None, {"*": 200, "visitor": 401}),
        ("DELETE", "/shifts/{s}/signup", None, {"*": 404, "visitor": 401}),
        ("POST", "/shifts/{draft_shift}/signup", None, {"*": 404, "visitor": 401, **_runners(409)}),
        ("DELETE", "/shifts/{draft_shift}/signup", None, {"*": 404, "visitor": 401}),
        ("POST", "/shifts/{started}/signup", None, {"*": 409, "visitor": 401}),
        ("GET", "/shifts/{started}/attendees", None, _organise(200)),
        ("GET", "/shifts/{draft_shift}/attendees", None, _organise(200, draft=True)),
        ("POST", "/shifts/{started}/check-in", {"user_id": volunteer_id}, _organise(200)),
        ("POST", "/shifts/{started}/attendance", {"attended": [volunteer_id]}, _organise(200)),
        ("POST", "/shifts/{draft_shift}/attendance", {}, _organise(409, draft=True)),
        ("GET", "/me/signups", None, {"*": 200, "visitor": 401}),
        ("GET", "/me/volunteering", None, {"*": 200, "visitor": 401}),
        ("POST", "/shifts/{s2}/cancel", None, _organise(200)),
        ("POST", "/shifts/{draft_shift}/cancel", None, _organise(200, draft=True)),
        ("PATCH", "/activities/{act}", {"status": "cancelled"}, _organise(200)),
    ]


@pytest.fixture
def make_world(db, matrix_client, make_neighbourhood, make_activity, make_user, resident, wijk):
    """Build one role's client and the activities the resident organiser runs."""

    def build(role: str):
        elsewhere = make_neighbourhood("Bloemendaal")
        activity = make_activity(
            organisers=[resident.id],
            shifts=[shift_data(in_days(3)), shift_data(in_days(4)), shift_data(in_days(5))],
        )
        upcoming, later, started = activity.shifts
        volunteer = make_user()
        join(db, volunteer, started)
        under_way(db, started)
        draft = make_activity(status="draft", organisers=[resident.id])
        client = matrix_client("author" if role == "organiser" else role, elsewhere)
        ids = {
            "act": activity.id,
            "draft": draft.id,
            "s": upcoming.id,
            "s2": later.id,
            "started": started.id,
            "draft_shift": draft.shifts[0].id,
        }
        return client, ids, matrix(wijk, volunteer.id)

    return build


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(make_world, role):
    client, ids, rows = make_world(role)
    wrong = matrix_mismatches(client, rows, ids, role)
    assert not wrong, wrong
