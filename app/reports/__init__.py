"""Defect and nuisance reports: categories, reports with photos, and the staff workflow."""

from flask import Flask
from flask_babel import lazy_gettext as _l

from app.reports import models  # noqa: F401  (register the tables)


def init_feature(app: Flask) -> None:
    """Register the reports API, pages and CLI, and who may see report photos."""
    from app.core.assets import add_staff_link
    from app.core.media import register_media_access
    from app.extensions import api as rest_api
    from app.reports.api import blp, categories, reports, workflow  # noqa: F401  (routes)
    from app.reports.cli import init_cli
    from app.reports.media import report_photo_access
    from app.reports.views import blueprint as report_pages
    from app.reports.views import categories as category_pages
    from app.reports.views import maps, queue

    rest_api.register_blueprint(blp)
    for blueprint in (report_pages, queue.blueprint, maps.blueprint, category_pages.blueprint):
        app.register_blueprint(blueprint)
    add_staff_link(app, "report_queue.queue_page", _l("Reports"), 40)
    add_staff_link(app, "report_categories.index", _l("Report categories"), 45)
    register_media_access("report", report_photo_access)
    init_cli(app)
