"""Open311 use cases: partner keys, the services on offer, posting and finding requests.

Decisions, in short (README "Open311 for partners" has the partner's view):
- Services are the active, non-private report categories; private ones (inside homes) are
  never offered, and reports in them never listed or shown, whatever their own flag says.
- A partner authenticates with an api_key; only its sha256 is stored. A posted request
  becomes a report with no reporter (reporter_id NULL), source "open311", and an
  Open311Request row naming the partner; an internal timeline note tells staff who sent it
  and the address given. Names, e-mail and phone numbers that partners may send are not
  stored: the partner knows its own users, and we need not.
- Location: lat+long (the neighbourhood is the one whose boundary holds the point, if
  any), address_id (our building complex id, as listed by /api/v1/neighbourhoods; never a
  household, since homes are private), or address_string (kept in Open311Request and
  shown back as `address`).
- media_url is ignored: fetching URLs a partner names would make this server a proxy to
  anywhere; the POST's service_notice says so. Photos come through the app.
- Names are Dutch by default; `locale` (the CitySDK extension's parameter; core v2 has none)
  asks for English. Accept-Language is not used: servers' HTTP libraries send arbitrary ones.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from app.core.db import utcnow
from app.core.errors import Conflict, Forbidden, NotFound, RuleViolation
from app.neighbourhoods.models import Complex
from app.open311.geo import neighbourhood_at
from app.open311.models import Open311Partner, Open311Request
from app.reports.lifecycle import CLOSED
from app.reports.models import Category, Report, ReportUpdate
from app.reports.services.categories import check_answers, list_categories
from app.reports.services.reports import file_report

SOURCE = "open311"
MAX_REQUESTS = 1000  # the spec's default query limit
KEY_BYTES = 32


def hash_key(key: str) -> str:
    """Return the stored form of an API key (sha256, hex)."""
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(session: Session, name: str, *, replace: bool = False) -> tuple[str, bool]:
    """Give a partner a new API key (a new partner, or a replacement); return it once."""
    name = name.strip()
    if not 1 <= len(name) <= 80:
        raise RuleViolation("A partner's name has 1 to 80 characters.")
    key = secrets.token_urlsafe(KEY_BYTES)
    partner = session.scalar(select(Open311Partner).where(Open311Partner.name == name))
    if partner is None:
        session.add(Open311Partner(name=name, key_hash=hash_key(key)))
    elif not replace:
        raise Conflict(f"Partner {name} has a key already; use --replace to give a new one.")
    else:  # the old key stops working at once; the partner's reports stay attributed
        partner.key_hash, partner.revoked_at = hash_key(key), None
    session.flush()
    return key, partner is not None


def revoke_key(session: Session, name: str) -> bool:
    """Stop a partner's key from working; return False if it was revoked already."""
    partner = session.scalar(select(Open311Partner).where(Open311Partner.name == name.strip()))
    if partner is None:
        raise NotFound(f"There is no partner named {name}.")
    if partner.revoked_at is not None:
        return False
    partner.revoked_at = utcnow()
    session.flush()
    return True


def list_partners(session: Session) -> list[Open311Partner]:
    """Return the partners by name."""
    return list(session.scalars(select(Open311Partner).order_by(Open311Partner.name)))


def authenticate(session: Session, key: str | None) -> Open311Partner:
    """Return the partner whose valid key this is, or raise Forbidden (403)."""
    if not key:
        raise Forbidden("No api_key received: posting a request needs one.")
    partner = session.scalar(select(Open311Partner).where(Open311Partner.key_hash == hash_key(key)))
    if partner is None or partner.revoked_at is not None:
        raise Forbidden("Invalid api_key received: it is unknown or was revoked.")
    return partner


def service_categories(session: Session) -> list[Category]:
    """Return the categories offered as Open311 services: active and not private."""
    return [category for category in list_categories(session) if not category.private]


def service_category(session: Session, code: str) -> Category:
    """Return an offered category by code, or raise NotFound (also for private ones)."""
    category = session.scalar(select(Category).where(Category.code == code))
    if category is None or not category.active or category.private:
        raise NotFound(f"service_code {code} was not found.")
    return category


