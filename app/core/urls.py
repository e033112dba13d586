"""Helpers for URLs that come from users."""

from __future__ import annotations

from flask import current_app, url_for


def safe_next(target: str | None) -> str:
    """Return target if it is a path on this site, else the home page."""
    # Browsers drop tabs and newlines from URLs and read "\" as "/", so "/\t/evil.example"
    # would become "//evil.example": refuse control characters and backslashes outright.
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and target.isprintable()
    ):
        return target
    return url_for("pages.home")


def public_url(path: str) -> str:
    """Return an absolute address on the configured public site (BASE_URL).

    Never built from the request's Host header: a forged Host would otherwise end up in mails
    and calendar feeds, pointing people to another site.
    """
    return current_app.config["BASE_URL"].rstrip("/") + path
