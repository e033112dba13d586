"""Turn categories and reports into GeoReport v2 fields, in the spec's order.

Status: our statuses map to open/closed (reports.lifecycle.CLOSED); the detail goes in
status_notes: the status in words, then the latest public note (internal notes never).
agency_responsible is the contractor, or where a report was passed on, that party (staff
names are never shown). expected_datetime is the planned date (end of that day, Dutch
time) while a report is open. ids, address_id and keys are strings; times are W3C
date-times with their offset.
"""

from __future__ import annotations

from datetime import datetime, time
from urllib.parse import urljoin

from flask import current_app, request
from flask_babel import gettext, ngettext
from sqlalchemy.orm import Session

from app.core.i18n import local_zone
from app.core.themes import THEME_LABELS, Theme
from app.core.uploads import photo_json, photos_of
from app.open311 import services
from app.open311.formats import w3c
from app.reports.lifecycle import STATUS_LABELS, is_open
from app.reports.models import Category, Report, Status
from app.reports.services.categories import localized

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-01-01T00:00:00Z"  # change when the services' shape changes


def discovery_json() -> dict:
    """Return the service discovery document: where the v2 endpoint is, and its formats."""
    config = current_app.config
    contact = config.get("OPEN311_CONTACT") or gettext(
        "Questions about this API: contact the housing corporation."
    )
    key_service = config.get("OPEN311_KEY_SERVICE") or gettext(
        "Partners get an API key from the housing corporation's staff."
    )
    endpoint = {
        "specification": SPECIFICATION,
        "url": urljoin(request.url_root, "open311/v2"),
        "changeset": CHANGESET,
        "type": "production",
        "formats": ["text/xml", "application/json"],
    }
    return {
        "changeset": CHANGESET,
        "contact": contact,
        "key_service": key_service,
        "endpoints": [endpoint],
    }


def service_json(category: Category) -> dict:
    """Return a category as an Open311 service."""
    names = dict.fromkeys([localized(category), category.name_nl, category.name_en])
    return {
        "service_code": category.code,
        "service_name": localized(category),
        "description": None,  # categories have no description beyond their name
        "metadata": bool(category.questions),
        "type": "realtime",
        "keywords": ", ".join(names),
        "group": str(THEME_LABELS[Theme(category.theme)]),
    }


def definition_json(category: Category) -> dict:
    """Return a category's questions as the service definition's attributes."""
    attributes = [
        {
            "variable": True,
            "code": question["code"],
            "datatype": question["datatype"],
            "required": bool(question.get("required")),
            "datatype_description": None,
            "order": order,
            "description": localized(question, "label"),
            "values": [
                {"key": str(value["key"]), "name": localized(value)}
                for value in question.get("values", [])
            ],
        }
        for order, question in enumerate(category.questions or [], start=1)
    ]
    return {"service_code": category.code, "attributes": attributes}


def service_notice(category: Category, media_ignored: bool) -> str:
    """Tell the partner what happens next (and that a media_url was not used)."""
    days = category.handling_days
    notice = ngettext(
        "We aim to handle this within %(num)d day.",
        "We aim to handle this within %(num)d days.",
        days,
    )
    if media_ignored:
        notice += " " + gettext("The media_url was not used: this server does not fetch media.")
    return notice


def receipt_json(report: Report, data: dict) -> dict:
    """Return the answer to a posted request."""
    return {
        "service_request_id": str(report.id),
        "service_notice": service_notice(report.category, data["media_url"]),
        "account_id": data["account_id"],
    }


def _status_notes(report: Report, note: str) -> str:
    words = str(STATUS_LABELS[Status(report.status)])
    if report.status == Status.REFERRED and report.referred_to:
        words = f"{words}: {report.referred_to}"
    return f"{words}. {note}" if note else words


def _address(report: Report, given: str | None) -> str | None:
    if given:
        return given
    parts = [report.complex.name if report.complex else None]
    parts.append(report.neighbourhood.name if report.neighbourhood else None)
    return ", ".join(part for part in parts if part) or None


def _expected(report: Report) -> str | None:
    if report.expected_on is None or not is_open(report.status):
        return None
    return w3c(datetime.combine(report.expected_on, time(23, 59, 59), tzinfo=local_zone()))


def _agency(report: Report) -> str | None:
    if report.contractor:
        return report.contractor
    if report.status == Status.REFERRED and report.referred_to:
        return report.referred_to
    return None


def _updated(report: Report, last_public_update: datetime | None) -> datetime:
    if not is_open(report.status):
        return report.status_changed_at  # the spec: for closed requests, when it was closed
    return max(filter(None, [report.updated_at, last_public_update]))


def requests_json(session: Session, reports: list[Report]) -> list[dict]:
    """Return reports as service requests (notes, addresses and photos in three queries)."""
    ids = [report.id for report in reports]
    updates = services.public_updates(session, ids)
    given = services.addresses(session, ids)
    photos = photos_of(session, "report", ids)
    items = []
    for report in reports:
        note, last_update = updates.get(report.id, ("", None))
        first_photo = photos.get(report.id) or []
        items.append(
            {
                "service_request_id": str(report.id),
                "status": "open" if is_open(report.status) else "closed",
                "status_notes": _status_notes(report, note),
                "service_name": localized(report.category),
                "service_code": report.category.code,
                "description": report.description or None,
                "agency_responsible": _agency(report),
                "service_notice": None,
                "requested_datetime": w3c(report.created_at),
                "updated_datetime": w3c(_updated(report, last_update)),
                "expected_datetime": _expected(report),
                "address": _address(report, given.get(report.id)),
                "address_id": str(report.complex_id) if report.complex_id else None,
                "zipcode": None,
                "lat": report.lat,
                "long": report.lon,
                "media_url": (
                    urljoin(request.url_root, photo_json(first_photo[0])["url"])
                    if first_photo
                    else None
                ),
            }
        )
    return items
