"""Organising: add an activity, change it and its shifts, cancel a shift, my activities."""

from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import login_required

from app.accounts.auth import require_login
from app.accounts.models import User
from app.core.db import utcnow
from app.core.errors import Forbidden
from app.core.forms import ButtonForm, run_form
from app.extensions import db
from app.neighbourhoods.models import Neighbourhood
from app.volunteering import permissions
from app.volunteering.forms import ActivityForm, NewActivityForm, ShiftEditForm, ShiftForm
from app.volunteering.models import Activity, ActivityStatus, Shift
from app.volunteering.services import activities as services
from app.volunteering.services import shifts
from app.volunteering.views import ACTIVITY, SHIFT, blueprint
from app.volunteering.views.pages import neighbourhoods, run_button

RECENT = timedelta(days=30)  # attendance is confirmed after the day: keep recent ones listed
ENDED = (ActivityStatus.CANCELLED, ActivityStatus.COMPLETED)


def _ideas(places: list[Neighbourhood]) -> list[tuple[int, str]]:
    names = {n.id: n.name for n in places}
    rows = services.selected_ideas(db.session, neighbourhood_ids=names)
    return [(row.id, f"{row.title} ({names[row.neighbourhood_id]})") for row in rows]


@blueprint.get("/activiteiten/organiseren")
@login_required
def organised():
    """List the activities one runs, from a month ago on, with their organiser links."""
    user = require_login()
    return render_template(
        "volunteering/organised.html",
        activities=services.organised_activities(db.session, user, utcnow() - RECENT),
        can_create=permissions.can_create(db.session, user),
        now=utcnow(),
    )


@blueprint.route("/activiteiten/nieuw", methods=["GET", "POST"])
@login_required
def create():
    """Add an activity with its first shifts (staff, and residents who organise)."""
    user = require_login()
    places = [n for n in neighbourhoods() if permissions.can_create(db.session, user, n.id)]
    if not places:
        raise Forbidden(gettext("Only staff and organisers can add activities."))
    form = NewActivityForm(neighbourhoods=places, ideas=_ideas(places), staff=user.is_staff)
    if not form.is_submitted():
        form.status.data = ActivityStatus.PUBLISHED
        home = user.home_neighbourhood
        form.neighbourhood.data = home.slug if home in places else places[0].slug
    if form.validate_on_submit() and (
        created := run_form(
            form, lambda: services.create_activity(db.session, user, form.service_data())
        )
    ):
        flash(gettext("The activity is saved."))
        return redirect(url_for("volunteering.show", activity_id=created.id))
    return render_template("volunteering/new.html", form=form), 422 if form.errors else 200


def _organised(activity_id: int, user: User, *, lock: bool = False) -> Activity:
    activity = services.get_activity(db.session, user, activity_id, lock=lock)
    permissions.check_can_organise(db.session, user, activity)
    return activity


def _details_form(activity: Activity, user: User, *, submitted: bool = False) -> ActivityForm:
    """Return the details form: the posted one, or one filled from the activity."""
    status = ActivityStatus(activity.status)
    ideas = _ideas([activity.neighbourhood])
    if activity.proposal_id and activity.proposal_id not in {i for i, _ in ideas}:
        ideas.append((activity.proposal_id, gettext("Idea %(num)d", num=activity.proposal_id)))
    form = ActivityForm(
        **({} if submitted else {"formdata": None}),
        obj=activity,
        ideas=ideas,
        statuses=[status, *sorted(services.MOVES[status])],
        staff=user.is_staff,
    )
    if not submitted:
        form.fill(activity, activity.organisers)
    return form


def _shift_form(shift: Shift, *, submitted: bool = False) -> ShiftEditForm:
    """Return a shift's form: the posted one, or one filled from the shift."""
    if submitted:
        return ShiftEditForm(prefix=f"dienst{shift.id}")
    form = ShiftEditForm(prefix=f"dienst{shift.id}", formdata=None)
    form.fill(shift)
    return form


