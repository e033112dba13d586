"""Writing, finding and following reports."""

from __future__ import annotations

import math
from datetime import timedelta

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.accounts.models import User
from app.core.api import paginate
from app.core.db import insert_unless_present, utcnow
from app.core.errors import NotFound, RuleViolation
from app.core.signals import emit_after_commit, report_submitted
from app.core.uploads import ProcessedPhoto, photos_of, save_photos
from app.neighbourhoods.models import Complex, Neighbourhood
from app.reports.lifecycle import CLOSED, REOPEN_DAYS
from app.reports.models import Category, Report, ReportFollower, ReportUpdate, Status
from app.reports.permissions import (
    check_can_handle,
    check_can_view,
    handled_clause,
    visible_clause,
)
from app.reports.services.categories import check_answers, get_category

EARTH_RADIUS_M = 6_371_000
NEARBY_LIMIT = 10


def _place(session: Session, user: User, category: Category, data: dict) -> dict:
    """Decide where a report is: the reporter's home (private), a complex, or a map point."""
    if category.private:
        if user.household is None:
            raise RuleViolation(
                gettext("Link your address first: reports inside a home need it."),
                errors={"category": [gettext("Link your address to report this.")]},
            )
        household = user.household
        return {
            "household_id": household.id,
            "complex_id": household.complex_id,
            "neighbourhood_id": household.neighbourhood_id,
        }
    place: dict = {"lat": data.get("lat"), "lon": data.get("lon")}
    if data.get("complex") is not None:
        complex_ = session.get(Complex, data["complex"])
        if complex_ is None:
            raise RuleViolation(
                gettext("This building complex does not exist."),
                errors={"complex": [gettext("Choose an existing complex.")]},
            )
        place.update(complex_id=complex_.id, neighbourhood_id=complex_.neighbourhood_id)
    elif place["lat"] is None:
        raise RuleViolation(
            gettext("Tell us where it is: a point on the map or a building complex."),
            errors={"lat": [gettext("Choose a place on the map.")]},
        )
    if "neighbourhood_id" not in place:
        place["neighbourhood_id"] = _neighbourhood_id(session, user, data.get("neighbourhood"))
    return place


def _neighbourhood_id(session: Session, user: User, slug: str | None) -> int | None:
    if slug:
        found = session.scalar(select(Neighbourhood.id).where(Neighbourhood.slug == slug))
        if found is None:
            raise RuleViolation(
                gettext("This neighbourhood does not exist."),
                errors={"neighbourhood": [gettext("Choose an existing neighbourhood.")]},
            )
        return found
    if user.household is not None:
        return user.household.neighbourhood_id
    return user.home_neighbourhood_id


def create_report(session: Session, user: User, data: dict) -> Report:
    """File a report for the user; its timeline starts with "received"."""
    category = session.scalar(
        select(Category).where(Category.code == data["category"], Category.active.is_(True))
    )
    if category is None:
        raise RuleViolation(
            gettext("Choose what you want to report."),
            errors={"category": [gettext("This category does not exist.")]},
        )
    answers = check_answers(category, data.get("attributes") or {})
    report = file_report(
        session,
        category,
        reporter_id=user.id,
        description=data["description"],
        answers=answers,
        place=_place(session, user, category, data),
    )
    session.execute(
        insert_unless_present(session, ReportFollower, report_id=report.id, user_id=user.id)
    )
    return report


def file_report(
    session: Session,
    category: Category,
    *,
    reporter_id: int | None,
    description: str,
    answers: dict,
    place: dict,
    source: str = "app",
) -> Report:
    """Store a checked report, start its timeline with "received" and tell listeners."""
    report = Report(
        category=category,
        reporter_id=reporter_id,
        private=category.private,
        description=description,
        answers=answers,
        status=Status.SUBMITTED,
        source=source,
        **place,
    )
    session.add(report)
    session.flush()
    session.add(ReportUpdate(report_id=report.id, author_id=reporter_id, status=Status.SUBMITTED))
    emit_after_commit(
        session,
        report_submitted,
        report_id=report.id,
        category=category.code,
        private=report.private,
        neighbourhood_id=report.neighbourhood_id,
    )
    return report


def get_report(session: Session, viewer: User | None, report_id: int, *, lock=False) -> Report:
    """Return a report the viewer may see, or raise NotFound (also for private ones)."""
    query = select(Report).where(Report.id == report_id)
    if lock and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=Report)
    report = session.scalar(query)
    if report is None:
        raise NotFound(gettext("This report does not exist."))
    check_can_view(session, viewer, report)
    return report


