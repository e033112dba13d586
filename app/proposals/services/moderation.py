"""Flags from residents, and staff decisions on ideas and comments (each one logged).

Flags: one per person and item (unique keys), only from verified residents, because three
flags hide an item until staff look at it and throw-away accounts must not be able to do that.
The count is taken inside the write transaction after locking the item's row (FOR UPDATE on
PostgreSQL; SQLite requests hold the write lock from BEGIN IMMEDIATE), so an item is hidden
exactly once however many flags arrive together. A flag that staff settled stays: the same
person cannot flag the same item again.
"""

from __future__ import annotations

import enum

from flask_babel import force_locale, gettext
from sqlalchemy import ColumnElement, func, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.core.db import utcnow
from app.core.errors import Conflict, Forbidden, NotFound, RuleViolation
from app.core.signals import content_hidden, emit_after_commit, proposal_status_changed
from app.neighbourhoods.permissions import assigned_ids
from app.proposals.lifecycle import Actor
from app.proposals.models import Comment, CommentStatus, Flag, ModerationEntry, Proposal, Status
from app.proposals.permissions import check_can_moderate, check_can_view
from app.proposals.services.comments import change_comment_count, lock_comment
from app.proposals.services.proposals import change_status

HIDE_AT = 3  # open flags from different residents that hide an item until staff look at it
AUTO_HIDE = "auto_hide"  # the log's name for a hide by flags (no moderator)


class Decision(enum.StrEnum):
    """What staff can decide about an idea or a comment."""

    PUBLISH = "publish"
    REJECT = "reject"
    HIDE = "hide"
    RESTORE = "restore"
    DISMISS_FLAGS = "dismiss_flags"


NEEDS_REASON = (Decision.REJECT, Decision.HIDE)
PROPOSAL_ONLY = (Decision.PUBLISH, Decision.REJECT)


def _auto_reason(author: User | None) -> str:
    # Stored text, so written in the language of the person who will read it: the author.
    with force_locale(author.language if author else "nl"):
        return gettext(
            "Several residents reported this. It is hidden until a staff member has looked at it."
        )


def lock_proposal(session: Session, proposal: Proposal) -> None:
    """Lock the idea's row (PostgreSQL) and reload it, so its status is the latest."""
    session.execute(select(Proposal.id).where(Proposal.id == proposal.id).with_for_update())
    session.refresh(proposal)


def moderatable_proposal(session: Session, staff: User, proposal_id: int) -> Proposal:
    """Return an idea the staff member may moderate: 404 if unknown, 403 if not theirs."""
    proposal = session.get(Proposal, proposal_id)
    if proposal is None or proposal.status == Status.DRAFT:  # drafts belong to their author
        raise NotFound(gettext("This idea does not exist."))
    check_can_moderate(session, staff, proposal.neighbourhood)
    return proposal


def moderatable_comment(session: Session, staff: User, comment_id: int) -> Comment:
    """Return a comment the staff member may moderate: 404 if unknown, 403 if not theirs."""
    comment = session.get(Comment, comment_id)
    if comment is None:
        raise NotFound(gettext("This comment does not exist."))
    check_can_moderate(session, staff, session.get(Proposal, comment.proposal_id).neighbourhood)
    return comment


# Flags


def _check_flagger(user: User, author_id: int | None, own_message: str) -> None:
    if user.is_staff:
        raise Forbidden(gettext("Staff do not report content; use moderation instead."))
    if not user.verified:
        raise Forbidden(gettext("Link your account to your address before you report content."))
    if author_id == user.id:
        raise RuleViolation(own_message)


def _open_flags(session: Session, target: ColumnElement[bool]) -> int:
    query = select(func.count()).select_from(Flag).where(target, Flag.resolved_at.is_(None))
    return session.scalar(query)


def _existing_flag(session: Session, user: User, target: ColumnElement[bool]) -> Flag | None:
    return session.scalar(select(Flag).where(Flag.user_id == user.id, target))