def render_edit(activity: Activity, user: User, status: int = 200, **given):
    """Draw the organiser's page of an activity; a form that failed comes in `given`."""
    shift_forms = {
        s.id: _shift_form(s) for s in activity.shifts if s.cancelled_at is None
    } | given.pop("shift_forms", {})
    page = render_template(
        "volunteering/edit.html",
        activity=activity,
        ended=activity.status in ENDED,
        details=given.pop("details", None) or _details_form(activity, user),
        shift_forms=shift_forms,
        new_shift=given.pop("new_shift", None) or ShiftForm(prefix="nieuw", formdata=None),
        now=utcnow(),
    )
    return page, status


def _changes(form: ActivityForm, activity: Activity) -> dict:
    changes = form.details()
    if changes["status"] == activity.status:
        del changes["status"]
    if changes["proposal"] == activity.proposal_id:
        del changes["proposal"]  # an idea that moved on since stays linked
    return changes


@blueprint.route(f"{ACTIVITY}/bewerken", methods=["GET", "POST"])
@login_required
def edit(activity_id: int):
    """Change an activity's details and status; its shifts have their own forms below."""
    user = require_login()
    activity = _organised(activity_id, user, lock=request.method == "POST")
    form = _details_form(activity, user, submitted=request.method == "POST")
    if form.validate_on_submit() and run_form(
        form, lambda: services.update_activity(db.session, user, activity, _changes(form, activity))
    ):
        flash(gettext("Saved."))
        return redirect(url_for("volunteering.edit", activity_id=activity.id))
    return render_edit(activity, user, 422 if form.errors else 200, details=form)


@blueprint.post(f"{ACTIVITY}/diensten")
@login_required
def add_shift(activity_id: int):
    """Add a shift to an activity."""
    user = require_login()
    activity = _organised(activity_id, user, lock=True)
    form = ShiftForm(prefix="nieuw")
    if form.validate_on_submit() and (
        added := run_form(
            form, lambda: shifts.add_shift(db.session, user, activity, form.service_data())
        )
    ):
        flash(gettext("The shift is added."))
        return redirect(
            url_for("volunteering.edit", activity_id=activity.id) + f"#dienst-{added.id}"
        )
    return render_edit(activity, user, 422, new_shift=form)


@blueprint.post(f"{SHIFT}/bewerken")
@login_required
def edit_shift(shift_id: int):
    """Change a shift's day, times, places or task; fewer places needs an explicit choice."""
    user = require_login()
    shift = shifts.get_shift(db.session, user, shift_id, lock=True)
    permissions.check_can_organise(db.session, user, shift.activity)
    form = _shift_form(shift, submitted=True)
    if form.validate_on_submit() and run_form(
        form, lambda: shifts.update_shift(db.session, user, shift, form.changes())
    ):
        flash(gettext("The shift is saved."))
        target = url_for("volunteering.edit", activity_id=shift.activity_id)
        return redirect(f"{target}#dienst-{shift.id}")
    return render_edit(shift.activity, user, 422, shift_forms={shift.id: form})


@blueprint.route(f"{SHIFT}/annuleren", methods=["GET", "POST"])
@login_required
def cancel_shift(shift_id: int):
    """Ask to confirm, then cancel a shift; everyone signed up is told."""
    user = require_login()
    shift = shifts.get_shift(db.session, user, shift_id, lock=request.method == "POST")
    permissions.check_can_organise(db.session, user, shift.activity)
    if request.method == "GET":
        return render_template("volunteering/cancel_shift.html", shift=shift, button=ButtonForm())

    def act() -> str:
        shifts.cancel_shift(db.session, user, shift)
        return gettext("The shift is cancelled. Everyone on it is told.")

    return run_button(act, url_for("volunteering.edit", activity_id=shift.activity_id))
