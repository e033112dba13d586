"""General pages: home, language choice and the readable API reference."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import BadRequest

from app.core.assets import add_nav_item
from app.core.db import commit
from app.core.i18n import LANGUAGE_COOKIE, LANGUAGE_NAMES
from app.core.urls import safe_next
from app.extensions import api, db

blueprint = Blueprint("pages", __name__)


@blueprint.record_once
def _register_nav(state) -> None:
    add_nav_item(state.app, "pages.home", _l("Home"), "home", 0)


@blueprint.get("/")
def home():
    """Show the start page."""
    return render_template("home.html")


@blueprint.post("/taal")
def choose_language():
    """Remember the chosen language (in the account when logged in, else in a cookie)."""
    language = request.form.get("language", "")
    if language not in LANGUAGE_NAMES:
        raise BadRequest()
    target = safe_next(request.form.get("next"))
    if current_user.is_authenticated:
        current_user.language = language
        commit(db.session)
    response = redirect(target)
    response.set_cookie(
        LANGUAGE_COOKIE,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


@blueprint.get("/api/v1/docs")
def api_docs():
    """Render the OpenAPI document as a plain, offline-readable page."""
    return render_template("api_docs.html", spec=api.spec.to_dict())
