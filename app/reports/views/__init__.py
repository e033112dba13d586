"""The report pages: the list, filing a report, one report with its forms, the staff queue."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.assets import add_nav_item
from app.reports.lifecycle import STATUS_LABELS
from app.reports.services.categories import localized

blueprint = Blueprint("reports", __name__)
REPORT = "/meldingen/<int(max=2147483647):report_id>"


@blueprint.record_once
def _register(state) -> None:
    add_nav_item(state.app, "reports.index", _l("Report"), "report", 30)
    state.app.jinja_env.globals["report_status_labels"] = STATUS_LABELS


@blueprint.app_template_filter("report_status")
def report_status(status: str) -> str:
    """Write a report status in words."""
    return str(STATUS_LABELS.get(status, status))


@blueprint.app_template_filter("localized")
def localized_filter(item, field: str = "name") -> str:
    """Return the Dutch or English text of a category, question or option."""
    return localized(item, field)


from app.reports.views import actions, filing, pages  # noqa: E402, F401  (routes)
