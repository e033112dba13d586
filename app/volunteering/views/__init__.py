"""Pages of volunteering: the activity list and page, organising, check-in, my volunteering."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Flask, url_for
from flask_babel import format_datetime, format_decimal, gettext, to_user_timezone
from flask_babel import lazy_gettext as _l

from app.core.assets import add_nav_item, add_slot, add_staff_link
from app.core.themes import THEME_LABELS

blueprint = Blueprint("volunteering", __name__)
ACTIVITY = "/activiteiten/<int(max=2147483647):activity_id>"
SHIFT = "/activiteiten/diensten/<int(max=2147483647):shift_id>"


def when(starts_at: datetime, ends_at: datetime, with_day: bool = True) -> str:
    """Write a time span in Dutch time, like “Saturday 14 June, 10:00 to 12:00”.

    Without the day (in a list under the day's heading), a span within one day is only times.
    """
    same_day = to_user_timezone(starts_at).date() == to_user_timezone(ends_at).date()
    start = format_datetime(starts_at, "HH:mm")
    end = format_datetime(ends_at, "HH:mm" if same_day else "EEEE d MMMM HH:mm")
    if same_day and not with_day:
        return f"{start}\u2013{end}"
    day = format_datetime(starts_at, "EEEE d MMMM")
    day = day[:1].upper() + day[1:]  # Dutch weekdays are lower case; this starts a line
    return gettext("%(day)s, %(start)s\u2013%(end)s", day=day, start=start, end=end)


def activity_ics_url(activity_id: int) -> str:
    """Return the address of an activity's calendar file (the calendar API's route)."""
    return url_for("volunteering_api.activity_calendar", activity_id=activity_id)


def init_views(app: Flask) -> None:
    """Register the volunteering pages, their menu entries and the idea page's section."""
    from app.volunteering.views import account, checkin, organise, pages  # noqa: F401  (routes)

    app.register_blueprint(blueprint)
    add_nav_item(app, "volunteering.index", _l("Activities"), "activity", 25)
    add_staff_link(app, "volunteering.organised", _l("Activities"), 50)
    add_slot(app, "account", "volunteering/_account_link.html", order=20)
    add_slot(app, "proposal", "volunteering/_idea_activities.html")
    app.jinja_env.filters["when"] = when
    app.jinja_env.globals.update(
        activity_ics_url=activity_ics_url,
        activity_theme_labels=THEME_LABELS,
        format_decimal=format_decimal,
        idea_activities=pages.idea_activities,
    )
