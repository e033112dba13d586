"""Input and output schemas of comments, flags, moderation and progress updates."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from app.core.fields import StrictInteger, Trimmed
from app.proposals.models import FlagReason
from app.proposals.services.comments import MAX_BODY as MAX_COMMENT
from app.proposals.services.moderation import Decision
from app.proposals.services.updates import MAX_BODY as MAX_UPDATE
from app.proposals.services.updates import NEW_STATUSES

MAX_ID = 2_147_483_647
MAX_REASON = 2000


class CommentCreateSchema(Schema):
    """Write a comment, or a reply to a top-level comment (parent)."""

    body = Trimmed(
        required=True,
        validate=validate.Length(1, MAX_COMMENT, error=_l("Write 1 to {max} characters.")),
    )
    parent = StrictInteger(load_default=None, allow_none=True, validate=validate.Range(1, MAX_ID))


class CommentUpdateSchema(Schema):
    """Change the text of one's comment (within 15 minutes of posting)."""

    body = Trimmed(
        required=True,
        validate=validate.Length(1, MAX_COMMENT, error=_l("Write 1 to {max} characters.")),
    )


class ReplySchema(Schema):
    """A comment as the caller may see it: placeholders (hidden, deleted) have no body."""

    id = fields.Integer()
    proposal = fields.Integer(attribute="proposal_id")
    parent = fields.Integer(attribute="parent_id", allow_none=True)
    author = fields.String(allow_none=True, metadata={"description": "Display name only"})
    body = fields.String(allow_none=True)
    status = fields.String(metadata={"enum": ["visible", "hidden", "deleted"]})
    hidden_reason = fields.String(
        allow_none=True, metadata={"description": "Why it was hidden; only for its author"}
    )
    created_at = fields.DateTime()
    edited_at = fields.DateTime(allow_none=True)
    can_edit = fields.Boolean()


class CommentSchema(ReplySchema):
    """A top-level comment with its replies, oldest first."""

    replies = fields.List(fields.Nested(ReplySchema))


class FlagCreateSchema(Schema):
    """Report an idea or a comment."""

    reason = fields.String(
        required=True,
        validate=validate.OneOf(
            [r.value for r in FlagReason],
            error=_l("Choose spam, offensive, off_topic or privacy."),
        ),
    )


class FlagSchema(Schema):
    """One's report about an idea or a comment."""

    id = fields.Integer()
    kind = fields.Function(lambda flag: "comment" if flag.comment_id else "proposal")
    proposal = fields.Integer(attribute="proposal_id", allow_none=True)
    comment = fields.Integer(attribute="comment_id", allow_none=True)
    reason = fields.String()
    created_at = fields.DateTime()


class DecisionSchema(Schema):
    """A moderation decision; reject and hide need a reason, which the author sees."""

    decision = fields.String(
        required=True,
        validate=validate.OneOf(
            [d.value for d in Decision],
            error=_l("Choose publish, reject, hide, restore or dismiss_flags."),
        ),
    )
    reason = Trimmed(load_default="", validate=validate.Length(max=MAX_REASON))


class ModerationEntrySchema(Schema):
    """One decision in the moderation log (moderator null: hidden by residents' reports)."""

    id = fields.Integer()
    moderator = fields.String(allow_none=True)
    decision = fields.String()
    reason = fields.String()
    kind = fields.String(metadata={"enum": ["proposal", "comment"]})
    proposal = fields.Integer(attribute="proposal_id", allow_none=True)
    comment = fields.Integer(attribute="comment_id", allow_none=True)
    title = fields.String(allow_none=True)
    created_at = fields.DateTime()


class DecisionResultSchema(ModerationEntrySchema):
    """The logged decision and the status the item has now."""

    status = fields.String()


class QueueItemSchema(Schema):
    """An idea or comment waiting for staff."""

    kind = fields.String(metadata={"enum": ["proposal", "comment"]})
    id = fields.Integer()
    proposal = fields.Integer(attribute="proposal_id")
    title = fields.String()
    excerpt = fields.String()
    why = fields.String(metadata={"enum": ["submitted", "flagged"]})
    status = fields.String()
    flags = fields.Dict(keys=fields.String(), values=fields.Integer())
    since = fields.DateTime()


class ProgressUpdateCreateSchema(Schema):
    """News about an idea; a status moves it on (selected, not selected, in progress, done)."""

    body = Trimmed(
        required=True,
        validate=validate.Length(1, MAX_UPDATE, error=_l("Write 1 to {max} characters.")),
    )
    progress = StrictInteger(
        allow_none=True,
        validate=validate.Range(0, 100, error=_l("Give a percentage from 0 to 100.")),
    )
    status = fields.String(
        allow_none=True,
        validate=validate.OneOf(
            [s.value for s in NEW_STATUSES],
            error=_l("Choose selected, not_selected, in_progress or completed."),
        ),
    )


class ProgressUpdateSchema(Schema):
    """A progress update as everyone sees it."""

    id = fields.Integer()
    proposal = fields.Integer(attribute="proposal_id")
    author = fields.Function(lambda update: update.author.display_name if update.author else None)
    body = fields.String()
    progress = fields.Integer(allow_none=True)
    status = fields.String(allow_none=True)
    created_at = fields.DateTime()
