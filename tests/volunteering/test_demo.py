"""`flask seed-demo` adds activities: one for a selected idea, one run by a resident organiser."""

from sqlalchemy import select

from app.accounts.models import User
from app.volunteering.models import Activity, Signup, activity_organisers


def _seed(app, db) -> None:
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    db.session.commit()


def test_seed_demo_adds_published_activities_with_shifts(app, db):
    _seed(app, db)
    found = db.session.scalars(select(Activity).order_by(Activity.starts_at)).all()
    assert len(found) == 3
    assert all(activity.status == "published" and activity.shifts for activity in found)
    assert any(activity.proposal_id for activity in found)


def test_seed_demo_makes_the_neighbour_an_organiser_and_signs_the_resident_up(app, db):
    _seed(app, db)
    organiser = db.session.scalar(
        select(User.email).join(activity_organisers, activity_organisers.c.user_id == User.id)
    )
    assert organiser == "buur@demo.leefbaar.nl"
    signup = db.session.scalar(select(Signup))
    assert signup.user.email == "bewoner@demo.leefbaar.nl" and signup.status == "confirmed"


def test_seed_demo_twice_adds_no_second_set_of_activities(app, db):
    _seed(app, db)
    _seed(app, db)
    assert len(db.session.scalars(select(Activity)).all()) == 3
