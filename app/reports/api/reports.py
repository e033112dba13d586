"""Reports: file one (JSON or multipart with photos), find them, add photos, follow."""

from __future__ import annotations

from flask import request
from flask_login import login_required

from app.accounts.auth import current_viewer, require_login
from app.core.api import page_schema
from app.core.db import commit
from app.core.idempotency import complete, idempotent
from app.core.security import accepts
from app.core.uploads import photo_json, photos_of, save_photos
from app.extensions import db
from app.reports.api import REPORT, blp
from app.reports.inputs import MULTIPART, photos_first, report_input
from app.reports.present import report_json
from app.reports.schemas import (
    NearbyQuerySchema,
    ReportCreateSchema,
    ReportQuerySchema,
    ReportSchema,
)
from app.reports.services import reports as services

ReportPage = page_schema(ReportSchema, "ReportPage")
NearbyList = page_schema(ReportSchema, "NearbyReports")
PHOTOS_BODY = {"type": "array", "items": {"type": "string", "format": "binary"}}
CREATE_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": ReportCreateSchema},
        MULTIPART: {
            "schema": {
                "type": "object",
                "properties": {
                    "category": {"type": "string"},
                    "description": {"type": "string"},
                    "lat": {"type": "number"},
                    "lon": {"type": "number"},
                    "complex": {"type": "integer"},
                    "neighbourhood": {"type": "string"},
                    "attribute[code]": {"type": "string"},
                    "photos": PHOTOS_BODY,
                },
            }
        },
    },
}


def present(reports, *, detail: bool = False) -> list[dict]:
    """Return reports as the current viewer may see them, with their photos (one query)."""
    viewer = current_viewer()
    photos = photos_of(db.session, "report", [report.id for report in reports])
    return [
        report_json(
            db.session,
            viewer,
            report,
            [photo_json(p) for p in photos.get(report.id, [])],
            detail=detail,
        )
        for report in reports
    ]


def show(report_id: int) -> dict:
    """Return one report in full for the current viewer."""
    report = services.get_report(db.session, current_viewer(), report_id)
    return present([report], detail=True)[0]


@blp.post("/reports")
@photos_first
@login_required
@accepts("application/json", MULTIPART)
@blp.doc(requestBody=CREATE_BODY)
@blp.response(201, ReportSchema)
@idempotent("report", replay=show)
def create_report(photos):
    """Report a defect or nuisance, with up to 5 photos when sent as multipart/form-data.

    Send an Idempotency-Key header to make a retry safe: the same key and body give the
    first report back instead of a second one.
    """
    user = require_login()
    report = services.create_report(db.session, user, report_input(request))
    save_photos(db.session, photos, owner_type="report", owner_id=report.id, uploader_id=user.id)
    complete(db.session, report.id)
    commit(db.session)
    return show(report.id)


@blp.get("/reports")
@blp.arguments(ReportQuerySchema, location="query")
@blp.response(200, ReportPage)
def list_reports(query):
    """List the reports one may see: public ones, one's own, and (staff) those one handles."""
    cursor, limit = query.pop("cursor"), query.pop("limit")
    page = services.list_reports(db.session, current_viewer(), query, cursor, limit)
    return {"items": present(page["items"]), "next_cursor": page["next_cursor"]}


@blp.get("/reports/nearby")
@blp.arguments(NearbyQuerySchema, location="query")
@blp.response(200, NearbyList)
def nearby(query):
    """Find open public reports of the same category nearby: "is it one of these?"."""
    found = services.nearby_reports(db.session, query["lat"], query["lon"], query["category"])
    items = present([report for report, _ in found])
    for item, (_, metres) in zip(items, found, strict=True):
        item["distance_m"] = round(metres)
    return {"items": items, "next_cursor": None}


@blp.get(REPORT)
@blp.response(200, ReportSchema)
def get_report(report_id):
    """Show a report with its public timeline (staff also see internal notes)."""
    return show(report_id)


@blp.post(f"{REPORT}/photos")
@photos_first
@login_required
@accepts(MULTIPART)
@blp.doc(
    requestBody={
        "required": True,
        "content": {
            MULTIPART: {"schema": {"type": "object", "properties": {"photos": PHOTOS_BODY}}}
        },
    }
)
@blp.response(201, ReportSchema)
def add_photos(report_id, photos):
    """Add photos to a report (its reporter or staff), up to 5 in all."""
    user = require_login()
    report = services.get_report(db.session, user, report_id)
    services.add_photos(db.session, user, report, photos)
    commit(db.session)
    return show(report.id)


@blp.put(f"{REPORT}/follow")
@login_required
@blp.response(204)
def follow(report_id):
    """Hear about what happens to a report."""
    user = require_login()
    services.follow(db.session, user, services.get_report(db.session, user, report_id))
    commit(db.session)


@blp.delete(f"{REPORT}/follow")
@login_required
@blp.response(204)
def unfollow(report_id):
    """Stop following a report."""
    user = require_login()
    services.unfollow(db.session, user, services.get_report(db.session, user, report_id))
    commit(db.session)
