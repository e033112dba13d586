"""Domain errors raised by services, and the handlers that turn every error into a response."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.core.problems import problem_response, status_title, wants_problem_json

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule of the domain said no; carries a message fit for the user."""

    status = 400
    code = "domain-error"

    def __init__(self, message: str, *, errors: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors


class NotFound(DomainError):
    """The object does not exist, or the user may not know that it does."""

    status = 404
    code = "not-found"


class Unauthenticated(DomainError):
    """The user must log in first."""

    status = 401
    code = "unauthenticated"


class Forbidden(DomainError):
    """The user is known but lacks the right."""

    status = 403
    code = "forbidden"


class Conflict(DomainError):
    """The request clashes with the current state (duplicates, stale versions)."""

    status = 409
    code = "conflict"


class RuleViolation(DomainError):
    """The input is well-formed but breaks a rule; errors may be keyed by field."""

    status = 422
    code = "rule-violation"


def _http_detail(error: HTTPException) -> str:
    details = {
        400: gettext("The request could not be understood."),
        401: gettext("You need to log in to do this."),
        403: gettext("You are not allowed to do this."),
        404: gettext("We could not find this page or item."),
        405: gettext("This action is not possible here."),
        413: gettext("What you sent is too large."),
        415: gettext("This kind of content is not accepted here."),
        422: gettext("Some of what you entered is not valid."),
        429: gettext("Too many attempts. Please wait a moment and try again."),
    }
    return details.get(error.code or 500, gettext("Something went wrong on our side."))


def translate_messages(messages: Any) -> Any:
    """Translate validation messages, keeping their nesting."""
    if isinstance(messages, dict):
        return {key: translate_messages(value) for key, value in messages.items()}
    if isinstance(messages, list | tuple):
        return [translate_messages(message) for message in messages]
    return gettext(str(messages)) if isinstance(messages, str) else messages


def validation_errors(error: HTTPException) -> dict[str, Any] | None:
    """Flatten webargs messages ({location: {field: [...]}}) into {field: [...]}."""
    messages = (getattr(error, "data", None) or {}).get("messages")
    if not isinstance(messages, dict):
        return None
    flat: dict[str, Any] = {}
    for location_messages in messages.values():
        if isinstance(location_messages, dict):
            flat.update(location_messages)
        else:
            flat.setdefault("_body", []).extend(location_messages)
    return translate_messages(flat)


def _render_error(status: int, detail: str, *, code=None, errors=None, headers=None):
    if wants_problem_json():
        return problem_response(status, detail, code=code, errors=errors, headers=headers)
    page = render_template(
        "errors/error.html", status=status, title=status_title(status), detail=detail
    )
    return page, status, headers or {}


def _is_page_visit() -> bool:
    return request.method == "GET" and not wants_problem_json()


def handle_http_exception(error: HTTPException):
    """Answer any HTTP error as a problem document under /api/ and as a page elsewhere."""
    status = error.code or 500
    if isinstance(error, InternalServerError):
        return handle_unexpected(error.original_exception or error)
    detail = _http_detail(error)
    code = None
    errors = validation_errors(error) if status in (400, 422) else None
    if isinstance(error, CSRFError):
        detail, code = gettext("Your session has expired. Reload the page and try again."), "csrf"
    elif status == 400 and errors and "_body" in errors:
        detail, code, errors = (
            gettext("The request body is not valid JSON."),
            "malformed-json",
            None,
        )
    elif status == 422:
        code = "validation-error"
    headers = dict(error.get_headers())
    headers.pop("Content-Type", None)
    headers.update((getattr(error, "data", None) or {}).get("headers") or {})
    return _render_error(status, detail, code=code, errors=errors, headers=headers)


def handle_domain_error(error: DomainError):
    """Answer a rule the domain enforced; people who must log in are sent to the login page."""
    login_view = (
        getattr(current_app, "login_manager", None) and current_app.login_manager.login_view
    )
    if isinstance(error, Unauthenticated) and login_view and _is_page_visit():
        return redirect(url_for(login_view, next=request.full_path.rstrip("?")))
    return _render_error(error.status, error.message, code=error.code, errors=error.errors)


def handle_unexpected(error: BaseException):
    """Log an unexpected failure with the request id and answer without any detail."""
    # A failed statement must not break rendering the error page (which loads the user).
    current_app.extensions["sqlalchemy"].session.rollback()
    log.error("Unhandled error (request %s)", g.get("request_id"), exc_info=error)
    detail = gettext(
        "Something went wrong on our side. Please try again later. Reference: %(ref)s",
        ref=g.get("request_id", "-"),
    )
    return _render_error(500, detail, code="internal-error")


def register_error_handlers(app: Flask) -> None:
    """Install the handlers for HTTP errors, domain errors and unexpected exceptions."""
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(Exception, handle_unexpected)
