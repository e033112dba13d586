"""The activity list (/activiteiten), one activity with its shifts, signing up and cancelling."""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext, to_user_timezone
from flask_login import login_required

from app.accounts.auth import current_viewer, require_login
from app.core.db import commit, utcnow
from app.core.errors import DomainError
from app.core.forms import ButtonForm
from app.core.themes import Theme
from app.core.urls import safe_next
from app.extensions import db
from app.neighbourhoods.models import Neighbourhood
from app.neighbourhoods.services import list_neighbourhoods
from app.volunteering import permissions
from app.volunteering.models import Activity, ActivityStatus, Shift
from app.volunteering.services import activities as services
from app.volunteering.services import shifts, signups
from app.volunteering.services.attendance import CHECK_IN_OPENS
from app.volunteering.views import ACTIVITY, SHIFT, blueprint

PAGE_SIZE = 20
IDEA_STATUSES = ("selected", "in_progress")


def neighbourhoods() -> list[Neighbourhood]:
    """Return every neighbourhood by name."""
    return list_neighbourhoods(db.session)


def list_filters() -> dict:
    """Read the list filters from the query string; an unknown theme is ignored."""
    theme = request.args.get("thema", "")
    return {
        "neighbourhood": request.args.get("wijk", "")[:80],
        "theme": theme if theme in set(Theme) else "",
    }


def by_day(activities: list[Activity]) -> list[tuple]:
    """Group activities by the Dutch date they start on, keeping their order."""
    day = lambda activity: to_user_timezone(activity.starts_at).date()  # noqa: E731
    return [(date, list(items)) for date, items in groupby(activities, key=day)]


@blueprint.get("/activiteiten")
def index():
    """List upcoming activities by date, with filters by neighbourhood and theme."""
    viewer, filters = current_viewer(), list_filters()
    query = {name: value for name, value in filters.items() if value}
    query["cursor"] = request.args.get("cursor")
    try:
        page, problem = services.list_activities(db.session, viewer, query, limit=PAGE_SIZE), None
    except DomainError as error:
        page, problem = {"items": [], "next_cursor": None}, error.message
    return render_template(
        "volunteering/index.html",
        page=page,
        days=by_day(page["items"]),
        problem=problem,
        filters=filters,
        neighbourhoods=neighbourhoods(),
        can_create=permissions.can_create(db.session, viewer),
    )


@blueprint.get(ACTIVITY)
def show(activity_id: int):
    """Show an activity with its shifts, places left and one-tap signup."""
    viewer = current_viewer()
    activity = services.get_activity(db.session, viewer, activity_id)
    services.annotate(db.session, viewer, [activity])
    ideas = services.selected_ideas(db.session, ids=[activity.proposal_id or 0])
    return render_template(
        "volunteering/show.html",
        activity=activity,
        idea=ideas[0] if ideas else None,
        now=utcnow(),
        check_in_opens=CHECK_IN_OPENS,
        button=ButtonForm(),
    )


def run_button(action: Callable[[], str], target: str):
    """Run a button's service call and commit; go back and say what happened, or why not."""
    if ButtonForm().validate_on_submit():
        try:
            message = action()
            commit(db.session)
        except DomainError as error:
            db.session.rollback()
            message = error.message
        flash(message)
    return redirect(target)


def back_to(shift: Shift) -> str:
    """Return where a shift's buttons lead back to: the given page, or the shift."""
    if target := request.form.get("next"):
        return safe_next(target)
    return url_for("volunteering.show", activity_id=shift.activity_id) + f"#dienst-{shift.id}"


@blueprint.post(f"{SHIFT}/aanmelden")
@login_required
def sign_up(shift_id: int):
    """Take a place on a shift, or join its waitlist when it is full."""
    user = require_login()
    shift = shifts.get_shift(db.session, user, shift_id)

    def act() -> str:
        signup, _ = signups.sign_up(db.session, user, shift.id)
        place = signups.waitlist_position(db.session, signup)
        if place is None:
            return gettext("You are signed up. Thank you for helping!")
        return gettext(
            "This shift is full. You are on the waitlist at place %(num)d. "
            "We let you know when a place comes free.",
            num=place,
        )

    return run_button(act, back_to(shift))


@blueprint.post(f"{SHIFT}/afmelden")
@login_required
def cancel(shift_id: int):
    """Give up one's place on a shift, or leave its waitlist."""
    user = require_login()
    shift = shifts.get_shift(db.session, user, shift_id)

    def act() -> str:
        signups.cancel_signup(db.session, user, shift.id)
        return gettext("You are no longer signed up for this shift.")

    return run_button(act, back_to(shift))


def idea_activities(proposal) -> list[Activity]:
    """Return the published activities that help carry out a selected idea (its page shows them)."""
    if proposal.status not in IDEA_STATUSES:
        return []
    page = services.list_activities(db.session, None, {"proposal": proposal.id}, limit=10)
    return [a for a in page["items"] if a.status == ActivityStatus.PUBLISHED]
