"""Language choice (user setting, then cookie, then Accept-Language), library messages, zone."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Flask, Response, current_app, has_request_context, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.extensions import babel

LANGUAGE_COOKIE = "lang"
LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English"}

# Messages that marshmallow and webargs produce; listed so they are extracted into the
# catalogue and app.core.errors can translate them when it answers a validation error.
LIBRARY_MESSAGES = (
    _l("Missing data for required field."),
    _l("Unknown field."),
    _l("Field may not be null."),
    _l("Invalid input type."),
    _l("Invalid value."),
    _l("Not a valid string."),
    _l("Not a valid integer."),
    _l("Not a valid number."),
    _l("Not a valid boolean."),
    _l("Not a valid email address."),
    _l("Not a valid list."),
    _l("Not a valid mapping type."),
    _l("Not a valid datetime."),
    _l("Not a valid date."),
    _l("Not a valid URL."),
    _l("Must be one of: nl, en."),
    _l("Invalid JSON body."),
)


def select_locale() -> str:
    """Pick the user's language: account setting, then cookie, then Accept-Language."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if cookie in languages:
        return cookie
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def init_i18n(app: Flask) -> None:
    """Bind Flask-Babel with our locale selector and the app's translations folder."""
    babel.init_app(app, locale_selector=select_locale)


def remember_language(response: Response, language: str) -> None:
    """Keep a visitor's language choice in a cookie for a year."""
    response.set_cookie(
        LANGUAGE_COOKIE,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )


def local_zone() -> ZoneInfo:
    """Return the time zone people here read and type times in (Europe/Amsterdam)."""
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
