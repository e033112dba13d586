"""The proposals feature's tables."""

from app.proposals.models.discussion import (
    Comment,
    CommentStatus,
    Flag,
    FlagReason,
    ModerationEntry,
)
from app.proposals.models.proposal import (
    PUBLIC_STATUSES,
    CorporationRole,
    Follow,
    ProgressUpdate,
    Proposal,
    ProposalRevision,
    Status,
)
from app.proposals.models.round import Round, Vote, VoteStyle, VoteUnit

__all__ = [
    "PUBLIC_STATUSES",
    "Comment",
    "CommentStatus",
    "CorporationRole",
    "Flag",
    "FlagReason",
    "Follow",
    "ModerationEntry",
    "ProgressUpdate",
    "Proposal",
    "ProposalRevision",
    "Round",
    "Status",
    "Vote",
    "VoteStyle",
    "VoteUnit",
]
