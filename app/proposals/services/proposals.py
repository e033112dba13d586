"""Idea use cases: write, edit, submit, withdraw, list, find and follow."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from sqlalchemy import Select, delete, select
from sqlalchemy.orm import Session, joinedload, lazyload

from app.accounts.models import User
from app.core.api import paginate
from app.core.db import insert_unless_present, utcnow
from app.core.errors import Conflict, Forbidden, NotFound, RuleViolation
from app.core.signals import emit_after_commit, proposal_status_changed
from app.neighbourhoods.models import Complex, Neighbourhood
from app.neighbourhoods.services import get_neighbourhood
from app.proposals import lifecycle
from app.proposals.lifecycle import Actor
from app.proposals.models import (
    PUBLIC_STATUSES,
    Follow,
    Proposal,
    ProposalRevision,
    Round,
    Status,
    Vote,
)
from app.proposals.permissions import (
    check_can_moderate,
    check_can_view,
    check_is_author,
    visible_clause,
)
from app.proposals.services.search import matching

CONTENT_FIELDS = ("title", "body", "theme", "budget_cents", "lat", "lon")
EDITABLE_STATUSES = (Status.DRAFT, Status.SUBMITTED)
# A list needs the neighbourhood's slug and name, the author's name and the round's windows:
# load just those, not the authors' homes or every neighbourhood's boundary.
LIST_LOADING = (
    joinedload(Proposal.neighbourhood).load_only(Neighbourhood.slug, Neighbourhood.name),
    joinedload(Proposal.author).load_only(User.display_name).lazyload("*"),
    joinedload(Proposal.round).lazyload(Round.neighbourhood),
)
VOTE_LOADING = (
    lazyload(Proposal.neighbourhood),
    lazyload(Proposal.author),
    joinedload(Proposal.round).lazyload(Round.neighbourhood),
)
SORT_KEYS = {
    "new": (Proposal.id,),
    "popular": (Proposal.vote_count, Proposal.id),
    "trending": (Proposal.trending_score, Proposal.id),
}


def get_proposal(
    session: Session, viewer: User | None, proposal_id: int, *, for_voting: bool = False
) -> Proposal:
    """Return an idea the viewer may see, with the viewer's vote, or raise NotFound.

    for_voting loads only what casting a vote needs (the round), and not the caller's vote.
    """
    proposal = session.get(Proposal, proposal_id, options=VOTE_LOADING if for_voting else ())
    if proposal is None:
        raise NotFound(gettext("This idea does not exist."))
    check_can_view(session, viewer, proposal)
    if not for_voting:
        annotate(session, viewer, [proposal])
    return proposal


def ballots_of(user: User | None) -> list[str]:
    """Return the ballot keys a user's votes can be filed under (own and household)."""
    if user is None:
        return []
    keys = [f"user:{user.id}"]
    if user.household_id is not None:
        keys.append(f"household:{user.household_id}")
    return keys


def annotate(session: Session, viewer: User | None, proposals: list[Proposal]) -> None:
    """Set proposal.my_vote for the viewer on each idea, with one query for the whole page."""
    for proposal in proposals:
        proposal.my_vote = None
    ballots = ballots_of(viewer)
    if not ballots or not proposals:
        return
    by_id = {proposal.id: proposal for proposal in proposals}
    votes = session.execute(
        select(Vote.proposal_id, Vote.user_id, Vote.created_at).where(
            Vote.proposal_id.in_(by_id), Vote.ballot.in_(ballots)
        )
    )
    for proposal_id, user_id, cast_at in votes:
        by_id[proposal_id].my_vote = {"cast_at": cast_at, "by_me": user_id == viewer.id}


def _filtered(session: Session, viewer: User | None, filters: dict[str, Any]) -> Select:
    """Build the list query: what the viewer may see, narrowed by the filters."""
    query = select(Proposal).options(*LIST_LOADING).where(visible_clause(session, viewer))
    if slug := filters.get("neighbourhood"):  # a subquery: no extra round trip per request
        by_slug = select(Neighbourhood.id).where(Neighbourhood.slug == slug).scalar_subquery()
        query = query.where(Proposal.neighbourhood_id == by_slug)
    for name, column in (("round", Proposal.round_id), ("theme", Proposal.theme)):
        if filters.get(name) is not None:
            query = query.where(column == filters[name])
    if filters.get("status"):
        query = query.where(Proposal.status == filters["status"])
    elif not filters.get("mine"):
        query = query.where(Proposal.status.in_(PUBLIC_STATUSES))
    if filters.get("mine"):
        query = query.where(Proposal.author_id == (viewer.id if viewer else None))
    if filters.get("q") and (found := matching(session, filters["q"])) is not None:
        query = query.where(found)
    return query