def _page_loading(viewer: User | None) -> list:
    """Load what a page of reports shows in one query each, not one per report."""
    options = [selectinload(Report.neighbourhood)]
    if viewer is not None and viewer.is_staff:
        options.append(selectinload(Report.reporter))  # staff see who reported
    return options


def list_reports(session: Session, viewer: User | None, filters: dict, cursor, limit) -> dict:
    """Return a page of reports the viewer may see, newest first."""
    query = select(Report).where(visible_clause(viewer)).options(*_page_loading(viewer))
    if filters.get("mine"):
        if viewer is None:
            return {"items": [], "next_cursor": None}
        query = query.where(Report.reporter_id == viewer.id)
    if filters.get("neighbourhood"):
        query = query.join(Neighbourhood, Neighbourhood.id == Report.neighbourhood_id).where(
            Neighbourhood.slug == filters["neighbourhood"]
        )
    if filters.get("status"):
        query = query.where(Report.status.in_(filters["status"]))
    if filters.get("category"):
        query = query.join(Category, Category.id == Report.category_id).where(
            Category.code == filters["category"]
        )
    if filters.get("assigned_to_me") and viewer is not None:
        query = query.where(Report.assignee_id == viewer.id, handled_clause(viewer))
    return paginate(session, query, [Report.id], cursor, limit, descending=True)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the great-circle distance between two points in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def nearby_reports(session: Session, lat: float, lon: float, code: str) -> list[tuple]:
    """Return open public reports of a category near a point, nearest first, with distances."""
    category = get_category(session, code)
    radius = category.nearby_metres
    dlat = radius / 111_320
    dlon = radius / (111_320 * max(math.cos(math.radians(lat)), 0.01))
    candidates = session.scalars(
        select(Report)
        .options(selectinload(Report.neighbourhood))
        .where(
            Report.category_id == category.id,
            Report.private.is_(False),
            Report.status.not_in(CLOSED),
            Report.lat.between(lat - dlat, lat + dlat),
            Report.lon.between(lon - dlon, lon + dlon),
        )
    )
    near = [(r, distance_m(lat, lon, r.lat, r.lon)) for r in candidates]
    near = [(report, metres) for report, metres in near if metres <= radius]
    return sorted(near, key=lambda pair: pair[1])[:NEARBY_LIMIT]


def add_photos(session: Session, user: User, report: Report, photos: list[ProcessedPhoto]):
    """Add photos to a report: its reporter or staff who handle it, up to MAX_PHOTOS in all."""
    if report.reporter_id != user.id:
        check_can_handle(session, user, report)
    if not photos:
        raise RuleViolation(
            gettext("Choose at least one photo."),
            errors={"photos": [gettext("Choose at least one photo.")]},
        )
    existing = len(photos_of(session, "report", [report.id])[report.id])
    return save_photos(
        session,
        photos,
        owner_type="report",
        owner_id=report.id,
        uploader_id=user.id,
        start_position=existing,
    )


def follow(session: Session, user: User, report: Report) -> None:
    """Follow a report to hear what happens to it (idempotent)."""
    session.execute(
        insert_unless_present(session, ReportFollower, report_id=report.id, user_id=user.id)
    )


def unfollow(session: Session, user: User, report: Report) -> None:
    """Stop following a report (idempotent)."""
    follower = session.get(ReportFollower, (report.id, user.id))
    if follower is not None:
        session.delete(follower)
        session.flush()


def is_following(session: Session, user: User | None, report: Report) -> bool:
    """Tell whether the user follows the report."""
    return user is not None and session.get(ReportFollower, (report.id, user.id)) is not None


def timeline(session: Session, report: Report, *, internal: bool) -> list[ReportUpdate]:
    """Return the report's updates in order; internal notes only when asked (staff)."""
    query = (
        select(ReportUpdate)
        .where(ReportUpdate.report_id == report.id)
        .options(selectinload(ReportUpdate.author))
        .order_by(ReportUpdate.id)
    )
    if not internal:
        query = query.where(ReportUpdate.public.is_(True))
    return list(session.scalars(query))


def reporter_window_open(report: Report) -> bool:
    """Tell whether the reporter may still reopen or give feedback (14 days after the fix)."""
    return (
        report.status == Status.RESOLVED
        and report.resolved_at is not None
        and utcnow() - report.resolved_at <= timedelta(days=REOPEN_DAYS)
    )
