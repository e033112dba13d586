"""JSON API for ideas: list, write, edit, submit, withdraw, vote and follow."""

from __future__ import annotations

from flask_login import login_required
from flask_smorest import Blueprint

from app.accounts.auth import current_viewer, require_login
from app.core.api import page_schema
from app.core.cache import VisitorCache
from app.core.db import commit
from app.core.idempotency import complete, idempotent
from app.extensions import db
from app.proposals.limits import ideas_per_user
from app.proposals.schemas import proposals as schemas
from app.proposals.services import proposals as services
from app.proposals.services import votes

blp = Blueprint("proposals_api", __name__, url_prefix="/api/v1", description="Ideas and votes")
ProposalPage = page_schema(schemas.ProposalSchema, "ProposalPage")
PROPOSAL = "/proposals/<int(max=2147483647):proposal_id>"
# What a visitor's idea list shows comes from these tables; a commit to any of them empties it.
visitor_lists = VisitorCache(
    "proposal-lists", ("proposals", "votes", "rounds", "comments", "neighbourhoods", "users")
)


def _load(proposal_id: int, *, for_voting: bool = False):
    return services.get_proposal(db.session, current_viewer(), proposal_id, for_voting=for_voting)


@blp.get("/proposals")
@visitor_lists.for_visitors
@blp.arguments(schemas.ProposalQuerySchema, location="query")
@blp.response(200, ProposalPage)
def list_proposals(query):
    """List ideas: public ones, plus one's own (mine=true); filter, search and sort."""
    cursor, limit = query.pop("cursor"), query.pop("limit")
    return services.list_proposals(db.session, current_viewer(), query, cursor, limit)


@blp.post("/proposals")
@login_required
@ideas_per_user
@blp.arguments(schemas.ProposalCreateSchema)
@blp.response(201, schemas.ProposalSchema)
@idempotent("proposal", replay=_load)  # innermost: a replay is dumped like a first answer
def create_proposal(data):
    """Write a new idea; it is saved as a draft until submitted."""
    proposal = services.create_proposal(db.session, require_login(), data)
    complete(db.session, proposal.id)
    commit(db.session)
    return proposal


@blp.get(PROPOSAL)
@blp.response(200, schemas.ProposalSchema)
def get_proposal(proposal_id):
    """Show one idea."""
    return _load(proposal_id)


@blp.patch(PROPOSAL)
@login_required
@blp.arguments(schemas.ProposalUpdateSchema)
@blp.response(200, schemas.ProposalSchema)
def update_proposal(changes, proposal_id):
    """Change one's draft or submitted idea; staff set the corporation's role."""
    proposal = services.update_proposal(db.session, require_login(), _load(proposal_id), changes)
    commit(db.session)
    return proposal


@blp.get(f"{PROPOSAL}/revisions")
@blp.response(200, schemas.RevisionSchema(many=True))
def list_revisions(proposal_id):
    """Show what an idea said before later edits, newest first."""
    return services.revisions(db.session, _load(proposal_id))


@blp.post(f"{PROPOSAL}/submit")
@login_required
@blp.response(200, schemas.ProposalSchema)
def submit_proposal(proposal_id):
    """Send one's draft in for review."""
    proposal = services.submit_proposal(db.session, require_login(), _load(proposal_id))
    commit(db.session)
    return proposal


@blp.post(f"{PROPOSAL}/withdraw")
@login_required
@blp.response(200, schemas.ProposalSchema)
def withdraw_proposal(proposal_id):
    """Take one's idea back (not after it was selected)."""
    proposal = services.withdraw_proposal(db.session, require_login(), _load(proposal_id))
    commit(db.session)
    return proposal


@blp.put(f"{PROPOSAL}/vote")
@login_required
@blp.response(200, schemas.VoteSchema, description="You had already voted: the same vote")
@blp.alt_response(201, schema=schemas.VoteSchema, description="Your vote was counted")
def cast_vote(proposal_id):
    """Vote for an idea in a round whose voting is open (verified residents only)."""
    vote, created = votes.cast_vote(
        db.session, require_login(), _load(proposal_id, for_voting=True)
    )
    commit(db.session)
    return vote, 201 if created else 200


@blp.delete(f"{PROPOSAL}/vote")
@login_required
@blp.response(204)
def retract_vote(proposal_id):
    """Take one's vote back while voting is open."""
    votes.retract_vote(db.session, require_login(), _load(proposal_id, for_voting=True))
    commit(db.session)


@blp.put(f"{PROPOSAL}/follow")
@login_required
@blp.response(204)
def follow(proposal_id):
    """Hear about what happens to an idea."""
    services.follow(db.session, require_login(), _load(proposal_id))
    commit(db.session)


@blp.delete(f"{PROPOSAL}/follow")
@login_required
@blp.response(204)
def unfollow(proposal_id):
    """Stop hearing about an idea."""
    services.unfollow(db.session, require_login(), _load(proposal_id))
    commit(db.session)
