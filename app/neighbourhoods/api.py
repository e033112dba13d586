"""JSON API for neighbourhoods, homes, invite codes and resident verification."""

from __future__ import annotations

from flask import current_app, request
from flask_login import current_user, login_required
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import selectinload, undefer

from app.accounts.auth import require_staff, staff_required
from app.accounts.schemas import MeSchema
from app.core.api import PageQuerySchema, page_schema, paginate
from app.core.db import commit
from app.core.security import accepts
from app.extensions import db, limiter
from app.neighbourhoods import schemas, services
from app.neighbourhoods.imports import household_rows
from app.neighbourhoods.models import Neighbourhood

blp = Blueprint(
    "neighbourhoods_api", __name__, url_prefix="/api/v1", description="Neighbourhoods and homes"
)
NeighbourhoodPage = page_schema(schemas.NeighbourhoodSchema, "NeighbourhoodPage")
# Shared by the API and the /account form; keyed by the account (not the session) and by
# the client address, so neither logging in again nor new accounts buy more guesses.
verify_per_user = limiter.shared_limit(
    lambda: current_app.config["VERIFY_LIMIT_PER_USER"],
    "verify-user",
    key_func=lambda: f"user:{current_user.id if current_user.is_authenticated else '-'}",
)
verify_per_ip = limiter.shared_limit(lambda: current_app.config["VERIFY_LIMIT_PER_IP"], "verify-ip")


def verify_limit(view):
    """Limit invite-code attempts per account and per client address."""
    return verify_per_user(verify_per_ip(view))


IMPORT_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": schemas.HouseholdImportSchema},
        "text/csv": {"schema": {"type": "string"}},
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        },
    },
}


@blp.get("/neighbourhoods")
@blp.arguments(PageQuerySchema, location="query")
@blp.response(200, NeighbourhoodPage)
def list_neighbourhoods(page):
    """List neighbourhoods by name."""
    query = select(Neighbourhood).options(
        selectinload(Neighbourhood.complexes), undefer(Neighbourhood.boundary)
    )
    return paginate(db.session, query, (Neighbourhood.name, Neighbourhood.id), **page)


@blp.get("/neighbourhoods/<slug>")
@blp.response(200, schemas.NeighbourhoodSchema)
def get_neighbourhood(slug):
    """Show one neighbourhood."""
    return services.get_neighbourhood(db.session, slug)


@blp.post("/neighbourhoods")
@staff_required  # before the body is parsed: outsiders learn nothing from validation errors
@blp.arguments(schemas.NeighbourhoodCreateSchema)
@blp.response(201, schemas.NeighbourhoodSchema)
def create_neighbourhood(data):
    """Add a neighbourhood (staff)."""
    neighbourhood = services.create_neighbourhood(db.session, require_staff(), data)
    commit(db.session)
    return neighbourhood


@blp.patch("/neighbourhoods/<slug>")
@staff_required
@blp.arguments(schemas.NeighbourhoodUpdateSchema)
@blp.response(200, schemas.NeighbourhoodSchema)
def update_neighbourhood(changes, slug):
    """Change a neighbourhood (staff who manage it)."""
    staff = require_staff()
    neighbourhood = services.get_neighbourhood(db.session, slug)
    services.update_neighbourhood(db.session, staff, neighbourhood, changes)
    commit(db.session)
    return neighbourhood


@blp.post("/neighbourhoods/<slug>/households")
@accepts("application/json", "text/csv", "multipart/form-data")
@blp.doc(requestBody=IMPORT_BODY)
@blp.response(201, schemas.HouseholdListSchema)
def import_households(slug):
    """Import homes from JSON or CSV; all rows are added or none (staff)."""
    staff = require_staff()
    neighbourhood = services.get_neighbourhood(db.session, slug)
    rows = household_rows(request)
    households = services.import_households(db.session, staff, neighbourhood, rows)
    commit(db.session)
    return {"items": households}


@blp.post("/households/<int(max=2147483647):household_id>/invite-code")
@blp.response(201, schemas.InviteCodeSchema)
def issue_invite_code(household_id):
    """Make a new invite code for a home; older unused codes stop working (staff)."""
    staff = require_staff()
    household = services.get_household(db.session, staff, household_id)
    issued = services.issue_invite_code(db.session, staff, household)
    commit(db.session)
    return issued


@blp.post("/me/verify")
@login_required
@verify_limit
@blp.arguments(schemas.VerifySchema)
@blp.response(200, MeSchema)
def verify(data):
    """Link one's account to a home with the invite code from the letter."""
    services.verify_household(db.session, current_user, data["code"])
    commit(db.session)
    return current_user
