"""Comments on public ideas: post, reply (one level), edit for a short while, delete, list.

Any logged-in user may comment, verified or not: comments are signed with a name, can be
flagged away by verified residents and are moderated by staff, while verification (an invite
code by letter) would shut out residents who simply have not received their letter yet.
Proposal.comment_count counts visible comments; it changes only through SQL increments in the
transaction that changes a comment's status, so concurrent requests never lose a change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext
from sqlalchemy import exists, or_, select, update
from sqlalchemy.orm import Session, aliased

from app.accounts.models import User
from app.core.api import paginate
from app.core.db import utcnow
from app.core.errors import Conflict, Forbidden, NotFound, RuleViolation
from app.core.signals import comment_posted, emit_after_commit
from app.neighbourhoods.permissions import can_manage
from app.proposals.models import Comment, CommentStatus, Flag, Proposal
from app.proposals.permissions import check_can_view

EDIT_WINDOW = timedelta(minutes=15)
MAX_BODY = 2000


@dataclass
class CommentView:
    """A comment as one viewer may see it: placeholders keep neither body nor name."""

    id: int
    proposal_id: int
    parent_id: int | None
    author: str | None
    body: str | None
    status: str
    created_at: datetime
    edited_at: datetime | None
    hidden_reason: str | None
    mine: bool
    can_edit: bool
    can_flag: bool
    replies: list[CommentView] = field(default_factory=list)


def may_flag(viewer: User | None, author_id: int | None) -> bool:
    """Tell whether the viewer may flag content by this author (verified residents, not own)."""
    return bool(
        viewer is not None
        and getattr(viewer, "is_authenticated", False)
        and not viewer.is_staff
        and viewer.verified
        and author_id != viewer.id
    )


def lock_comment(session: Session, comment: Comment) -> None:
    """Lock the comment's row (PostgreSQL) and reload it, so its status is the latest."""
    session.execute(select(Comment.id).where(Comment.id == comment.id).with_for_update())
    session.refresh(comment)


def change_comment_count(session: Session, proposal_id: int, delta: int) -> None:
    """Add delta to an idea's visible-comment count with one SQL increment."""
    session.execute(
        update(Proposal)
        .where(Proposal.id == proposal_id)
        .values(comment_count=Proposal.comment_count + delta)
        .execution_options(synchronize_session=False)
    )
    proposal = session.get(Proposal, proposal_id)
    if proposal is not None:
        session.expire(proposal, ["comment_count"])


def clean_body(text: str | None) -> str:
    """Return a comment's text with unified line ends and no outer blanks, or raise."""
    body = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not body:
        message = gettext("Write something first.")
        raise RuleViolation(message, errors={"body": [message]})
    if len(body) > MAX_BODY:
        message = gettext("A comment can be at most %(n)d characters.", n=MAX_BODY)
        raise RuleViolation(message, errors={"body": [message]})
    return body


def get_comment(session: Session, viewer: User | None, comment_id: int) -> Comment:
    """Return a comment on an idea the viewer may see, or raise NotFound."""
    comment = session.get(Comment, comment_id)
    if comment is None:
        raise NotFound(gettext("This comment does not exist."))
    proposal = session.get(Proposal, comment.proposal_id)
    try:
        check_can_view(session, viewer, proposal)
    except NotFound:
        raise NotFound(gettext("This comment does not exist.")) from None
    return comment


def _check_parent(session: Session, proposal: Proposal, parent_id: int | None) -> None:
    if parent_id is None:
        return
    parent = session.get(Comment, parent_id)
    if parent is None or parent.proposal_id != proposal.id or parent.parent_id is not None:
        message = gettext("You can only reply to a comment on this idea, not to a reply.")
        raise RuleViolation(message, errors={"parent": [message]})
    if parent.status != CommentStatus.VISIBLE:
        message = gettext("This comment was removed, so you cannot reply to it.")
        raise RuleViolation(message, errors={"parent": [message]})


def post_comment(
    session: Session, author: User, proposal: Proposal, text: str, parent_id: int | None = None
) -> CommentView:
    """Add a comment (or a reply to a top-level comment) to a public idea."""
    check_can_view(session, author, proposal)
    if not proposal.is_public:
        raise Conflict(gettext("You can react once the idea is published."))
    body = clean_body(text)
    _check_parent(session, proposal, parent_id)
    comment = Comment(proposal_id=proposal.id, parent_id=parent_id, author=author, body=body)
    session.add(comment)
    session.flush()
    change_comment_count(session, proposal.id, +1)
    emit_after_commit(
        session,
        comment_posted,
        comment_id=comment.id,
        proposal_id=proposal.id,
        parent_id=parent_id,
        author_id=author.id,
    )
    return view_of(comment, author, moderator=False, now=utcnow())


