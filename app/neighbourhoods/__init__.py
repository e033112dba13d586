"""Neighbourhoods, complexes and households; residents verify their address here."""

from flask import Flask
from flask_babel import lazy_gettext as _l

from app.core.assets import add_slot, add_staff_link
from app.extensions import api as rest_api
from app.neighbourhoods import models  # noqa: F401  (register the tables)
from app.neighbourhoods.api import blp
from app.neighbourhoods.forms import VerifyForm
from app.neighbourhoods.views import blueprint


def init_feature(app: Flask) -> None:
    """Register the neighbourhoods API and pages, and the address section of /account."""
    rest_api.register_blueprint(blp)
    app.register_blueprint(blueprint)
    add_slot(app, "account", "neighbourhoods/_account_address.html", order=10)
    add_staff_link(app, "neighbourhoods.manage_index", _l("Neighbourhoods"), 10)
    app.jinja_env.globals["verify_form_class"] = VerifyForm
