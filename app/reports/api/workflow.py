"""The staff workflow (status, assignment) and the reporter's reopen and feedback."""

from __future__ import annotations

from flask_login import login_required

from app.accounts.auth import require_login, require_staff, staff_required
from app.core.db import commit
from app.extensions import db
from app.reports.api import REPORT, blp
from app.reports.api.reports import show
from app.reports.schemas import (
    AssignSchema,
    FeedbackSchema,
    ReopenSchema,
    ReportSchema,
    StatusChangeSchema,
)
from app.reports.services import reports as services
from app.reports.services import workflow


def _locked(report_id: int, user):
    return services.get_report(db.session, user, report_id, lock=True)


@blp.post(f"{REPORT}/status")
@staff_required  # before the body is parsed: outsiders learn nothing from validation errors
@blp.arguments(StatusChangeSchema)
@blp.response(200, ReportSchema)
def change_status(data, report_id):
    """Move a report on, with a note for the reporter (public) or for staff (staff)."""
    staff = require_staff()
    workflow.change_status(db.session, staff, _locked(report_id, staff), data)
    commit(db.session)
    return show(report_id)


@blp.post(f"{REPORT}/assign")
@staff_required
@blp.arguments(AssignSchema)
@blp.response(200, ReportSchema)
def assign(data, report_id):
    """Give a report to a staff member and/or a contractor (staff)."""
    staff = require_staff()
    workflow.assign(db.session, staff, _locked(report_id, staff), data)
    commit(db.session)
    return show(report_id)


@blp.post(f"{REPORT}/reopen")
@login_required
@blp.arguments(ReopenSchema)
@blp.response(200, ReportSchema)
def reopen(data, report_id):
    """Reopen a report: its reporter within 14 days after the fix, or staff."""
    user = require_login()
    workflow.reopen(db.session, user, _locked(report_id, user), data["reason"])
    commit(db.session)
    return show(report_id)


@blp.post(f"{REPORT}/feedback")
@login_required
@blp.arguments(FeedbackSchema)
@blp.response(201, ReportSchema)
def feedback(data, report_id):
    """Tell whether the fix worked and how satisfied you are (the reporter, once)."""
    user = require_login()
    workflow.give_feedback(db.session, user, _locked(report_id, user), data)
    commit(db.session)
    return show(report_id)
