"""Open311 GeoReport v2 for partners: services from report categories, requests as reports."""

from flask import Flask

from app.open311 import models  # noqa: F401  (register the tables)


def init_feature(app: Flask) -> None:
    """Register the Open311 endpoints (exempt from CSRF: partners use an api_key) and CLI."""
    from app.extensions import csrf
    from app.open311.cli import init_cli
    from app.open311.views import blueprint

    csrf.exempt(blueprint)
    app.register_blueprint(blueprint)
    init_cli(app)
