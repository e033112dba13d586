"""General pages: home and the readable API reference."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l

from app.core.assets import add_nav_item
from app.extensions import api

blueprint = Blueprint("pages", __name__)


@blueprint.record_once
def _register_nav(state) -> None:
    add_nav_item(state.app, "pages.home", _l("Home"), "home", 0)


@blueprint.get("/")
def home():
    """Show the start page."""
    return render_template("home.html")


@blueprint.get("/api/v1/docs")
def api_docs():
    """Render the OpenAPI document as a plain, offline-readable page."""
    return render_template("api_docs.html", spec=api.spec.to_dict())
