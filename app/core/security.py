"""Request hardening: security headers, cross-site refusal, body types, request ids."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable

from flask import Flask, Request, current_app, g, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.exceptions import (
    BadRequest,
    Forbidden,
    RequestEntityTooLarge,
    UnsupportedMediaType,
)

from app.core.assets import viewer_key
from app.core.db import reset_write_intent, set_write_intent, utcnow

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
JSON_TYPES = frozenset({"application/json"})
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "form-action 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)


class SessionCookies(SecureCookieSessionInterface):
    """Signed cookie sessions whose sliding expiry is renewed at most once per interval.

    Flask re-signs a permanent session's cookie on every response to slide its expiry: a
    signature, compression and a Set-Cookie header on every logged-in request. The cookie's
    signed timestamp tells its age, so an unchanged cookie is re-signed only once it is older
    than SESSION_REFRESH_INTERVAL, and on every request while old keys are still accepted
    (SECRET_KEY_FALLBACKS), so a key rotation moves cookies to the new key as soon as before.
    """

    def __init__(self) -> None:
        self._serializers: dict[tuple, URLSafeTimedSerializer] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Return the cookie serializer, made once per set of keys rather than per request."""
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = self._serializers[keys] = super().get_signing_serializer(app)
        return serializer

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """Read the session cookie, noting when it was signed."""
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        session = self.session_class(data)
        session.signed_at = signed_at
        return session

    def should_set_cookie(self, app: Flask, session: SecureCookieSession) -> bool:
        """Send the cookie when it changed or its expiry is due to slide."""
        if session.modified:
            return True
        if not (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            return False
        signed_at = getattr(session, "signed_at", None)
        if signed_at is None or app.config["SECRET_KEY_FALLBACKS"]:
            return True
        return utcnow() - signed_at >= app.config["SESSION_REFRESH_INTERVAL"]


class JsonRequest(Request):
    """Request whose malformed JSON bodies raise the same 400 as webargs' parsing does."""

    def on_json_loading_failed(self, e: ValueError | None):
        if e is None:
            return super().on_json_loading_failed(e)
        error = BadRequest()
        error.data = {"messages": {"json": ["Invalid JSON body."]}}
        raise error


def accepts(*mimetypes: str) -> Callable:
    """Declare which request body types an API view takes (JSON only by default)."""

    def decorate(view: Callable) -> Callable:
        view.accepted_mimetypes = frozenset(mimetypes)
        return view

    return decorate


class RequestIdFilter(logging.Filter):
    """Put the current request id on every log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            record.request_id = g.get("request_id", "-")
        except RuntimeError:  # outside a request or app context
            record.request_id = "-"
        return True


def _assign_request_id() -> None:
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex


def _refuse_cross_site_writes() -> None:
    if request.method in UNSAFE_METHODS and request.headers.get("Sec-Fetch-Site") == "cross-site":
        raise Forbidden()


def _check_api_body() -> None:
    if request.method not in UNSAFE_METHODS or not request.path.startswith("/api/"):
        return
    if not request.content_length and not request.headers.get("Transfer-Encoding"):
        return
    view = current_app.view_functions.get(request.endpoint or "")
    allowed = getattr(view, "accepted_mimetypes", JSON_TYPES)
    if request.mimetype not in allowed:
        raise UnsupportedMediaType()
    if request.mimetype in JSON_TYPES:
        # Also caps chunked bodies, which announce no length: reading past it raises 413.
        request.max_content_length = current_app.config["MAX_JSON_BYTES"]
        if (request.content_length or 0) > request.max_content_length:
            raise RequestEntityTooLarge()
        _parse_json_early()


def _parse_json_early() -> None:
    """Parse the body once here so deeply nested JSON is a 400, not a RecursionError (500)."""
    # A chunked body is cut off at the limit rather than refused; one more byte means too big.
    # Only for chunked bodies: with a known length, reading on could wait for the next request.
    chunked = request.content_length is None
    cut_off = len(request.get_data()) >= request.max_content_length
    if chunked and cut_off and request.environ["wsgi.input"].read(1):
        raise RequestEntityTooLarge()
    try:
        request.get_json()
    except RecursionError:
        request.on_json_loading_failed(ValueError("nested too deeply"))


def _begin_request() -> None:
    # On SQLite, writes take the database lock at BEGIN so concurrent writers queue up.
    g.write_intent_token = set_write_intent(request.method in UNSAFE_METHODS)


def _end_request(exc: BaseException | None = None) -> None:
    token = g.pop("write_intent_token", None)
    if token is not None:
        reset_write_intent(token)


def _security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    headers["X-Frame-Options"] = "DENY"
    headers["Permissions-Policy"] = "camera=(self), geolocation=(self), microphone=()"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if current_app.config["HSTS_ENABLED"]:
        headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    if g.get("request_id"):
        headers["X-Request-ID"] = g.request_id
    if response.mimetype == "text/html":
        headers["X-Viewer"] = viewer_key()
    if request.path.startswith("/static/"):
        if request.args.get("v"):
            headers["Cache-Control"] = "public, max-age=31536000, immutable"
    elif current_user and current_user.is_authenticated:
        # Personal pages are never stored; a view that knows better (a public photo, a
        # library file) has said so itself.
        headers.setdefault("Cache-Control", "no-store")
        headers["Vary"] = "Cookie"
    return response


def init_security(app: Flask) -> None:
    """Install the session cookies and the request hooks."""
    app.session_interface = SessionCookies()
    app.before_request(_begin_request)
    app.before_request(_assign_request_id)
    app.before_request(_refuse_cross_site_writes)
    app.before_request(_check_api_body)
    app.teardown_request(_end_request)
    app.after_request(_security_headers)
