"""The staff queue of reports and changing the status of many reports at once."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, selectinload

from app.accounts.models import Role, User
from app.core.api import decode_cursor, encode_cursor
from app.core.errors import DomainError, RuleViolation
from app.neighbourhoods.models import Neighbourhood
from app.reports.lifecycle import CLOSED
from app.reports.models import Category, Report, ReportUpdate
from app.reports.permissions import can_handle, handled_clause
from app.reports.services.workflow import change_status

MAX_BULK = 100  # reports per bulk change: a page of the queue, with room to spare


def _filtered(staff: User, filters: dict):
    query = (
        select(Report)
        .where(handled_clause(staff))
        .options(selectinload(Report.neighbourhood), selectinload(Report.assignee))
    )
    if filters.get("status"):
        query = query.where(Report.status.in_(filters["status"]))
    elif filters.get("open_only", True):
        query = query.where(Report.status.not_in(CLOSED))
    if filters.get("category"):
        query = query.join(Category, Category.id == Report.category_id).where(
            Category.code == filters["category"]
        )
    if filters.get("neighbourhood"):
        query = query.join(Neighbourhood, Neighbourhood.id == Report.neighbourhood_id).where(
            Neighbourhood.slug == filters["neighbourhood"]
        )
    if filters.get("assigned_to_me"):
        query = query.where(Report.assignee_id == staff.id)
    return query


def staff_queue(session: Session, staff: User, filters: dict, cursor: str | None, limit: int):
    """Return a page of the reports a staff member handles, longest unchanged first."""
    query = _filtered(staff, filters)
    if cursor:
        changed, report_id = decode_cursor(cursor, 2)
        try:
            after = datetime.fromisoformat(str(changed))
        except ValueError:
            after = None
        if after is None or not isinstance(report_id, int):
            raise RuleViolation(gettext("This page link is no longer valid."))
        query = query.where(
            or_(
                Report.status_changed_at > after,
                and_(Report.status_changed_at == after, Report.id > report_id),
            )
        )
    query = query.order_by(Report.status_changed_at, Report.id).limit(limit + 1)
    rows = list(session.scalars(query))
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor([rows[-1].status_changed_at.isoformat(), rows[-1].id])
    return {"items": rows, "next_cursor": next_cursor}


def _locked_reports(session: Session, report_ids: list[int]) -> dict[int, Report]:
    # Locked in id order, so two bulk changes over overlapping reports cannot deadlock.
    query = select(Report).where(Report.id.in_(report_ids)).order_by(Report.id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=Report)
    return {report.id: report for report in session.scalars(query)}


def bulk_change_status(
    session: Session, staff: User, report_ids: list[int], data: dict
) -> list[ReportUpdate]:
    """Change the status of several reports: all of them, or none (errors name each report)."""
    ids = sorted(set(report_ids))
    if not ids:
        raise RuleViolation(
            gettext("Choose one or more reports first."),
            errors={"reports": [gettext("Choose one or more reports first.")]},
        )
    if len(ids) > MAX_BULK:
        message = gettext("Change at most %(num)d reports at once.", num=MAX_BULK)
        raise RuleViolation(message, errors={"reports": [message]})
    found = _locked_reports(session, ids)
    updates, problems = [], []
    for report_id in ids:
        report = found.get(report_id)
        if report is None:
            problems.append(gettext("Report %(id)d: it does not exist.", id=report_id))
            continue
        try:
            updates.append(change_status(session, staff, report, dict(data)))
        except DomainError as error:
            problems.append(gettext("Report %(id)d: %(why)s", id=report_id, why=error.message))
    if problems:
        raise RuleViolation(
            gettext("Nothing was changed, because some reports cannot get this status."),
            errors={"reports": problems},
        )
    return updates


def handlers_of(session: Session, report: Report) -> list[User]:
    """Return the staff members who may handle a report, by name."""
    members = session.scalars(
        select(User).where(User.role.in_([Role.STAFF, Role.ADMIN])).order_by(User.display_name)
    )
    return [member for member in members if can_handle(session, member, report)]
