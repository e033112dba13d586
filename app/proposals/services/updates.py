"""Progress updates: staff's public news about an idea, possibly moving it to a new status."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.core.api import paginate
from app.core.errors import Conflict, RuleViolation
from app.core.signals import emit_after_commit, proposal_update_posted
from app.proposals.lifecycle import Actor
from app.proposals.models import ProgressUpdate, Proposal, Status
from app.proposals.permissions import check_can_moderate
from app.proposals.services.moderation import lock_proposal
from app.proposals.services.proposals import change_status

MAX_BODY = 5000
# Ideas that can get news: published (a decision may follow) and chosen ones being carried out.
UPDATABLE = (Status.PUBLISHED, Status.SELECTED, Status.IN_PROGRESS, Status.COMPLETED)
NEW_STATUSES = (Status.SELECTED, Status.NOT_SELECTED, Status.IN_PROGRESS, Status.COMPLETED)


def _check(data: dict[str, Any]) -> None:
    body = (data.get("body") or "").strip()
    if not body or len(body) > MAX_BODY:
        message = gettext("Write 1 to %(n)d characters.", n=MAX_BODY)
        raise RuleViolation(message, errors={"body": [message]})
    progress = data.get("progress")
    if progress is not None and not 0 <= progress <= 100:
        message = gettext("Give a percentage from 0 to 100.")
        raise RuleViolation(message, errors={"progress": [message]})
    if data.get("status") and data["status"] not in NEW_STATUSES:
        message = gettext("Choose selected, not selected, in progress or completed.")
        raise RuleViolation(message, errors={"status": [message]})


def post_update(
    session: Session, staff: User, proposal: Proposal, data: dict[str, Any]
) -> ProgressUpdate:
    """Publish news about an idea; a new status goes through the lifecycle table."""
    check_can_moderate(session, staff, proposal.neighbourhood)
    _check(data)
    lock_proposal(session, proposal)
    if proposal.status not in UPDATABLE:
        raise Conflict(gettext("Only published and selected ideas get progress updates."))
    target = data.get("status") or None
    if target == proposal.status:
        target = None  # the news confirms the status it has; nothing moves
    if target is not None:
        change_status(session, proposal, Status(target), Actor.STAFF, staff)
    progress = data.get("progress")
    if progress is not None:
        proposal.progress = progress
    update = ProgressUpdate(
        proposal_id=proposal.id,
        author=staff,
        body=data["body"].replace("\r\n", "\n").strip(),
        progress=progress,
        status=target,
    )
    session.add(update)
    session.flush()
    emit_after_commit(
        session,
        proposal_update_posted,
        update_id=update.id,
        proposal_id=proposal.id,
        author_id=staff.id,
        status=target,
    )
    return update


def list_updates(session: Session, proposal: Proposal) -> list[ProgressUpdate]:
    """Return all updates of an idea, newest first (the timeline on its page)."""
    query = select(ProgressUpdate).where(ProgressUpdate.proposal_id == proposal.id)
    return list(session.scalars(query.order_by(ProgressUpdate.id.desc())))


def list_update_page(
    session: Session, proposal: Proposal, cursor: str | None, limit: int
) -> dict[str, Any]:
    """Return one page of an idea's updates, newest first."""
    query = select(ProgressUpdate).where(ProgressUpdate.proposal_id == proposal.id)
    return paginate(session, query, (ProgressUpdate.id,), cursor, limit, descending=True)
