"""JSON API of reports: categories, reports, and the staff workflow (one blueprint)."""

from flask_smorest import Blueprint

blp = Blueprint("reports_api", __name__, url_prefix="/api/v1", description="Reports")
REPORT = "/reports/<int(max=2147483647):report_id>"
