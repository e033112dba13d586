"""Calendars: an activity's shifts as a file, and the volunteer's private calendar address."""

from __future__ import annotations

from flask import Response
from flask_login import login_required
from marshmallow import Schema, fields

from app.accounts.auth import current_viewer, require_login
from app.core.db import commit
from app.core.fields import text
from app.extensions import db
from app.volunteering.api import ACTIVITY, blp
from app.volunteering.services import calendar, tokens

ICS = {
    "schema": {"type": "string"},
    "description": "An iCalendar file (RFC 5545)",
    "content_type": "text/calendar",
}


class CalendarQuerySchema(Schema):
    """The secret of a private calendar address."""

    token = fields.String(required=True, validate=text(1, 200))


class CalendarAddressSchema(Schema):
    """The volunteer's private calendar address, or that it is switched off."""

    active = fields.Boolean()
    url = fields.String(allow_none=True, metadata={"description": "The feed (https)"})
    webcal_url = fields.String(
        allow_none=True, metadata={"description": "The same feed, to subscribe in one tap"}
    )


def _ics(file: calendar.CalendarFile) -> Response:
    response = Response(file.data, mimetype="text/calendar")  # Flask adds charset=utf-8
    response.headers["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    return response


@blp.get(f"{ACTIVITY}.ics")
@blp.response(200, **ICS)
def activity_calendar(activity_id):
    """Download the shifts of an activity that still take place, to add them to a calendar."""
    return _ics(calendar.activity_calendar(db.session, current_viewer(), activity_id))


@blp.get("/me/calendar.ics")
@blp.arguments(CalendarQuerySchema, location="query")
@blp.response(200, **ICS)
def personal_calendar(query):
    """Subscribe to one's confirmed shifts (no login: the secret address is the key)."""
    owner = tokens.owner_of_calendar(db.session, query["token"])
    response = _ics(calendar.personal_calendar(db.session, owner))
    # The address is a secret: no shared cache keeps the answer, no search engine the address.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@blp.get("/me/calendar")
@login_required
@blp.response(200, CalendarAddressSchema)
def calendar_address():
    """Show one's private calendar address, if it is switched on."""
    return calendar.feed_address(tokens.calendar_feed(db.session, require_login()))


@blp.post("/me/calendar")
@login_required
@blp.response(201, CalendarAddressSchema)
def renew_calendar_address():
    """Make a new private calendar address; an earlier address stops working."""
    feed = tokens.renew_calendar(db.session, require_login())
    commit(db.session)
    return calendar.feed_address(feed)


@blp.delete("/me/calendar")
@login_required
@blp.response(204)
def stop_calendar_address():
    """Switch the private calendar address off."""
    tokens.revoke_calendar(db.session, require_login())
    commit(db.session)
