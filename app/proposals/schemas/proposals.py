"""Input and output schemas of ideas and votes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from app.core.api import PageQuerySchema
from app.core.db import utcnow
from app.core.fields import StrictInteger, Trimmed
from app.core.themes import Theme
from app.proposals.models import CorporationRole, Proposal, Status

MAX_BUDGET_CENTS = 2_000_000_000
THEMES = validate.OneOf([t.value for t in Theme], error=_l("Choose one of the five themes."))


def _money():
    return StrictInteger(
        allow_none=True,
        validate=validate.Range(
            0, MAX_BUDGET_CENTS, error=_l("Enter an amount from 0 to 20 million euros.")
        ),
    )


class ProposalUpdateSchema(Schema):
    """Change an idea; only the fields sent change."""

    title = Trimmed(validate=validate.Length(5, 120), metadata={"collapse": True})
    body = Trimmed(validate=validate.Length(1, 5000))
    theme = fields.String(validate=THEMES)
    round = StrictInteger(allow_none=True)
    budget_cents = _money()
    lat = fields.Float(allow_none=True, validate=validate.Range(-90, 90))
    lon = fields.Float(allow_none=True, validate=validate.Range(-180, 180))
    complex = StrictInteger(allow_none=True)
    corporation_role = fields.String(
        allow_none=True, validate=validate.OneOf([r.value for r in CorporationRole])
    )


class ProposalCreateSchema(ProposalUpdateSchema):
    """Write a new idea (saved as a draft)."""

    title = Trimmed(required=True, validate=validate.Length(5, 120), metadata={"collapse": True})
    body = Trimmed(required=True, validate=validate.Length(1, 5000))
    theme = fields.String(required=True, validate=THEMES)
    neighbourhood = fields.String(required=True, validate=validate.Length(1, 80))


class ProposalQuerySchema(PageQuerySchema):
    """Filters and order of the idea list."""

    neighbourhood = fields.String(validate=validate.Length(1, 80))
    round = StrictInteger()
    theme = fields.String(validate=THEMES)
    status = fields.String(validate=validate.OneOf([s.value for s in Status]))
    q = fields.String(validate=validate.Length(max=200))
    sort = fields.String(
        load_default="new", validate=validate.OneOf(["new", "popular", "trending"])
    )
    mine = fields.Boolean(load_default=False)


class MyVoteSchema(Schema):
    """The caller's vote on an idea (by_me is false when a housemate cast the household's vote)."""

    cast_at = fields.DateTime()
    by_me = fields.Boolean()


def _visible_votes(proposal: Proposal) -> int | None:
    chosen = proposal.round
    return None if chosen is not None and chosen.counts_hidden(utcnow()) else proposal.vote_count


class ProposalSchema(Schema):
    """An idea as the caller may see it."""

    id = fields.Integer()
    title = fields.String()
    body = fields.String()
    status = fields.String()
    theme = fields.String()
    neighbourhood = fields.Function(lambda p: p.neighbourhood.slug)
    round = fields.Integer(attribute="round_id", allow_none=True)
    budget_cents = fields.Integer(allow_none=True)
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)
    complex = fields.Integer(attribute="complex_id", allow_none=True)
    corporation_role = fields.String(allow_none=True)
    author = fields.Function(lambda p: p.author.display_name if p.author else None)
    vote_count = fields.Function(_visible_votes, metadata={"description": "null while secret"})
    comment_count = fields.Integer()
    my_vote = fields.Nested(MyVoteSchema, allow_none=True)
    decision_reason = fields.String(metadata={"description": "why staff rejected or hid it"})
    progress = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    submitted_at = fields.DateTime(allow_none=True)
    published_at = fields.DateTime(allow_none=True)


class RevisionSchema(Schema):
    """An earlier version of an idea."""

    title = fields.String()
    body = fields.String()
    replaced_at = fields.DateTime(attribute="created_at")


class VoteSchema(Schema):
    """A cast vote and what the voter has left in the round."""

    proposal = fields.Integer(attribute="proposal_id")
    round = fields.Integer(attribute="round_id")
    cast_at = fields.DateTime()
    by_me = fields.Boolean()
    vote_count = fields.Integer(allow_none=True)
    votes_left = fields.Integer(allow_none=True)
    budget_left_cents = fields.Integer(allow_none=True)
