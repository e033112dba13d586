"""JSON API of volunteering (one blueprint; the routes live in the modules beside this one)."""

from flask_smorest import Blueprint

blp = Blueprint("volunteering_api", __name__, url_prefix="/api/v1", description="Volunteering")
ACTIVITY = "/activities/<int(max=2147483647):activity_id>"
SHIFT = "/shifts/<int(max=2147483647):shift_id>"
