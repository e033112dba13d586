"""The GeoReport v2 endpoints under /open311/v2, in XML or JSON by the URL's suffix.

Partners' servers post form-encoded requests and authenticate with an api_key, not with a
session, so this blueprint is exempt from Flask-WTF's CSRF check (see init_feature); core's
JSON body checks (415/413) apply under /api/ only and leave these routes alone, while its
refusal of cross-site browser writes (Sec-Fetch-Site) still holds: partners post from servers.
Every error, unknown paths under /open311/ included, is answered in the spec's errors
format: 404 for what does not exist, 403 for a missing, wrong or revoked api_key, 400 for
any other request that cannot be fulfilled (429, 405 and 500 keep their own status).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from flask import Blueprint, Response, current_app, g, request
from flask_babel import force_locale
from werkzeug.exceptions import HTTPException

from app.core.db import commit
from app.core.errors import DomainError
from app.extensions import db
from app.open311 import inputs, limits, present, services
from app.open311.formats import document, errors_document

log = logging.getLogger(__name__)
blueprint = Blueprint("open311", __name__, url_prefix="/open311")
FMT = "<any(json, xml):fmt>"
REQUEST_ID = "<int(max=2147483647):report_id>"
ANY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def localized(view: Callable) -> Callable:
    """Answer in the language asked for with `locale` (Dutch by default)."""

    @functools.wraps(view)
    def in_language(*args, **kwargs) -> Response:
        with force_locale(inputs.language(request)):
            return view(*args, **kwargs)

    return in_language


@blueprint.get(f"/v2/discovery.{FMT}")
@localized
def discovery(fmt: str) -> Response:
    """Tell clients where the GeoReport v2 endpoint is and which formats it speaks."""
    return document(fmt, "discovery", present.discovery_json())


@blueprint.get(f"/v2/services.{FMT}")
@localized
def service_list(fmt: str) -> Response:
    """List the kinds of report partners may post (never private ones)."""
    categories = services.service_categories(db.session)
    return document(fmt, "services", [present.service_json(c) for c in categories])


@blueprint.get(f"/v2/services/<code>.{FMT}")
@localized
def service_definition(code: str, fmt: str) -> Response:
    """Define a service's attributes (the category's questions)."""
    category = services.service_category(db.session, code)
    return document(fmt, "service_definition", present.definition_json(category))


@blueprint.post(f"/v2/requests.{FMT}")
@limits.per_key
@limits.bad_keys_per_address
@localized
def post_request(fmt: str) -> Response:
    """File a service request for a partner (api_key required)."""
    partner = services.authenticate(db.session, inputs.api_key(request))
    data = inputs.request_input(request)
    report = services.submit_request(db.session, partner, data)
    commit(db.session)
    return document(fmt, "service_requests", [present.receipt_json(report, data)], 201)


@blueprint.get(f"/v2/requests.{FMT}")
@localized
def request_list(fmt: str) -> Response:
    """List public service requests: at most 1,000, within 90 days, newest first."""
    reports = services.find_requests(db.session, inputs.query_filters(request.args))
    return document(fmt, "service_requests", present.requests_json(db.session, reports))


@blueprint.get(f"/v2/requests/{REQUEST_ID}.{FMT}")
@localized
def request_detail(report_id: int, fmt: str) -> Response:
    """Show one public service request (as a list of one, as the spec has it)."""
    report = services.get_request(db.session, report_id)
    return document(fmt, "service_requests", present.requests_json(db.session, [report]))


@blueprint.route("/<path:rest>", methods=ANY_METHOD)
def unknown(rest: str) -> Response:
    """Answer paths and methods that do not exist here in the errors format."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = []
    for method in ("GET", "POST"):
        try:
            endpoint, _ = adapter.match(method=method)
        except HTTPException:
            continue
        if endpoint != "open311.unknown":
            allowed.append(method)
    if allowed:
        headers = {"Allow": ", ".join(allowed)}
        return errors_document(_format(), 405, ["This method is not allowed here."], headers)
    return errors_document(_format(), 404, ["There is nothing at this address."])


def _format() -> str:
    """Return the format the URL asked for; XML, the spec's required format, otherwise."""
    fmt = (request.view_args or {}).get("fmt")
    if fmt in ("json", "xml"):
        return fmt
    return "json" if request.path.endswith(".json") else "xml"


def _descriptions(error: DomainError) -> list[str]:
    """Return one description per field error (attribute[code] for answers), else the message."""
    found = []
    for field, messages in (error.errors or {}).items():
        if isinstance(messages, dict):  # answers to the service's attributes, by code
            found += [
                f"attribute[{code}]: {text}" for code, texts in messages.items() for text in texts
            ]
        else:
            found += [f"{field}: {text}" for text in messages]
    return found or [error.message]


@blueprint.errorhandler(DomainError)
def domain_error(error: DomainError) -> Response:
    """Answer a refusal: 404 and 403 as they are, anything else as 400."""
    status = {401: 403, 403: 403, 404: 404}.get(error.status, 400)
    return errors_document(_format(), status, _descriptions(error))


@blueprint.errorhandler(HTTPException)
def http_error(error: HTTPException) -> Response:
    """Answer HTTP errors (405, 413, 429 …) in the errors format, keeping their status."""
    headers = dict(error.get_headers())
    headers.pop("Content-Type", None)
    text = f"{error.name}: {error.description}" if error.description else error.name
    return errors_document(_format(), error.code or 400, [text], headers)


@blueprint.errorhandler(Exception)
def unexpected(error: Exception) -> Response:
    """Log an unexpected failure with the request id; tell the client only that reference."""
    db.session.rollback()
    log.error("Unhandled Open311 error (request %s)", g.get("request_id"), exc_info=error)
    text = f"Something went wrong on our side. Reference: {g.get('request_id', '-')}"
    return errors_document(_format(), 500, [text])
