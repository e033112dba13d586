"""The staff workflow (status, assignment) and the reporter's reopen and feedback."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.core.db import insert_unless_present, utcnow
from app.core.errors import Conflict, Forbidden, RuleViolation
from app.core.signals import emit_after_commit, report_status_changed
from app.reports.lifecycle import CLOSED, check_move
from app.reports.models import Report, ReportFeedback, ReportUpdate, Status
from app.reports.permissions import can_handle, check_can_handle
from app.reports.services.reports import reporter_window_open


def _needs(field: str, message: str) -> RuleViolation:
    return RuleViolation(message, errors={field: [message]})


def _apply_details(session: Session, report: Report, status: str, data: dict) -> None:
    """Check and set what a status needs: a date, the original, a party or a reason."""
    note = (data.get("note") or "").strip()
    if status == Status.PLANNED:
        expected = data.get("expected_on")
        if expected is None:
            raise _needs("expected_on", gettext("Give the date you expect to fix it."))
        if expected < date.today():
            raise _needs("expected_on", gettext("The expected date cannot be in the past."))
        report.expected_on = expected
    elif status == Status.DUPLICATE:
        original = session.get(Report, data.get("duplicate_of") or 0)
        if original is None or original.id == report.id:
            raise _needs("duplicate_of", gettext("Give the number of the original report."))
        if original.duplicate_of_id == report.id:
            raise _needs("duplicate_of", gettext("That report is a duplicate of this one."))
        report.duplicate_of_id = original.id
    elif status == Status.REFERRED:
        if not (data.get("referred_to") or "").strip():
            raise _needs("referred_to", gettext("Say who the report was passed on to."))
        report.referred_to = data["referred_to"].strip()
    elif status == Status.CLOSED_UNRESOLVED and not note:
        raise _needs("note", gettext("Give the reason for closing without a fix."))


def change_status(session: Session, staff: User, report: Report, data: dict) -> ReportUpdate:
    """Move a report on (staff), with a note that is public or internal."""
    check_can_handle(session, staff, report)
    status, note = data["status"], (data.get("note") or "").strip()
    public = data.get("public", True)
    if status == report.status:
        if not note:
            raise Conflict(gettext("The report has this status already."))
        status_change = None  # a note without a move
    else:
        check_move(report.status, status)
        _apply_details(session, report, status, data)
        report.status, report.status_changed_at = status, utcnow()
        report.resolved_at = utcnow() if status == Status.RESOLVED else None
        status_change = status
    update = ReportUpdate(
        report_id=report.id, author_id=staff.id, status=status_change, note=note, public=public
    )
    session.add(update)
    session.flush()
    if status_change and public:
        emit_after_commit(
            session,
            report_status_changed,
            report_id=report.id,
            status=status_change,
            reporter_id=report.reporter_id,
        )
    return update


def assign(session: Session, staff: User, report: Report, data: dict) -> Report:
    """Give a report to a staff member and/or a contractor; noted internally."""
    check_can_handle(session, staff, report)
    assignee = None
    if data.get("assignee") is not None:
        assignee = session.get(User, data["assignee"])
        if assignee is None or not can_handle(session, assignee, report):
            raise _needs("assignee", gettext("Choose a staff member who handles this area."))
    report.assignee_id = assignee.id if assignee else None
    report.contractor = (data.get("contractor") or "").strip()
    who = ", ".join(filter(None, [assignee.display_name if assignee else "", report.contractor]))
    note = gettext("Assigned to %(who)s.", who=who) if who else gettext("Assignment removed.")
    session.add(ReportUpdate(report_id=report.id, author_id=staff.id, note=note, public=False))
    session.flush()
    return report


def _check_reporter(user: User, report: Report) -> None:
    if report.reporter_id != user.id:
        raise Forbidden(gettext("Only the person who reported this can do this."))
    if not reporter_window_open(report):
        raise Conflict(gettext("This is only possible within 14 days after the report was fixed."))


def reopen(session: Session, user: User, report: Report, reason: str) -> ReportUpdate:
    """Reopen a closed report: the reporter within 14 days of the fix, staff at any time."""
    if can_handle(session, user, report) and report.reporter_id != user.id:
        if report.status not in CLOSED:
            raise Conflict(gettext("This report is still open."))
    else:
        _check_reporter(user, report)
    report.status, report.status_changed_at = Status.SUBMITTED, utcnow()
    report.resolved_at = None
    report.reopen_count += 1
    update = ReportUpdate(
        report_id=report.id,
        author_id=user.id,
        status=Status.SUBMITTED,
        note=gettext("Reopened: %(reason)s", reason=reason.strip()),
        public=True,
    )
    session.add(update)
    session.flush()
    emit_after_commit(
        session,
        report_status_changed,
        report_id=report.id,
        status=Status.SUBMITTED,
        reporter_id=report.reporter_id,
    )
    return update


def give_feedback(session: Session, user: User, report: Report, data: dict) -> ReportFeedback:
    """Record the reporter's verdict on the fix, once."""
    _check_reporter(user, report)
    inserted = session.execute(
        insert_unless_present(
            session,
            ReportFeedback,
            report_id=report.id,
            fixed=data["fixed"],
            satisfaction=data["satisfaction"],
            remark=(data.get("remark") or "").strip(),
            created_at=utcnow(),
        ).returning(ReportFeedback.id)
    ).first()
    if inserted is None:
        raise Conflict(gettext("You have given feedback on this report already."))
    return session.scalar(select(ReportFeedback).where(ReportFeedback.id == inserted.id))


def feedback_of(session: Session, report: Report) -> ReportFeedback | None:
    """Return the reporter's feedback, if given."""
    return session.scalar(select(ReportFeedback).where(ReportFeedback.report_id == report.id))