def _add_flag(
    session: Session, user: User, reason: str, target: ColumnElement[bool], **item
) -> tuple[Flag, bool]:
    flag = Flag(user_id=user.id, reason=reason, created_at=utcnow(), **item)
    try:
        with session.begin_nested():
            session.add(flag)
    except IntegrityError:  # only if the row lock was bypassed; the unique key holds
        return _existing_flag(session, user, target), False
    return flag, True


def flag_proposal(
    session: Session, user: User, proposal: Proposal, reason: str
) -> tuple[Flag, bool]:
    """Report an idea; the third open report hides it. Return the flag and if it is new."""
    _check_flagger(user, proposal.author_id, gettext("You cannot report your own idea."))
    lock_proposal(session, proposal)
    check_can_view(session, user, proposal)  # again: flags that came first may have hidden it
    target = Flag.proposal_id == proposal.id
    if (existing := _existing_flag(session, user, target)) is not None:
        return existing, False
    if not proposal.is_public:
        raise Conflict(gettext("This idea is not public, so it cannot be reported."))
    flag, created = _add_flag(session, user, reason, target, proposal_id=proposal.id)
    if created and _open_flags(session, target) >= HIDE_AT:
        reason_text = _auto_reason(proposal.author)
        _hide_proposal(session, proposal, reason_text, None)
        _log(session, None, AUTO_HIDE, reason_text, proposal.id, None)
    session.flush()
    return flag, created


def flag_comment(session: Session, user: User, comment: Comment, reason: str) -> tuple[Flag, bool]:
    """Report a comment; the third open report hides it. Return the flag and if it is new."""
    _check_flagger(user, comment.author_id, gettext("You cannot report your own comment."))
    lock_comment(session, comment)
    target = Flag.comment_id == comment.id
    if (existing := _existing_flag(session, user, target)) is not None:
        return existing, False
    if comment.status != CommentStatus.VISIBLE:
        raise Conflict(gettext("This comment is already hidden or removed."))
    flag, created = _add_flag(session, user, reason, target, comment_id=comment.id)
    if created and _open_flags(session, target) >= HIDE_AT:
        reason_text = _auto_reason(comment.author)
        _hide_comment(session, comment, reason_text, None)
        _log(session, None, AUTO_HIDE, reason_text, comment.proposal_id, comment.id)
    session.flush()
    return flag, created


# Hiding and restoring


def _hidden(session: Session, kind: str, item_id: int, proposal_id: int, author_id, by) -> None:
    emit_after_commit(
        session,
        content_hidden,
        kind=kind,
        item_id=item_id,
        proposal_id=proposal_id,
        author_id=author_id,
        moderator_id=by.id if by else None,
    )


def _hide_proposal(session: Session, proposal: Proposal, reason: str, by: User | None) -> None:
    if proposal.status == Status.HIDDEN:  # staff confirm a hide by flags: new reason only
        proposal.decision_reason = reason
        return
    previous = proposal.status
    change_status(session, proposal, Status.HIDDEN, Actor.STAFF, by)
    proposal.status_before_hidden = previous
    proposal.decision_reason = reason
    _hidden(session, "proposal", proposal.id, proposal.id, proposal.author_id, by)


def _restore_proposal(session: Session, proposal: Proposal, reason: str, by: User) -> None:
    # Not in the lifecycle table on purpose: a hidden idea only goes back to where it was.
    previous = proposal.status_before_hidden or Status.PUBLISHED
    proposal.status, proposal.status_before_hidden = previous, None
    proposal.decision_reason = reason
    emit_after_commit(
        session,
        proposal_status_changed,
        proposal_id=proposal.id,
        old=str(Status.HIDDEN),
        new=str(previous),
        actor_id=by.id,
    )


def _hide_comment(session: Session, comment: Comment, reason: str, by: User | None) -> None:
    if comment.status == CommentStatus.VISIBLE:
        change_comment_count(session, comment.proposal_id, -1)
        _hidden(session, "comment", comment.id, comment.proposal_id, comment.author_id, by)
    comment.status = CommentStatus.HIDDEN
    comment.hidden_reason = reason


def _restore_comment(session: Session, comment: Comment) -> None:
    change_comment_count(session, comment.proposal_id, +1)
    comment.status = CommentStatus.VISIBLE
    comment.hidden_reason = ""


