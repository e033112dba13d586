"""Who may see, run and create activities: the rules, and the SQL filter that must agree."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.volunteering import permissions
from app.volunteering.models import Activity


@pytest.fixture
def world(db, make_activity, make_neighbourhood, make_user, make_resident, assign, staff, admin):
    """Activities in two neighbourhoods and one viewer of every kind."""
    elsewhere = make_neighbourhood("Bloemendaal")
    organiser = make_resident()
    activities = {
        "published": make_activity(),
        "draft": make_activity(status="draft"),
        "my_draft": make_activity(status="draft", organisers=[organiser.id]),
        "draft_elsewhere": make_activity(status="draft", neighbourhood=elsewhere.slug),
        "elsewhere": make_activity(neighbourhood=elsewhere.slug),
    }
    wijk_staff, other_staff = make_user("staff"), make_user("staff")
    assign(wijk_staff, activities["published"].neighbourhood)
    assign(other_staff, elsewhere)
    viewers = {
        "visitor": None,
        "newcomer": make_user("resident"),
        "neighbour": make_resident(),
        "organiser": organiser,
        "wijk_staff": wijk_staff,
        "other_staff": other_staff,
        "staff": staff,
        "admin": admin,
    }
    return activities, viewers, elsewhere


SEES_DRAFT_HERE = {"wijk_staff", "staff", "admin"}
SEES_DRAFT_THERE = {"other_staff", "staff", "admin"}
RUNS_HERE = SEES_DRAFT_HERE


def test_who_sees_what(world, db):
    activities, viewers, _ = world
    for role, viewer in viewers.items():
        seen = {
            name
            for name, activity in activities.items()
            if permissions.can_view(db.session, viewer, activity)
        }
        expected = {"published", "elsewhere"}
        expected |= {"draft", "my_draft"} if role in SEES_DRAFT_HERE else set()
        expected |= {"my_draft"} if role == "organiser" else set()
        expected |= {"draft_elsewhere"} if role in SEES_DRAFT_THERE else set()
        assert seen == expected, role


def test_the_list_filter_agrees_with_the_rule(world, db):
    activities, viewers, _ = world
    for role, viewer in viewers.items():
        query = select(Activity.id).where(permissions.visible_clause(viewer))
        listed = set(db.session.scalars(query))
        allowed = {
            activity.id
            for activity in activities.values()
            if permissions.can_view(db.session, viewer, activity)
        }
        assert listed == allowed, role


def test_who_runs_what(world, db):
    activities, viewers, _ = world
    for role, viewer in viewers.items():
        runs = {
            name
            for name, activity in activities.items()
            if permissions.can_organise(db.session, viewer, activity)
        }
        expected = {"published", "draft", "my_draft"} if role in RUNS_HERE else set()
        expected |= {"my_draft"} if role == "organiser" else set()
        if role in SEES_DRAFT_THERE:
            expected |= {"draft_elsewhere", "elsewhere"}
        assert runs == expected, role


def test_who_adds_activities_where(world, db):
    activities, viewers, elsewhere = world
    here = activities["published"].neighbourhood_id
    for role, viewer in viewers.items():
        where = {
            name
            for name, place in (("here", here), ("elsewhere", elsewhere.id))
            if permissions.can_create(db.session, viewer, place)
        }
        expected = {"here"} if role in RUNS_HERE | {"organiser"} else set()
        expected |= {"elsewhere"} if role in SEES_DRAFT_THERE else set()
        assert where == expected, role
        anywhere = role not in ("visitor", "newcomer", "neighbour")
        assert permissions.can_create(db.session, viewer) is anywhere, role
