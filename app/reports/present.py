"""Turn reports into what a viewer may see: public, reporter or staff view."""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.reports.lifecycle import STATUS_LABELS
from app.reports.models import Category, Report, ReportUpdate, Status
from app.reports.permissions import can_handle
from app.reports.services import reports as services
from app.reports.services.categories import localized


def category_json(category: Category) -> dict:
    """Return a category with its name and questions in the user's language."""
    questions = [
        {
            "code": question["code"],
            "datatype": question["datatype"],
            "required": bool(question.get("required")),
            "label": localized(question, "label"),
            "values": [
                {"key": value["key"], "name": localized(value)}
                for value in question.get("values", [])
            ],
        }
        for question in category.questions or []
    ]
    return {
        "code": category.code,
        "name": localized(category),
        "theme": category.theme,
        "icon": category.icon,
        "private": category.private,
        "handling_days": category.handling_days,
        "questions": questions,
        "active": category.active,
    }


def _update_json(update: ReportUpdate, staff: bool) -> dict:
    label = STATUS_LABELS[Status(update.status)] if update.status else None
    author = update.author.display_name if staff and update.author else None
    return {
        "status": update.status,
        "status_label": str(label) if label else None,
        "note": update.note,
        "public": update.public,
        "author": author,
        "created_at": update.created_at,
    }


def report_json(
    session: Session, viewer: User | None, report: Report, photos: list[dict], *, detail: bool
) -> dict:
    """Return the report as the viewer may see it; detail adds the timeline."""
    staff = can_handle(session, viewer, report)
    mine = viewer is not None and report.reporter_id == viewer.id
    data = {
        "id": report.id,
        "status": report.status,
        "status_label": str(STATUS_LABELS[Status(report.status)]),
        "category": category_json(report.category),
        "description": report.description,
        "private": report.private,
        "lat": report.lat,
        "lon": report.lon,
        "neighbourhood": report.neighbourhood.slug if report.neighbourhood else None,
        "answers": report.answers,
        "photos": photos,
        "expected_on": report.expected_on,
        "duplicate_of": report.duplicate_of_id,
        "referred_to": report.referred_to,
        "created_at": report.created_at,
        "updated_at": report.updated_at,
        "mine": mine,
    }
    if detail:
        window = mine and services.reporter_window_open(report)
        data.update(
            following=services.is_following(session, viewer, report),
            can_reopen=window or (staff and report.status in services.CLOSED),
            can_give_feedback=window,
            updates=[
                _update_json(update, staff)
                for update in services.timeline(session, report, internal=staff)
            ],
        )
    if staff:
        data.update(
            reporter=report.reporter.display_name if report.reporter else gettext("Unknown"),
            assignee=report.assignee_id,
            contractor=report.contractor,
        )
    return data
