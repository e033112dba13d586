"""Calendars (iCalendar, RFC 5545): one activity's shifts, and a volunteer's private feed.

Cancelled shifts are left out rather than sent with STATUS:CANCELLED: subscribed calendars drop
an event that vanishes from the feed on their next refresh, while several apps (Google Calendar
among them) show a STATUS:CANCELLED event as if it took place, and importing a file with one
would add it to the calendar.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import NamedTuple
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app, url_for
from flask_babel import force_locale, gettext
from icalendar import Calendar, Event, vDuration
from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager

from app.accounts.models import User
from app.core.db import utcnow
from app.core.i18n import local_zone
from app.core.urls import public_url
from app.neighbourhoods.services import slugify
from app.volunteering.models import (
    Activity,
    ActivityStatus,
    CalendarFeed,
    Shift,
    Signup,
    SignupStatus,
)
from app.volunteering.services import tokens
from app.volunteering.services.activities import get_activity

PRODID = "-//Leefbaar//Volunteering//EN"
# How often calendar apps should fetch a feed again (RFC 7986 and the older Apple/Outlook hint).
REFRESH = timedelta(hours=1)
# How far back the personal feed reaches, so recent shifts stay in the calendar for a while.
FEED_HISTORY = timedelta(days=30)


class CalendarFile(NamedTuple):
    """An iCalendar document and the file name to offer it under."""

    filename: str
    data: bytes


def activity_page(activity_id: int) -> str:
    """Return the absolute address of an activity's page."""
    return public_url(f"/activiteiten/{activity_id}")


def _host() -> str:
    return urlsplit(current_app.config["BASE_URL"]).hostname or "leefbaar"


def shift_uid(shift: Shift) -> str:
    """Return the shift's event UID, the same in every calendar and every download."""
    return f"shift-{shift.id}@{_host()}"


def _description(activity: Activity, url: str) -> str:
    parts = [activity.description.strip()]
    if activity.requirements:
        lines = "\n".join(f"- {item}" for item in activity.requirements)
        parts.append(gettext("Good to know:") + "\n" + lines)
    parts.append(gettext("More information: %(url)s", url=url))
    return "\n\n".join(part for part in parts if part)


def _event(shift: Shift, zone: ZoneInfo) -> Event:
    activity = shift.activity
    url = activity_page(activity.id)
    summary = f"{activity.title} \N{EN DASH} {shift.task}" if shift.task else activity.title
    event = Event.new(
        uid=shift_uid(shift),
        start=shift.starts_at.astimezone(zone),
        end=shift.ends_at.astimezone(zone),
        summary=summary,
        description=_description(activity, url),
        location=activity.location or None,
        url=url,
        last_modified=activity.updated_at,
        status="CONFIRMED",
    )
    if activity.lat is not None and activity.lon is not None:
        event.add("geo", (activity.lat, activity.lon))
    return event


def _calendar(name: str, uid: str, shifts: Iterable[Shift]) -> bytes:
    zone = local_zone()
    calendar = Calendar.new(
        prodid=PRODID, name=name, method="PUBLISH", calscale="GREGORIAN", uid=uid
    )
    calendar.add("x-wr-timezone", zone.key)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    events = [_event(shift, zone) for shift in shifts]
    for event in events:
        calendar.add_component(event)
    if events:
        # Whole years around the events: enough daylight saving changes for every app.
        first = min(event.start for event in events).year
        last = max(event.end for event in events).year
        calendar.add_missing_timezones(date(first, 1, 1), date(last + 1, 1, 1))
    return calendar.to_ical()


def activity_calendar(session: Session, viewer: User | None, activity_id: int) -> CalendarFile:
    """Return the shifts of an activity the viewer may see that still take place, as a file."""
    activity = get_activity(session, viewer, activity_id)
    going = [shift for shift in activity.shifts if shift.cancelled_at is None]
    data = _calendar(activity.title, f"activity-{activity.id}@{_host()}", going)
    return CalendarFile(f"{slugify(activity.title) or 'activity'}.ics", data)


def feed_shifts(session: Session, user: User) -> list[Shift]:
    """Return the shifts the volunteer is confirmed for, from a month ago on."""
    query = (
        select(Shift)
        .join(Signup, Signup.shift_id == Shift.id)
        .join(Shift.activity)
        .options(contains_eager(Shift.activity))
        .where(
            Signup.user_id == user.id,
            Signup.status == SignupStatus.CONFIRMED,
            Shift.cancelled_at.is_(None),
            Activity.status.in_((ActivityStatus.PUBLISHED, ActivityStatus.COMPLETED)),
            Shift.ends_at >= utcnow() - FEED_HISTORY,
        )
        .order_by(Shift.starts_at, Shift.id)
    )
    return list(session.scalars(query))


def personal_calendar(session: Session, user: User) -> CalendarFile:
    """Return the volunteer's private feed of confirmed shifts, in their own language."""
    with force_locale(user.language or current_app.config["BABEL_DEFAULT_LOCALE"]):
        name = gettext("My volunteering (Leefbaar)")
        data = _calendar(name, f"volunteer-{user.id}@{_host()}", feed_shifts(session, user))
    return CalendarFile("leefbaar-volunteering.ics", data)


def feed_address(feed: CalendarFeed | None) -> dict:
    """Return the private calendar address (https and webcal), or that it is switched off."""
    if feed is None or not feed.active:
        return {"active": False, "url": None, "webcal_url": None}
    path = url_for("volunteering_api.personal_calendar", token=tokens.calendar_token(feed))
    url = public_url(path)
    return {"active": True, "url": url, "webcal_url": "webcal://" + url.split("://", 1)[1]}
