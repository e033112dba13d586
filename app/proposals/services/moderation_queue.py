"""What waits for staff (the moderation queue) and what they decided (the moderation log)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, literal, literal_column, or_, select, tuple_, union_all
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.core.api import decode_cursor, encode_cursor, paginate
from app.proposals.models import (
    PUBLIC_STATUSES,
    Comment,
    CommentStatus,
    Flag,
    ModerationEntry,
    Proposal,
    Status,
)
from app.proposals.services.moderation import Decision, managed_clause, managed_ids

EXCERPT = 200
FLAGGABLE = (*PUBLIC_STATUSES, Status.HIDDEN)  # ideas whose open flags wait for staff


@dataclass
class QueueItem:
    """An idea or comment waiting for a decision."""

    kind: str
    id: int
    proposal_id: int
    title: str
    excerpt: str
    why: str
    status: str
    flags: dict[str, int]
    since: datetime

    @property
    def decisions(self) -> list[Decision]:
        """Return the decisions that make sense for this item now."""
        if self.status == Status.SUBMITTED:
            return [Decision.PUBLISH, Decision.REJECT]
        if self.status == Status.HIDDEN:
            return [Decision.RESTORE, Decision.HIDE]
        return [Decision.DISMISS_FLAGS, Decision.HIDE]


def _first_open_flag(column, item_id):
    return (
        select(func.min(Flag.created_at))
        .where(column == item_id, Flag.resolved_at.is_(None))
        .scalar_subquery()
    )


def _queue(session: Session, staff: User):
    managed = managed_clause(session, staff)
    submitted = Proposal.status == Status.SUBMITTED
    idea_flag = _first_open_flag(Flag.proposal_id, Proposal.id)
    ideas = select(
        literal_column("'proposal'").label("kind"),
        Proposal.id.label("id"),
        Proposal.id.label("proposal_id"),
        case(
            (submitted, func.coalesce(Proposal.submitted_at, Proposal.created_at)), else_=idea_flag
        ).label("since"),
    ).where(managed, or_(submitted, and_(Proposal.status.in_(FLAGGABLE), idea_flag.is_not(None))))
    comment_flag = _first_open_flag(Flag.comment_id, Comment.id)
    comments = (
        select(literal_column("'comment'"), Comment.id, Comment.proposal_id, comment_flag)
        .join(Proposal, Proposal.id == Comment.proposal_id)
        .where(managed, Comment.status != CommentStatus.DELETED, comment_flag.is_not(None))
    )
    return union_all(ideas, comments).subquery("queue")


def _open_flag_counts(session: Session, rows) -> dict[tuple[str, int], dict[str, int]]:
    ideas = [row.id for row in rows if row.kind == "proposal"]
    comments = [row.id for row in rows if row.kind == "comment"]
    counts = session.execute(
        select(Flag.proposal_id, Flag.comment_id, Flag.reason, func.count())
        .where(
            Flag.resolved_at.is_(None),
            or_(Flag.proposal_id.in_(ideas), Flag.comment_id.in_(comments)),
        )
        .group_by(Flag.proposal_id, Flag.comment_id, Flag.reason)
    )
    found: dict[tuple[str, int], dict[str, int]] = {}
    for proposal_id, comment_id, reason, n in counts:
        key = ("comment", comment_id) if comment_id is not None else ("proposal", proposal_id)
        found.setdefault(key, {})[reason] = n
    return found


def _excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1].rstrip() + "…"


def _queue_page(session: Session, staff: User, cursor: str | None, limit: int):
    queue = _queue(session, staff)
    keys = (queue.c.since, queue.c.kind, queue.c.id)
    query = select(queue).order_by(*keys)
    if cursor:
        since, kind, item_id = decode_cursor(cursor, 3)
        after = (literal(datetime.fromisoformat(since), queue.c.since.type), kind, item_id)
        query = query.where(tuple_(*keys) > tuple_(*after))
    rows = session.execute(query.limit(limit + 1)).all()
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    return rows[:limit], encode_cursor([last.since.isoformat(), last.kind, last.id])


def moderation_queue(
    session: Session, staff: User, cursor: str | None, limit: int
) -> dict[str, Any]:
    """Return one page of what waits for this staff member, oldest first."""
    rows, next_cursor = _queue_page(session, staff, cursor, limit)
    ideas = select(Proposal).where(Proposal.id.in_({row.proposal_id for row in rows}))
    proposals = {p.id: p for p in session.scalars(ideas)}
    wanted = [row.id for row in rows if row.kind == "comment"]
    comments = {c.id: c for c in session.scalars(select(Comment).where(Comment.id.in_(wanted)))}
    flags = _open_flag_counts(session, rows)
    items = []
    for row in rows:
        proposal = proposals[row.proposal_id]
        item = comments[row.id] if row.kind == "comment" else proposal
        items.append(
            QueueItem(
                kind=row.kind,
                id=row.id,
                proposal_id=row.proposal_id,
                title=proposal.title,
                excerpt=_excerpt(item.body),
                why="submitted" if item.status == Status.SUBMITTED else "flagged",
                status=item.status,
                flags=flags.get((row.kind, row.id), {}),
                since=row.since,
            )
        )
    return {"items": items, "next_cursor": next_cursor}


# The log


@dataclass
class LogLine:
    """One decision in the moderation log, with the item it was about."""

    id: int
    moderator: str | None
    decision: str
    reason: str
    kind: str
    proposal_id: int | None
    comment_id: int | None
    title: str | None
    created_at: datetime


def _log_lines(session: Session, entries: list[ModerationEntry]) -> list[LogLine]:
    ids = {e.proposal_id for e in entries if e.proposal_id is not None}
    rows = session.execute(select(Proposal.id, Proposal.title).where(Proposal.id.in_(ids)))
    titles = {proposal_id: title for proposal_id, title in rows}
    return [
        LogLine(
            id=e.id,
            moderator=e.moderator.display_name if e.moderator else None,
            decision=e.decision,
            reason=e.reason,
            kind="comment" if e.comment_id is not None else "proposal",
            proposal_id=e.proposal_id,
            comment_id=e.comment_id,
            title=titles.get(e.proposal_id),
            created_at=e.created_at,
        )
        for e in entries
    ]


def log_line(session: Session, entry: ModerationEntry) -> LogLine:
    """Return one decision as the log shows it."""
    return _log_lines(session, [entry])[0]


def moderation_log(session: Session, staff: User, cursor: str | None, limit: int) -> dict:
    """Return one page of decisions about this staff member's neighbourhoods, newest first."""
    query = select(ModerationEntry)
    if (ids := managed_ids(session, staff)) is not None:
        query = query.join(Proposal, Proposal.id == ModerationEntry.proposal_id).where(
            Proposal.neighbourhood_id.in_(ids)
        )
    page = paginate(session, query, (ModerationEntry.id,), cursor, limit, descending=True)
    page["items"] = _log_lines(session, page["items"])
    return page