def list_proposals(
    session: Session,
    viewer: User | None,
    filters: dict[str, Any],
    cursor: str | None,
    limit: int,
) -> dict[str, Any]:
    """Return one page of the ideas the viewer may see, filtered and sorted."""
    keys = SORT_KEYS[filters.get("sort") or "new"]
    query = _filtered(session, viewer, filters)
    page = paginate(session, query, keys, cursor, limit, descending=True)
    if not page["items"] and filters.get("neighbourhood"):
        _check_slug(session, filters["neighbourhood"])  # only an empty page pays for this
    annotate(session, viewer, page["items"])
    return page


def _check_slug(session: Session, slug: str) -> None:
    if session.scalar(select(Neighbourhood.id).where(Neighbourhood.slug == slug)) is None:
        message = gettext("This neighbourhood does not exist.")
        raise RuleViolation(message, errors={"neighbourhood": [message]})


def _check_round(session: Session, proposal: Proposal, round_id: int | None) -> None:
    if round_id is None:
        proposal.round = None
        return
    chosen = session.get(Round, round_id)
    if chosen is None or chosen.neighbourhood_id != proposal.neighbourhood_id:
        message = gettext("Choose a round of this idea's neighbourhood.")
        raise RuleViolation(message, errors={"round": [message]})
    proposal.round = chosen


def _check_complex(session: Session, proposal: Proposal, complex_id: int | None) -> None:
    found = session.get(Complex, complex_id) if complex_id is not None else None
    if complex_id is not None and (
        found is None or found.neighbourhood_id != proposal.neighbourhood_id
    ):
        message = gettext("Choose a complex in this idea's neighbourhood.")
        raise RuleViolation(message, errors={"complex": [message]})
    proposal.complex_id = complex_id


def _check_location(proposal: Proposal) -> None:
    if (proposal.lat is None) != (proposal.lon is None):
        message = gettext("Give both latitude and longitude, or neither.")
        raise RuleViolation(message, errors={"lat": [message], "lon": [message]})


def _apply(session: Session, proposal: Proposal, data: dict[str, Any]) -> None:
    for field in CONTENT_FIELDS:
        if field in data:
            setattr(proposal, field, data[field])
    if "round" in data:
        _check_round(session, proposal, data["round"])
    if "complex" in data:
        _check_complex(session, proposal, data["complex"])
    _check_location(proposal)


def create_proposal(session: Session, author: User, data: dict[str, Any]) -> Proposal:
    """Save a new idea as a draft; the author follows it."""
    if "corporation_role" in data:
        _refuse_role()
    neighbourhood = get_neighbourhood(session, data["neighbourhood"])
    proposal = Proposal(
        neighbourhood=neighbourhood,
        neighbourhood_id=neighbourhood.id,
        author=author,
        status=Status.DRAFT,
    )
    _apply(session, proposal, data)
    session.add(proposal)
    session.flush()
    follow(session, author, proposal)
    annotate(session, author, [proposal])
    return proposal


def _refuse_role() -> None:
    message = gettext("Only staff decide the role of the housing corporation.")
    raise RuleViolation(message, errors={"corporation_role": [message]})


def update_proposal(
    session: Session, editor: User, proposal: Proposal, changes: dict[str, Any]
) -> Proposal:
    """Change an idea: its author while draft or submitted; staff the corporation's role."""
    check_can_view(session, editor, proposal)
    if "corporation_role" in changes:
        if not editor.is_staff:
            _refuse_role()
        check_can_moderate(session, editor, proposal.neighbourhood)
        proposal.corporation_role = changes.pop("corporation_role")
    if changes:
        check_is_author(editor, proposal)
        if proposal.status not in EDITABLE_STATUSES:
            raise Conflict(gettext("An idea can only be changed before it is published."))
        if proposal.status == Status.SUBMITTED and _content_changes(proposal, changes):
            session.add(
                ProposalRevision(
                    proposal_id=proposal.id,
                    editor_id=editor.id,
                    title=proposal.title,
                    body=proposal.body,
                )
            )
        _apply(session, proposal, changes)
    session.flush()
    annotate(session, editor, [proposal])
    return proposal


