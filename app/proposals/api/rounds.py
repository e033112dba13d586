"""JSON API for neighbourhood budget rounds and their results."""

from __future__ import annotations

from flask_smorest import Blueprint

from app.accounts.auth import require_staff, staff_required
from app.core.api import page_schema
from app.core.db import commit
from app.extensions import db
from app.proposals.schemas import rounds as schemas
from app.proposals.services import rounds as services

blp = Blueprint("rounds_api", __name__, url_prefix="/api/v1", description="Budget rounds")
RoundPage = page_schema(schemas.RoundSchema, "RoundPage")
ROUND = "/rounds/<int(max=2147483647):round_id>"


@blp.get("/rounds")
@blp.arguments(schemas.RoundQuerySchema, location="query")
@blp.response(200, RoundPage)
def list_rounds(query):
    """List rounds, the latest voting first."""
    cursor, limit = query.pop("cursor"), query.pop("limit")
    return services.list_rounds(db.session, query, cursor, limit)


@blp.post("/rounds")
@staff_required
@blp.arguments(schemas.RoundCreateSchema)
@blp.response(201, schemas.RoundSchema)
def create_round(data):
    """Start a round in a neighbourhood (staff)."""
    created = services.create_round(db.session, require_staff(), data)
    commit(db.session)
    return created


@blp.get(ROUND)
@blp.response(200, schemas.RoundSchema)
def get_round(round_id):
    """Show one round."""
    return services.get_round(db.session, round_id)


@blp.patch(ROUND)
@staff_required
@blp.arguments(schemas.RoundUpdateSchema)
@blp.response(200, schemas.RoundSchema)
def update_round(changes, round_id):
    """Change a round; vote rules are fixed once voting opened (staff)."""
    voting_round = services.get_round(db.session, round_id)
    services.update_round(db.session, require_staff(), voting_round, changes)
    commit(db.session)
    return voting_round


@blp.get(f"{ROUND}/results")
@blp.response(200, schemas.RoundResultsSchema)
def round_results(round_id):
    """Rank the round's ideas and show which fit in the budget."""
    return services.round_results(db.session, services.get_round(db.session, round_id))
