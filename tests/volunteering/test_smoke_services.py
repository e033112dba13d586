"""First checks of the signup rules through the services (more in the other files)."""

from app.core.db import commit, write_intent
from app.volunteering.services import signups
from tests.volunteering.conftest import in_days, shift_data


def test_places_then_waitlist_then_promotion(db, make_activity, make_resident):
    activity = make_activity(shifts=[shift_data(in_days(2), capacity=2)])
    people = [make_resident() for _ in range(4)]
    with write_intent():
        results = []
        for person in people:
            signup, created = signups.sign_up(db.session, person, activity.shifts[0].id)
            commit(db.session)
            results.append((signup.status, signups.waitlist_position(db.session, signup)))
    assert results == [
        ("confirmed", None),
        ("confirmed", None),
        ("waitlisted", 1),
        ("waitlisted", 2),
    ]
    with write_intent():
        signups.cancel_signup(db.session, people[0], activity.shifts[0].id)
        commit(db.session)
    shift = activity.shifts[0]
    db.session.refresh(shift)
    assert (shift.confirmed_count, shift.waitlist_count) == (2, 1)
    mine = signups.my_signups_by_shift(db.session, people[2], [shift.id])[shift.id]
    assert mine.status == "confirmed"
