"""Demo activities for `flask seed-demo`: a clean-up, garden work for a selected idea, coffee."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.core.db import utcnow
from app.core.i18n import local_zone
from app.volunteering.services import activities, signups


def _at(days: int, hour: int, minute: int = 0) -> datetime:
    """Return a Dutch wall-clock time some days from today, as an aware datetime."""
    zone = local_zone()
    day = utcnow().astimezone(zone).date() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def _shift(days: int, start: int, end: int, capacity: int, task: str = "") -> dict:
    return {
        "starts_at": _at(days, start),
        "ends_at": _at(days, end),
        "capacity": capacity,
        "task": task,
    }


def seed_activities(
    session: Session, staff: User, volunteer: User, organiser: User, idea_id: int
) -> None:
    """Create three activities; the organiser runs the coffee mornings, the volunteer helps."""
    neighbourhood = volunteer.household.neighbourhood.slug
    clean_up = activities.create_activity(
        session,
        staff,
        {
            "title": "Opruimdag Korte Akkeren",
            "description": "We ruimen samen het zwerfvuil op rond de speeltuinen en het water. "
            "Grijpers, vuilniszakken en koffie zijn er.",
            "neighbourhood": neighbourhood,
            "theme": "schoon",
            "location": "Buurthuis De Akker, Van Hogendorpplein 1",
            "lat": 52.0125,
            "lon": 4.6985,
            "requirements": ["Vanaf 12 jaar (jonger met een ouder)", "Neem werkhandschoenen mee"],
            "shifts": [
                _shift(9, 10, 12, 12, "Zwerfvuil prikken"),
                _shift(9, 12, 14, 3, "Koffie en soep schenken"),
            ],
        },
    )
    activities.create_activity(
        session,
        staff,
        {
            "title": "Geveltuintjes aanleggen",
            "description": "De tegels gaan eruit, de plantjes erin. Help je mee?",
            "neighbourhood": neighbourhood,
            "theme": "schoon",
            "location": "Van Hogendorpstraat",
            "proposal": idea_id,
            "requirements": ["Neem een schep mee als je er een hebt"],
            "shifts": [_shift(16, 9, 12, 8, "Tegels eruit"), _shift(16, 13, 16, 8, "Planten")],
        },
    )
    activities.create_activity(
        session,
        staff,
        {
            "title": "Koffieochtend voor buren",
            "description": "Een kop koffie en een praatje, vooral voor wie weinig mensen ziet. "
            "Help je mee met ontvangen en schenken?",
            "neighbourhood": neighbourhood,
            "theme": "samen",
            "location": "Buurthuis De Akker",
            "organisers": [organiser.id],
            "shifts": [_shift(days, 10, 12, 2, "Ontvangen en koffie schenken") for days in (5, 12)],
        },
    )
    signups.sign_up(session, volunteer, clean_up.shifts[0].id)
