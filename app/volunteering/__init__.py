"""Volunteering: activities with shifts, signups and waitlists, check-in, hours and calendars."""

from flask import Flask

from app.volunteering import jobs, models  # noqa: F401  (register the tables and jobs)


def init_feature(app: Flask) -> None:
    """Register the volunteering API and pages."""
    from app.extensions import api as rest_api
    from app.volunteering.api import activities, blp, calendar, me, shifts  # noqa: F401
    from app.volunteering.cli import init_cli
    from app.volunteering.views import init_views

    rest_api.register_blueprint(blp)
    init_views(app)
    init_cli(app)
