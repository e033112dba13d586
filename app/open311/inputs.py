"""Read Open311 input: the form of a new request and the filters of the request list.

Problems are raised as RuleViolation with errors keyed by parameter; the views answer them
in the spec's errors format with status 400.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta

from flask import Request

from app.core.db import utcnow
from app.core.errors import RuleViolation
from app.open311.services import MAX_REQUESTS
from app.reports.inputs import ATTRIBUTE

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
MAX_DAYS = 90
MAX_DESCRIPTION = 4000  # the spec's limit, and the app's
MAX_ADDRESS = 500
LANGUAGES = ("nl", "en")
MAX_ID = 2**31 - 1
UNENCODED_PLUS = re.compile(r" (\d\d:?\d\d)$")


def _invalid(field: str, message: str) -> RuleViolation:
    return RuleViolation(message, errors={field: [message]})


def language(request: Request) -> str:
    """Return the language of names and notes: `locale` (a CitySDK extension), else Dutch."""
    wanted = (request.values.get("locale") or "").replace("-", "_").split("_")[0].lower()
    return wanted if wanted in LANGUAGES else LANGUAGES[0]


def api_key(request: Request) -> str | None:
    """Return the api_key of a POST: in the form, as the spec says, or in the query string."""
    return request.form.get("api_key") or request.args.get("api_key") or None


def _number(form, field: str, low: float, high: float) -> float | None:
    raw = (form.get(field) or "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise _invalid(field, "Give a number in WGS84 degrees.") from None
    if not math.isfinite(value) or not low <= value <= high:
        raise _invalid(field, f"Give a number from {low:g} to {high:g}.")
    return value


def _attributes(form) -> dict:
    """Return attribute[code]=value and attribute[code][]=value pairs as {code: value(s)}."""
    found: dict = {}
    for key in form:
        if not key.startswith("attribute["):
            continue
        match = ATTRIBUTE.fullmatch(key)
        if match is None:
            raise _invalid(key, "Name attributes as attribute[code] or attribute[code][].")
        values = [value for value in form.getlist(key) if value != ""]
        if values:
            found[match[1]] = values if match[2] or len(values) > 1 else values[0]
    return found


def _location(form) -> dict:
    lat, lon = _number(form, "lat", -90, 90), _number(form, "long", -180, 180)
    if (lat is None) != (lon is None):
        raise _invalid("long" if lon is None else "lat", "Send lat and long together.")
    address = (form.get("address_string") or "").strip()
    if len(address) > MAX_ADDRESS:
        raise _invalid("address_string", f"Keep it under {MAX_ADDRESS} characters.")
    raw_id = (form.get("address_id") or "").strip()
    if raw_id and not (raw_id.isdigit() and int(raw_id) <= MAX_ID):
        raise _invalid("address_id", "Give the id of one of our building complexes.")
    if lat is None and not address and not raw_id:
        raise _invalid("location", "Send lat and long, address_string or address_id.")
    return {
        "lat": lat,
        "long": lon,
        "address_string": address,
        "address_id": int(raw_id) if raw_id else None,
    }


def request_input(request: Request) -> dict:
    """Return the fields of a new service request from its form-encoded body."""
    if request.mimetype not in FORM_TYPES:
        raise _invalid("body", "Send the request as application/x-www-form-urlencoded.")
    form = request.form
    code = (form.get("service_code") or "").strip()
    if not code:
        raise _invalid("service_code", "service_code was not provided.")
    description = (form.get("description") or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise _invalid("description", f"Keep it under {MAX_DESCRIPTION} characters.")
    return {
        "service_code": code,
        "description": description,
        "attributes": _attributes(form),
        "account_id": (form.get("account_id") or "").strip()[:100] or None,
        "media_url": bool((form.get("media_url") or "").strip()),
        **_location(form),
    }


def _values(args, field: str) -> list[str]:
    """Return a parameter's values, given repeatedly and/or comma delimited; empty is absent."""
    return [part.strip() for raw in args.getlist(field) for part in raw.split(",") if part.strip()]


def _moment(args, field: str) -> datetime | None:
    raw = (args.get(field) or "").strip()
    if not raw:
        return None
    raw = UNENCODED_PLUS.sub(r"+\1", raw)  # "+01:00" sent without encoding arrives as " 01:00"
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise _invalid(field, "Use a W3C date-time with a time zone, e.g. 2026-01-01T00:00:00Z.")
    return moment


def _ids(args) -> list[int] | None:
    ids = _values(args, "service_request_id")
    if not ids:
        return None
    if not all(value.isdigit() for value in ids):
        raise _invalid("service_request_id", "Give service request ids, comma delimited.")
    if len(ids) > MAX_REQUESTS:
        raise _invalid("service_request_id", f"Ask for at most {MAX_REQUESTS} at once.")
    return sorted({int(value) for value in ids if int(value) <= MAX_ID})


def _window(args) -> tuple[datetime, datetime]:
    """Return the requested_datetime range: at most 90 days, by default the latest 90."""
    start, end = _moment(args, "start_date"), _moment(args, "end_date")
    span = timedelta(days=MAX_DAYS)
    if start is None and end is None:
        end = utcnow()
    if start is None:
        start = end - span
    elif end is None:
        end = start + span
    if end < start:
        raise _invalid("end_date", "end_date comes before start_date.")
    if end - start > span:
        raise _invalid("end_date", f"The range may not span more than {MAX_DAYS} days.")
    return start, end


def query_filters(args) -> dict:
    """Return the filters of GET requests: ids alone, or codes, statuses and a date range."""
    ids = _ids(args)
    if ids is not None:
        return {"ids": ids}
    statuses = _values(args, "status")
    unknown = set(statuses) - {"open", "closed"}
    if unknown:
        raise _invalid("status", "Use open and/or closed.")
    start, end = _window(args)
    return {
        "codes": _values(args, "service_code"),
        "statuses": statuses,
        "start": start,
        "end": end,
    }
