"""Who may see and handle which reports."""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import ColumnElement, exists, false, or_, select, true
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.core.errors import Forbidden, NotFound
from app.neighbourhoods.models import staff_assignments
from app.neighbourhoods.permissions import assigned_ids
from app.reports.models import Report


def can_handle(session: Session, user: User | None, report: Report) -> bool:
    """Staff handle the reports of the neighbourhoods they manage (all, if none assigned)."""
    if user is None or not user.is_staff:
        return False
    if user.is_admin:
        return True
    assigned = _assigned(session, user)
    return not assigned or report.neighbourhood_id in assigned


def _assigned(session: Session, user: User) -> set[int]:
    """Return the staff member's neighbourhoods, looked up once per session (a list asks often)."""
    cache = session.info.setdefault("assigned_neighbourhoods", {})
    if user.id not in cache:
        cache[user.id] = assigned_ids(session, user)
    return cache[user.id]


def can_view(session: Session, viewer: User | None, report: Report) -> bool:
    """Public reports are for everyone; private ones for the reporter and staff only."""
    if not report.private:
        return True
    if viewer is None:
        return False
    return report.reporter_id == viewer.id or can_handle(session, viewer, report)


def check_can_view(session: Session, viewer: User | None, report: Report) -> None:
    """Raise NotFound for a report the viewer may not know about."""
    if not can_view(session, viewer, report):
        raise NotFound(gettext("This report does not exist."))


def check_can_handle(session: Session, user: User, report: Report) -> None:
    """Raise Forbidden unless the user is staff handling this report's neighbourhood."""
    if not can_handle(session, user, report):
        raise Forbidden(gettext("Only staff of the housing corporation can do this."))


def check_can_manage_categories(session: Session, user: User) -> None:
    """Categories are for the whole corporation: admins and staff not tied to neighbourhoods."""
    if user.is_admin or (user.is_staff and not assigned_ids(session, user)):
        return
    raise Forbidden(gettext("Only staff of the whole corporation can manage categories."))


def handled_clause(viewer: User) -> ColumnElement[bool]:
    """Return a filter for the reports a staff member handles (in SQL: no extra query)."""
    if viewer.is_admin:
        return true()
    if not viewer.is_staff:
        return false()
    mine = select(staff_assignments.c.neighbourhood_id).where(
        staff_assignments.c.user_id == viewer.id
    )
    return or_(~exists(mine), Report.neighbourhood_id.in_(mine))


def visible_clause(viewer: User | None) -> ColumnElement[bool]:
    """Return a filter that keeps only the reports the viewer may see."""
    public = Report.private.is_(False)
    if viewer is None:
        return public
    return or_(public, Report.reporter_id == viewer.id, handled_clause(viewer))
