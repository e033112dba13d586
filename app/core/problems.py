"""RFC 9457 problem documents (application/problem+json) for the JSON API."""

from __future__ import annotations

from typing import Any

from flask import g, json, make_response, request
from flask_babel import gettext, lazy_gettext

PROBLEM_MIMETYPE = "application/problem+json"
PROBLEM_TYPE_PREFIX = "tag:leefbaar,2026:problem/"

STATUS_TITLES = {
    400: lazy_gettext("Bad request"),
    401: lazy_gettext("Please log in"),
    403: lazy_gettext("Not allowed"),
    404: lazy_gettext("Not found"),
    405: lazy_gettext("Method not allowed"),
    409: lazy_gettext("Conflict"),
    410: lazy_gettext("No longer available"),
    413: lazy_gettext("Too large"),
    415: lazy_gettext("Unsupported content type"),
    422: lazy_gettext("Invalid input"),
    429: lazy_gettext("Too many attempts"),
    500: lazy_gettext("Something went wrong"),
    503: lazy_gettext("Temporarily unavailable"),
}


def status_title(status: int) -> str:
    """Return the translated short title for an HTTP status."""
    title = STATUS_TITLES.get(status)
    return str(title) if title else gettext("Error")


def wants_problem_json() -> bool:
    """Tell whether this request is answered with problem documents rather than HTML."""
    return request.path.startswith("/api/")


def problem_response(
    status: int,
    detail: str,
    *,
    code: str | None = None,
    errors: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
):
    """Build an application/problem+json response."""
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_PREFIX + code if code else "about:blank",
        "title": status_title(status),
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    request_id = g.get("request_id")
    if request_id:
        body["request_id"] = request_id
    response = make_response(json.dumps(body), status)
    response.mimetype = PROBLEM_MIMETYPE
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response
