"""Activities: list, show, create and change them, and add shifts."""

from __future__ import annotations

from flask_login import login_required

from app.accounts.auth import current_viewer, require_login
from app.core.api import page_schema
from app.core.db import commit
from app.extensions import db
from app.volunteering import schemas
from app.volunteering.api import ACTIVITY, blp
from app.volunteering.services import activities as services
from app.volunteering.services import shifts as shift_services

ActivityPage = page_schema(schemas.ActivitySchema, "ActivityPage")


def show(activity_id: int):
    """Return the activity as the current viewer sees it, freshly loaded."""
    viewer = current_viewer()
    activity = services.get_activity(db.session, viewer, activity_id)
    services.annotate(db.session, viewer, [activity])
    return activity


@blp.get("/activities")
@blp.arguments(schemas.ActivityQuerySchema, location="query")
@blp.response(200, ActivityPage)
def list_activities(query):
    """List activities that have not ended, soonest first; filter by place, theme and period."""
    limit = query.pop("limit")
    return services.list_activities(db.session, current_viewer(), query, limit=limit)


@blp.post("/activities")
@login_required
@blp.arguments(schemas.ActivityCreateSchema)
@blp.response(201, schemas.ActivitySchema)
def create_activity(data):
    """Add an activity with its shifts (staff, and residents who organise in the neighbourhood)."""
    activity = services.create_activity(db.session, require_login(), data)
    commit(db.session)
    return show(activity.id)


@blp.get(ACTIVITY)
@blp.response(200, schemas.ActivitySchema)
def get_activity(activity_id):
    """Show an activity with its shifts, places left and the caller's own signups."""
    return show(activity_id)


@blp.patch(ACTIVITY)
@login_required
@blp.arguments(schemas.ActivityUpdateSchema)
@blp.response(200, schemas.ActivitySchema)
def update_activity(changes, activity_id):
    """Change an activity, publish, cancel (everyone signed up is told) or complete it."""
    user = require_login()
    activity = services.get_activity(db.session, user, activity_id, lock=True)
    services.update_activity(db.session, user, activity, changes)
    commit(db.session)
    return show(activity_id)


@blp.post(f"{ACTIVITY}/shifts")
@login_required
@blp.arguments(schemas.ShiftCreateSchema)
@blp.response(201, schemas.ShiftSchema)
def add_shift(data, activity_id):
    """Add a shift to an activity (its organisers)."""
    user = require_login()
    activity = services.get_activity(db.session, user, activity_id, lock=True)
    shift = shift_services.add_shift(db.session, user, activity, data)
    commit(db.session)
    shift.my_signup = None
    return shift
