"""Who may see a report's photos: as the report itself (private ones: reporter and staff)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.reports.models import Report
from app.reports.permissions import can_view


def report_photo_access(session: Session, viewer: User | None, report_id: int) -> str | None:
    """Return "public" or "private" for a report photo the viewer may see, else None."""
    report = session.get(Report, report_id)
    if report is None or not can_view(session, viewer, report):
        return None
    return "private" if report.private else "public"