def _place(session: Session, data: dict) -> dict:
    """Turn the Open311 location parameters into the report's place."""
    place: dict = {}
    if data["address_id"] is not None:
        complex_ = session.get(Complex, data["address_id"])
        if complex_ is None:
            raise RuleViolation(
                "Unknown address_id.", errors={"address_id": ["No building complex has this id."]}
            )
        place.update(complex_id=complex_.id, neighbourhood_id=complex_.neighbourhood_id)
    if data["lat"] is not None:
        place.update(lat=data["lat"], lon=data["long"])
        if "neighbourhood_id" not in place:
            place["neighbourhood_id"] = neighbourhood_at(session, data["lat"], data["long"])
    return place


def _intake_note(partner: Open311Partner, address: str) -> str:
    """Write the staff note on a partner's report, in the corporation's language."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        note = gettext("Received through Open311 from %(partner)s.", partner=partner.name)
        if address:
            note += " " + gettext("Address given: %(address)s", address=address)
    return note


def submit_request(session: Session, partner: Open311Partner, data: dict) -> Report:
    """File a partner's service request as a report attributed to the partner."""
    category = service_category(session, data["service_code"])
    place = _place(session, data)
    answers = check_answers(category, data["attributes"])
    report = file_report(
        session,
        category,
        reporter_id=None,
        description=data["description"],
        answers=answers,
        place=place,
        source=SOURCE,
    )
    address = data["address_string"]
    session.add(Open311Request(report_id=report.id, partner_id=partner.id, address_string=address))
    note = _intake_note(partner, address)
    session.add(ReportUpdate(report_id=report.id, note=note, public=False))
    session.flush()
    return report


def _public() -> Select:
    """Select the reports Open311 may show: never a private one, nor one in a private category."""
    return (
        select(Report)
        .join(Category, Category.id == Report.category_id)
        .where(Report.private.is_(False), Category.private.is_(False))
        .options(selectinload(Report.complex), selectinload(Report.neighbourhood))
    )


def find_requests(session: Session, filters: dict) -> list[Report]:
    """Return at most 1,000 public reports matching the filters, newest first."""
    query = _public()
    if filters.get("ids") is not None:  # the spec: service_request_id overrides all else
        query = query.where(Report.id.in_(filters["ids"]))
    else:
        query = query.where(Report.created_at.between(filters["start"], filters["end"]))
        if filters.get("codes"):
            query = query.where(Category.code.in_(filters["codes"]))
        statuses = set(filters.get("statuses") or ())
        if statuses == {"open"}:
            query = query.where(Report.status.not_in(CLOSED))
        elif statuses == {"closed"}:
            query = query.where(Report.status.in_(CLOSED))
    query = query.order_by(Report.created_at.desc(), Report.id.desc()).limit(MAX_REQUESTS)
    return list(session.scalars(query))


def get_request(session: Session, report_id: int) -> Report:
    """Return one public report, or raise NotFound (private ones do not exist here)."""
    report = session.scalar(_public().where(Report.id == report_id))
    if report is None:
        raise NotFound("There is no service request with this service_request_id.")
    return report


def public_updates(session: Session, ids: list[int]) -> dict[int, tuple[str, datetime]]:
    """Return each report's latest public note (empty if none) and latest public update time."""
    found: dict[int, tuple[str, datetime]] = {}
    if not ids:
        return found
    rows = session.execute(
        select(ReportUpdate.report_id, ReportUpdate.note, ReportUpdate.created_at)
        .where(ReportUpdate.report_id.in_(ids), ReportUpdate.public.is_(True))
        .order_by(ReportUpdate.id)
    )
    for report_id, note, created_at in rows:
        previous_note = found.get(report_id, ("", created_at))[0]
        found[report_id] = (note or previous_note, created_at)
    return found


def addresses(session: Session, ids: list[int]) -> dict[int, str]:
    """Return the address strings partners gave, by report id."""
    if not ids:
        return {}
    rows = session.execute(
        select(Open311Request.report_id, Open311Request.address_string).where(
            Open311Request.report_id.in_(ids), Open311Request.address_string != ""
        )
    )
    return {report_id: address for report_id, address in rows}