def _content_changes(proposal: Proposal, changes: dict[str, Any]) -> bool:
    return any(
        field in changes and changes[field] != getattr(proposal, field)
        for field in ("title", "body")
    )


def change_status(
    session: Session, proposal: Proposal, target: Status, actor: Actor, by: User | None
) -> None:
    """Move an idea through the lifecycle table and tell its followers after commit."""
    old = lifecycle.move(proposal, target, actor)
    now = utcnow()
    if target == Status.SUBMITTED:
        proposal.submitted_at = now
    if target == Status.PUBLISHED and proposal.published_at is None:
        proposal.published_at = now
    emit_after_commit(
        session,
        proposal_status_changed,
        proposal_id=proposal.id,
        old=old,
        new=str(target),
        actor_id=by.id if by else None,
    )


def _check_can_submit(session: Session, author: User, proposal: Proposal) -> None:
    if not author.is_staff and (
        author.household is None or author.household.neighbourhood_id != proposal.neighbourhood_id
    ):
        raise Forbidden(
            gettext(
                "Only residents who have linked their address in %(name)s "
                "can send in ideas for it.",
                name=proposal.neighbourhood.name,
            )
        )
    chosen = proposal.round
    if chosen is None:
        return
    if not chosen.submission_open(utcnow()):
        message = gettext("This round does not take new ideas now.")
        raise RuleViolation(message, errors={"round": [message]})
    if chosen.style == "budget" and not proposal.budget_cents:
        message = gettext("Say how much money this idea needs; this round shares a budget.")
        raise RuleViolation(message, errors={"budget_cents": [message]})
    if (proposal.budget_cents or 0) > chosen.budget_cents:
        message = gettext("This idea asks for more than the whole budget of the round.")
        raise RuleViolation(message, errors={"budget_cents": [message]})


def submit_proposal(session: Session, author: User, proposal: Proposal) -> Proposal:
    """Send a draft in for review by staff."""
    check_can_view(session, author, proposal)
    check_is_author(author, proposal)
    if proposal.status == Status.DRAFT:
        _check_can_submit(session, author, proposal)
    change_status(session, proposal, Status.SUBMITTED, Actor.AUTHOR, author)
    session.flush()
    annotate(session, author, [proposal])
    return proposal


def withdraw_proposal(session: Session, author: User, proposal: Proposal) -> Proposal:
    """Take one's own idea back, as long as it has not been selected."""
    check_can_view(session, author, proposal)
    check_is_author(author, proposal)
    change_status(session, proposal, Status.WITHDRAWN, Actor.AUTHOR, author)
    session.flush()
    annotate(session, author, [proposal])
    return proposal


def follow(session: Session, user: User, proposal: Proposal) -> None:
    """Follow an idea (again following is fine)."""
    check_can_view(session, user, proposal)
    session.execute(
        insert_unless_present(
            session, Follow, user_id=user.id, proposal_id=proposal.id, created_at=utcnow()
        )
    )


def unfollow(session: Session, user: User, proposal: Proposal) -> None:
    """Stop following an idea."""
    check_can_view(session, user, proposal)
    session.execute(
        delete(Follow).where(Follow.user_id == user.id, Follow.proposal_id == proposal.id)
    )


def is_following(session: Session, user: User | None, proposal: Proposal) -> bool:
    """Tell whether the user follows the idea."""
    if user is None:
        return False
    found = session.get(Follow, (user.id, proposal.id))
    return found is not None


def revisions(session: Session, proposal: Proposal) -> list[ProposalRevision]:
    """Return the earlier versions of an idea, newest first."""
    query = select(ProposalRevision).where(ProposalRevision.proposal_id == proposal.id)
    return list(session.scalars(query.order_by(ProposalRevision.id.desc())))
