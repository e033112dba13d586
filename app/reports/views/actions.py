"""The forms on a report's page: follow, reopen, feedback, and the staff's status and assignment."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, request, url_for
from flask_babel import gettext
from flask_login import login_required

from app.accounts.auth import require_login, require_staff, staff_required
from app.core.forms import ButtonForm, run_form
from app.extensions import db
from app.reports import forms
from app.reports.lifecycle import allowed_next
from app.reports.models import Report
from app.reports.services import queue, workflow
from app.reports.services import reports as services
from app.reports.views import REPORT, blueprint
from app.reports.views.maps import shows_map
from app.reports.views.pages import render_report


def _done(report: Report, message: str, anchor: str = ""):
    flash(message)
    return redirect(url_for("reports.show", report_id=report.id) + anchor)


def _submit(report: Report, form, action: Callable, done: str, form_name: str, anchor: str):
    """Run a form's service call; go back to the report, or draw it again with the errors."""
    if form.validate_on_submit() and run_form(form, action):
        return _done(report, done, anchor)
    return render_report(report, 422, **{form_name: form})


@blueprint.post(f"{REPORT}/volgen")
@login_required
@shows_map
def follow(report_id: int):
    """Follow a report, or stop following it."""
    user, form = require_login(), ButtonForm()
    report = services.get_report(db.session, user, report_id)
    stop = request.form.get("action") == "unfollow"
    action = services.unfollow if stop else services.follow
    message = (
        gettext("You no longer follow this report.")
        if stop
        else gettext("You follow this report. We tell you when something changes.")
    )
    return _submit(
        report, form, lambda: action(db.session, user, report) or True, message, "button", ""
    )


@blueprint.post(f"{REPORT}/heropenen")
@login_required
@shows_map
def reopen(report_id: int):
    """Reopen a report: its reporter within 14 days after the fix, or staff."""
    user, form = require_login(), forms.ReopenForm()
    report = services.get_report(db.session, user, report_id, lock=True)
    return _submit(
        report,
        form,
        lambda: workflow.reopen(db.session, user, report, form.reason.data),
        gettext("The report is open again. Staff will look at it."),
        "reopen_form",
        "#tijdlijn",
    )


@blueprint.post(f"{REPORT}/beoordeling")
@login_required
@shows_map
def feedback(report_id: int):
    """Tell whether the fix worked and how happy you are (the reporter, once)."""
    user, form = require_login(), forms.FeedbackForm()
    report = services.get_report(db.session, user, report_id, lock=True)
    return _submit(
        report,
        form,
        lambda: workflow.give_feedback(db.session, user, report, form.service_data()),
        gettext("Thank you for your feedback."),
        "feedback_form",
        "#beoordeling",
    )


@blueprint.post(f"{REPORT}/status")
@staff_required
@shows_map
def change_status(report_id: int):
    """Move a report on, or add a note (staff)."""
    staff = require_staff()
    report = services.get_report(db.session, staff, report_id, lock=True)
    form = forms.StatusForm(current=report.status, allowed=allowed_next(report.status))
    return _submit(
        report,
        form,
        lambda: workflow.change_status(db.session, staff, report, form.service_data()),
        gettext("Saved. The timeline shows the change."),
        "status_form",
        "#tijdlijn",
    )


@blueprint.post(f"{REPORT}/toewijzen")
@staff_required
@shows_map
def assign(report_id: int):
    """Give a report to a staff member and/or a contractor (staff)."""
    staff = require_staff()
    report = services.get_report(db.session, staff, report_id, lock=True)
    form = forms.AssignForm(staff_members=queue.handlers_of(db.session, report))
    return _submit(
        report,
        form,
        lambda: workflow.assign(db.session, staff, report, form.service_data()),
        gettext("The report is assigned."),
        "assign_form",
        "#behandelen",
    )