def _check_author(user: User, comment: Comment) -> None:
    if comment.author_id != user.id:
        raise Forbidden(gettext("Only the person who wrote this comment can do this."))


def edit_comment(session: Session, user: User, comment: Comment, text: str) -> CommentView:
    """Change one's own visible comment within 15 minutes of posting it."""
    _check_author(user, comment)
    lock_comment(session, comment)
    if comment.status != CommentStatus.VISIBLE:
        raise Conflict(gettext("This comment was removed and can no longer be changed."))
    if utcnow() - comment.created_at > EDIT_WINDOW:
        raise Conflict(
            gettext(
                "You can change a comment only in the first %(n)d minutes after posting it.",
                n=EDIT_WINDOW.seconds // 60,
            )
        )
    comment.body = clean_body(text)
    comment.edited_at = utcnow()
    session.flush()
    return view_of(comment, user, moderator=False, now=utcnow())


def delete_comment(session: Session, user: User, comment: Comment) -> None:
    """Remove one's own comment; its text is erased, a placeholder keeps replies in place."""
    _check_author(user, comment)
    lock_comment(session, comment)
    if comment.status == CommentStatus.DELETED:
        return
    if comment.status == CommentStatus.VISIBLE:
        change_comment_count(session, comment.proposal_id, -1)
    comment.status = CommentStatus.DELETED
    comment.body = ""
    # Nothing is left to review: open flags on it are settled.
    session.execute(
        update(Flag)
        .where(Flag.comment_id == comment.id, Flag.resolved_at.is_(None))
        .values(resolved_at=utcnow())
    )
    session.flush()


def view_of(
    comment: Comment, viewer: User | None, *, moderator: bool, now: datetime
) -> CommentView:
    """Return the comment as the viewer may see it."""
    mine = viewer is not None and comment.author_id == getattr(viewer, "id", None)
    visible = comment.status == CommentStatus.VISIBLE
    shown = visible or (comment.status == CommentStatus.HIDDEN and (mine or moderator))
    return CommentView(
        id=comment.id,
        proposal_id=comment.proposal_id,
        parent_id=comment.parent_id,
        author=comment.author.display_name if shown and comment.author else None,
        body=comment.body if shown else None,
        status=comment.status,
        created_at=comment.created_at,
        edited_at=comment.edited_at,
        hidden_reason=comment.hidden_reason if not visible and shown else None,
        mine=mine,
        can_edit=mine and visible and now - comment.created_at <= EDIT_WINDOW,
        can_flag=visible and may_flag(viewer, comment.author_id),
    )


def _is_moderator(session: Session, viewer: User | None, proposal: Proposal) -> bool:
    return bool(
        viewer is not None
        and getattr(viewer, "is_staff", False)
        and can_manage(session, viewer, proposal.neighbourhood)
    )


def _threads(
    session: Session,
    viewer: User | None,
    proposal: Proposal,
    tops: list[Comment],
    replies: Iterable[Comment],
) -> list[CommentView]:
    moderator, now = _is_moderator(session, viewer, proposal), utcnow()
    views = {c.id: view_of(c, viewer, moderator=moderator, now=now) for c in tops}
    for reply in replies:
        if reply.status != CommentStatus.DELETED and reply.parent_id in views:
            views[reply.parent_id].replies.append(
                view_of(reply, viewer, moderator=moderator, now=now)
            )
    return [views[c.id] for c in tops if c.status != CommentStatus.DELETED or views[c.id].replies]


def list_comments(session: Session, viewer: User | None, proposal: Proposal) -> list[CommentView]:
    """Return an idea's whole discussion, oldest first, with one query for all comments."""
    rows = list(
        session.scalars(
            select(Comment).where(Comment.proposal_id == proposal.id).order_by(Comment.id)
        )
    )
    tops = [c for c in rows if c.parent_id is None]
    return _threads(session, viewer, proposal, tops, [c for c in rows if c.parent_id])


def list_comment_page(
    session: Session, viewer: User | None, proposal: Proposal, cursor: str | None, limit: int
) -> dict[str, Any]:
    """Return one page of top-level comments, oldest first, each with all its replies."""
    reply = aliased(Comment)
    has_replies = exists().where(
        reply.parent_id == Comment.id, reply.status != CommentStatus.DELETED
    )
    query = select(Comment).where(
        Comment.proposal_id == proposal.id,
        Comment.parent_id.is_(None),
        or_(Comment.status != CommentStatus.DELETED, has_replies),
    )
    page = paginate(session, query, (Comment.id,), cursor, limit)
    ids = [c.id for c in page["items"]]
    replies = (
        session.scalars(select(Comment).where(Comment.parent_id.in_(ids)).order_by(Comment.id))
        if ids
        else []
    )
    page["items"] = _threads(session, viewer, proposal, page["items"], replies)
    return page
