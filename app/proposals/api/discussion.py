"""JSON API for comments, flags, moderation and progress updates."""

from __future__ import annotations

from dataclasses import asdict

from flask_login import login_required
from flask_smorest import Blueprint

from app.accounts.auth import current_viewer, require_login, require_staff, staff_required
from app.core.api import PageQuerySchema, page_schema
from app.core.db import commit
from app.extensions import db
from app.proposals.limits import comments_per_user, flags_per_user
from app.proposals.schemas import discussion as schemas
from app.proposals.services import comments, moderation, moderation_queue, updates
from app.proposals.services.proposals import get_proposal

blp = Blueprint(
    "proposals_discussion_api",
    __name__,
    url_prefix="/api/v1",
    description="Comments, flags, moderation and progress updates",
)
CommentPage = page_schema(schemas.CommentSchema, "CommentPage")
QueuePage = page_schema(schemas.QueueItemSchema, "ModerationQueuePage")
LogPage = page_schema(schemas.ModerationEntrySchema, "ModerationLogPage")
UpdatePage = page_schema(schemas.ProgressUpdateSchema, "ProgressUpdatePage")
ID = "int(max=2147483647)"
PROPOSAL = f"/proposals/<{ID}:proposal_id>"
COMMENT = f"/comments/<{ID}:comment_id>"


def _proposal(proposal_id: int):
    return get_proposal(db.session, current_viewer(), proposal_id)


def _comment(comment_id: int):
    return comments.get_comment(db.session, current_viewer(), comment_id)


# Comments


@blp.get(f"{PROPOSAL}/comments")
@blp.arguments(PageQuerySchema, location="query")
@blp.response(200, CommentPage)
def list_comments(page, proposal_id):
    """List an idea's comments, oldest first, each with its replies."""
    proposal = _proposal(proposal_id)
    return comments.list_comment_page(db.session, current_viewer(), proposal, **page)


@blp.post(f"{PROPOSAL}/comments")
@login_required
@comments_per_user
@blp.arguments(schemas.CommentCreateSchema)
@blp.response(201, schemas.CommentSchema)
def post_comment(data, proposal_id):
    """React to a published idea, or reply to a comment on it (any logged-in user)."""
    proposal = _proposal(proposal_id)
    posted = comments.post_comment(
        db.session, require_login(), proposal, data["body"], data["parent"]
    )
    commit(db.session)
    return posted


@blp.patch(COMMENT)
@login_required
@blp.arguments(schemas.CommentUpdateSchema)
@blp.response(200, schemas.CommentSchema)
def edit_comment(data, comment_id):
    """Change one's comment, within 15 minutes of posting it."""
    edited = comments.edit_comment(db.session, require_login(), _comment(comment_id), data["body"])
    commit(db.session)
    return edited


@blp.delete(COMMENT)
@login_required
@blp.response(204)
def delete_comment(comment_id):
    """Delete one's comment; replies to it stay."""
    comments.delete_comment(db.session, require_login(), _comment(comment_id))
    commit(db.session)


# Flags


@blp.post(f"{PROPOSAL}/flag")
@login_required
@flags_per_user
@blp.arguments(schemas.FlagCreateSchema)
@blp.response(201, schemas.FlagSchema, description="Your report was recorded")
@blp.alt_response(200, schema=schemas.FlagSchema, description="You had already reported it")
def flag_proposal(data, proposal_id):
    """Report an idea (verified residents); three reports hide it until staff look at it."""
    flag, created = moderation.flag_proposal(
        db.session, require_login(), _proposal(proposal_id), data["reason"]
    )
    commit(db.session)
    return flag, 201 if created else 200


@blp.post(f"{COMMENT}/flag")
@login_required
@flags_per_user
@blp.arguments(schemas.FlagCreateSchema)
@blp.response(201, schemas.FlagSchema, description="Your report was recorded")
@blp.alt_response(200, schema=schemas.FlagSchema, description="You had already reported it")
def flag_comment(data, comment_id):
    """Report a comment (verified residents); three reports hide it until staff look at it."""
    flag, created = moderation.flag_comment(
        db.session, require_login(), _comment(comment_id), data["reason"]
    )
    commit(db.session)
    return flag, 201 if created else 200


# Moderation (staff)


@blp.get("/moderation/queue")
@staff_required
@blp.arguments(PageQuerySchema, location="query")
@blp.response(200, QueuePage)
def moderation_queue_page(page):
    """List submitted ideas and reported items of one's neighbourhoods, oldest first."""
    return moderation_queue.moderation_queue(db.session, require_staff(), **page)


@blp.post(f"/moderation{PROPOSAL}/decision")
@staff_required
@blp.arguments(schemas.DecisionSchema)
@blp.response(200, schemas.DecisionResultSchema)
def decide_on_proposal(data, proposal_id):
    """Publish, reject, hide or restore an idea, or dismiss its reports (staff)."""
    staff = require_staff()
    proposal = moderation.moderatable_proposal(db.session, staff, proposal_id)
    entry = moderation.decide_on_proposal(db.session, staff, proposal, **data)
    result = {**asdict(moderation_queue.log_line(db.session, entry)), "status": proposal.status}
    commit(db.session)
    return result


@blp.post(f"/moderation{COMMENT}/decision")
@staff_required
@blp.arguments(schemas.DecisionSchema)
@blp.response(200, schemas.DecisionResultSchema)
def decide_on_comment(data, comment_id):
    """Hide or restore a comment, or dismiss its reports (staff)."""
    staff = require_staff()
    comment = moderation.moderatable_comment(db.session, staff, comment_id)
    entry = moderation.decide_on_comment(db.session, staff, comment, **data)
    result = {**asdict(moderation_queue.log_line(db.session, entry)), "status": comment.status}
    commit(db.session)
    return result


@blp.get("/moderation/log")
@staff_required
@blp.arguments(PageQuerySchema, location="query")
@blp.response(200, LogPage)
def moderation_log(page):
    """List moderation decisions about one's neighbourhoods, newest first."""
    return moderation_queue.moderation_log(db.session, require_staff(), **page)


# Progress updates


@blp.get(f"{PROPOSAL}/updates")
@blp.arguments(PageQuerySchema, location="query")
@blp.response(200, UpdatePage)
def list_updates(page, proposal_id):
    """List an idea's progress updates, newest first."""
    return updates.list_update_page(db.session, _proposal(proposal_id), **page)


@blp.post(f"{PROPOSAL}/updates")
@staff_required
@blp.arguments(schemas.ProgressUpdateCreateSchema)
@blp.response(201, schemas.ProgressUpdateSchema)
def post_update(data, proposal_id):
    """Post news about an idea, maybe with progress and a new status (staff)."""
    staff = require_staff()
    proposal = moderation.moderatable_proposal(db.session, staff, proposal_id)
    update = updates.post_update(db.session, staff, proposal, data)
    commit(db.session)
    return update
