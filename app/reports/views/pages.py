"""The report list (/meldingen) and one report with its timeline and forms."""

from __future__ import annotations

from flask import render_template, request, url_for

from app.accounts.auth import current_viewer
from app.core.errors import DomainError
from app.core.forms import ButtonForm
from app.core.uploads import MAX_PHOTOS, photo_json, photos_of
from app.extensions import db
from app.neighbourhoods.models import Neighbourhood
from app.neighbourhoods.services import list_neighbourhoods
from app.reports import forms
from app.reports.lifecycle import CLOSED, OPEN_STEPS, allowed_next
from app.reports.models import Report, Status
from app.reports.permissions import can_handle
from app.reports.services import categories, queue
from app.reports.services import reports as services
from app.reports.services.workflow import feedback_of
from app.reports.views import REPORT, blueprint
from app.reports.views.maps import outlines, shows_map

PAGE_SIZE = 20
MINE_SIZE = 10
STATUS_GROUPS = {"open": list(OPEN_STEPS), "closed": sorted(CLOSED)}


def neighbourhoods() -> list[Neighbourhood]:
    """Return every neighbourhood by name."""
    return list_neighbourhoods(db.session)


def list_filters() -> dict:
    """Read the list filters from the query string; unknown values are ignored."""
    args = request.args
    filters = {
        "neighbourhood": args.get("wijk", "")[:80],
        "category": args.get("categorie", "")[:40],
        "status": args.get("status", ""),
    }
    if filters["status"] not in STATUS_GROUPS and filters["status"] not in set(Status):
        filters["status"] = ""
    return filters


def _query(filters: dict) -> dict:
    status = filters["status"]
    return {
        "neighbourhood": filters["neighbourhood"] or None,
        "category": filters["category"] or None,
        "status": STATUS_GROUPS.get(status, [status] if status else None),
    }


def _page(viewer, query: dict, cursor: str | None, limit: int) -> tuple[dict, str | None]:
    try:
        return services.list_reports(db.session, viewer, query, cursor, limit), None
    except DomainError as error:
        return {"items": [], "next_cursor": None}, error.message


def points(reports: list[Report]) -> list[dict]:
    """Return the public reports that have a place, as map points linking to them."""
    return [
        {
            "lat": r.lat,
            "lon": r.lon,
            "title": f"{categories.localized(r.category)} · {forms.label(r.status)}",
            "url": url_for("reports.show", report_id=r.id),
        }
        for r in reports
        if not r.private and r.lat is not None
    ]


@blueprint.get("/meldingen")
@shows_map
def index():
    """List one's own reports and the public reports, with filters and a map."""
    viewer, filters = current_viewer(), list_filters()
    public, problem = _page(None, _query(filters), request.args.get("cursor"), PAGE_SIZE)
    mine = _page(viewer, {"mine": True}, request.args.get("mijn"), MINE_SIZE)[0] if viewer else None
    return render_template(
        "reports/index.html",
        public=public,
        mine=mine,
        problem=problem,
        filters=filters,
        neighbourhoods=neighbourhoods(),
        categories=categories.list_categories(db.session),
        points=points(public["items"]),
        outlines=outlines(filters["neighbourhood"] or None),
    )


def answers_of(report: Report) -> list[tuple[str, str]]:
    """Return the report's answers as (question, answer) in words, in the questions' order."""
    shown = []
    for question in report.category.questions or []:
        value = report.answers.get(question["code"])
        if value in (None, "", []):
            continue
        names = {str(v["key"]): categories.localized(v) for v in question.get("values", [])}
        values = value if isinstance(value, list) else [value]
        words = ", ".join(names.get(str(item), str(item)) for item in values)
        shown.append((categories.localized(question, "label"), words))
    return shown


def _forms(report: Report, staff: bool, given: dict) -> dict:
    made = {
        "reopen_form": forms.ReopenForm(formdata=None),
        "feedback_form": forms.FeedbackForm(formdata=None),
        "photos_form": forms.PhotosForm(formdata=None),
        "button": ButtonForm(formdata=None),
    }
    if staff:
        made["status_form"] = forms.StatusForm(
            formdata=None, current=report.status, allowed=allowed_next(report.status)
        )
        made["assign_form"] = forms.AssignForm(
            formdata=None,
            staff_members=queue.handlers_of(db.session, report),
            data={"assignee": str(report.assignee_id or ""), "contractor": report.contractor},
        )
    made.update(given)
    return made


def render_report(report: Report, status: int = 200, **given):
    """Draw a report's page; forms that failed come in `given` with their errors."""
    viewer = current_viewer()
    staff = can_handle(db.session, viewer, report)
    mine = viewer is not None and report.reporter_id == viewer.id
    photos = [photo_json(p) for p in photos_of(db.session, "report", [report.id])[report.id]]
    window = mine and services.reporter_window_open(report)
    html = render_template(
        "reports/show.html",
        report=report,
        staff=staff,
        mine=mine,
        photos=photos,
        answers=answers_of(report),
        updates=services.timeline(db.session, report, internal=staff),
        following=services.is_following(db.session, viewer, report),
        feedback=feedback_of(db.session, report) if mine or staff else None,
        can_reopen=window or (staff and report.status in CLOSED),
        can_add_photos=(mine or staff) and len(photos) < MAX_PHOTOS,
        window_open=window,
        points=points([report]),
        outlines=outlines(report.neighbourhood.slug) if report.neighbourhood else [],
        **_forms(report, staff, given),
    )
    return html, status


@blueprint.get(REPORT)
@shows_map
def show(report_id: int):
    """Show a report with its timeline; staff also get the handling forms."""
    return render_report(services.get_report(db.session, current_viewer(), report_id))
