"""Input and output schemas of budget rounds and their results."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from app.core.api import PageQuerySchema
from app.core.db import utcnow
from app.core.fields import StrictInteger, Trimmed
from app.core.fields import moment as _moment
from app.proposals.models import VoteStyle, VoteUnit
from app.proposals.schemas.proposals import MAX_BUDGET_CENTS


class RoundUpdateSchema(Schema):
    """Change a round; vote rules are fixed once voting opened."""

    title = Trimmed(validate=validate.Length(3, 120), metadata={"collapse": True})
    description = Trimmed(validate=validate.Length(max=5000))
    budget_cents = StrictInteger(validate=validate.Range(0, MAX_BUDGET_CENTS))
    submission_opens_at = _moment()
    submission_closes_at = _moment()
    voting_opens_at = _moment()
    voting_closes_at = _moment()
    style = fields.String(validate=validate.OneOf([s.value for s in VoteStyle]))
    votes_per_resident = StrictInteger(
        allow_none=True,
        validate=validate.Range(1, 100, error=_l("Give each resident 1 to 100 votes.")),
    )
    vote_unit = fields.String(validate=validate.OneOf([u.value for u in VoteUnit]))
    hide_counts = fields.Boolean()


class RoundCreateSchema(RoundUpdateSchema):
    """Start a round in a neighbourhood."""

    neighbourhood = fields.String(required=True, validate=validate.Length(1, 80))
    title = Trimmed(required=True, validate=validate.Length(3, 120), metadata={"collapse": True})
    budget_cents = StrictInteger(required=True, validate=validate.Range(0, MAX_BUDGET_CENTS))
    submission_opens_at = _moment(required=True)
    submission_closes_at = _moment(required=True)
    voting_opens_at = _moment(required=True)
    voting_closes_at = _moment(required=True)


class RoundQuerySchema(PageQuerySchema):
    """Filter rounds by neighbourhood."""

    neighbourhood = fields.String(validate=validate.Length(1, 80))


class RoundSchema(Schema):
    """A round as anyone sees it."""

    id = fields.Integer()
    neighbourhood = fields.Function(lambda r: r.neighbourhood.slug)
    title = fields.String()
    description = fields.String()
    budget_cents = fields.Integer()
    submission_opens_at = fields.DateTime()
    submission_closes_at = fields.DateTime()
    voting_opens_at = fields.DateTime()
    voting_closes_at = fields.DateTime()
    style = fields.String()
    votes_per_resident = fields.Integer(allow_none=True)
    vote_unit = fields.String()
    hide_counts = fields.Boolean()
    submission_open = fields.Function(lambda r: r.submission_open(utcnow()))
    voting_open = fields.Function(lambda r: r.voting_open(utcnow()))
    closed_at = fields.DateTime(allow_none=True)


class RankedIdeaSchema(Schema):
    """One line of a round's ranking."""

    proposal = fields.Function(lambda item: item.proposal.id)
    title = fields.Function(lambda item: item.proposal.title)
    status = fields.Function(lambda item: item.proposal.status)
    budget_cents = fields.Function(lambda item: item.proposal.budget_cents)
    votes = fields.Integer(allow_none=True)
    selected = fields.Boolean()


class RoundResultsSchema(Schema):
    """A round's ranking; empty while the counts are secret."""

    round = fields.Nested(RoundSchema)
    final = fields.Boolean(metadata={"description": "true once the round is closed"})
    counts_hidden = fields.Boolean()
    budget_cents = fields.Integer()
    allocated_cents = fields.Integer()
    ranking = fields.List(fields.Nested(RankedIdeaSchema))