def _resolve_flags(session: Session, target: ColumnElement[bool]) -> None:
    session.execute(
        update(Flag).where(target, Flag.resolved_at.is_(None)).values(resolved_at=utcnow())
    )


def _log(session, moderator, decision, reason, proposal_id, comment_id) -> ModerationEntry:
    entry = ModerationEntry(
        moderator=moderator,
        decision=str(decision),
        reason=reason,
        proposal_id=proposal_id,
        comment_id=comment_id,
        created_at=utcnow(),
    )
    session.add(entry)
    return entry


# Decisions


def _check_reason(decision: Decision, reason: str) -> None:
    if decision in NEEDS_REASON and not reason:
        message = gettext("Give a reason; the author will see it.")
        raise RuleViolation(message, errors={"reason": [message]})


def _nothing_to_dismiss() -> Conflict:
    return Conflict(gettext("There are no open reports about this."))


def decide_on_proposal(
    session: Session, staff: User, proposal: Proposal, decision: Decision, reason: str = ""
) -> ModerationEntry:
    """Publish, reject, hide or restore an idea, or dismiss its reports; log the decision."""
    check_can_moderate(session, staff, proposal.neighbourhood)
    _check_reason(decision, reason)
    lock_proposal(session, proposal)
    target = Flag.proposal_id == proposal.id
    hidden = proposal.status == Status.HIDDEN
    if decision in (Decision.PUBLISH, Decision.REJECT):
        to = Status.PUBLISHED if decision == Decision.PUBLISH else Status.REJECTED
        change_status(session, proposal, to, Actor.STAFF, staff)
        proposal.decision_reason = reason
    elif decision == Decision.HIDE:
        _hide_proposal(session, proposal, reason, staff)
    elif decision == Decision.RESTORE and not hidden:
        raise Conflict(gettext("Only a hidden idea can be restored."))
    elif decision == Decision.DISMISS_FLAGS and not _open_flags(session, target):
        raise _nothing_to_dismiss()
    elif hidden:  # restore, or dismiss the reports that hid it
        _restore_proposal(session, proposal, reason, staff)
    _resolve_flags(session, target)
    entry = _log(session, staff, decision, reason, proposal.id, None)
    session.flush()
    return entry


def decide_on_comment(
    session: Session, staff: User, comment: Comment, decision: Decision, reason: str = ""
) -> ModerationEntry:
    """Hide or restore a comment, or dismiss its reports; log the decision."""
    check_can_moderate(session, staff, session.get(Proposal, comment.proposal_id).neighbourhood)
    if decision in PROPOSAL_ONLY:
        message = gettext("Comments can only be hidden, restored or cleared of reports.")
        raise RuleViolation(message, errors={"decision": [message]})
    _check_reason(decision, reason)
    lock_comment(session, comment)
    target = Flag.comment_id == comment.id
    hidden = comment.status == CommentStatus.HIDDEN
    if comment.status == CommentStatus.DELETED:
        raise Conflict(gettext("The author has deleted this comment."))
    if decision == Decision.HIDE:
        _hide_comment(session, comment, reason, staff)
    elif decision == Decision.RESTORE and not hidden:
        raise Conflict(gettext("Only a hidden comment can be restored."))
    elif decision == Decision.DISMISS_FLAGS and not _open_flags(session, target):
        raise _nothing_to_dismiss()
    elif hidden:
        _restore_comment(session, comment)
    _resolve_flags(session, target)
    entry = _log(session, staff, decision, reason, comment.proposal_id, comment.id)
    session.flush()
    return entry


def managed_ids(session: Session, staff: User) -> set[int] | None:
    """Return the neighbourhoods a staff member is limited to, or None for all of them."""
    if staff.is_admin:
        return None
    return assigned_ids(session, staff) or None


def managed_clause(session: Session, staff: User) -> ColumnElement[bool]:
    """Return a filter on Proposal for the neighbourhoods this staff member manages."""
    ids = managed_ids(session, staff)
    return true() if ids is None else Proposal.neighbourhood_id.in_(ids)
