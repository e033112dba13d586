"""Full-text search over ideas: SQLite FTS5 or PostgreSQL tsvector, behind one function.

Both index title and body (SQLite: the proposals_fts table kept by triggers; PostgreSQL: a GIN
index on the same to_tsvector expression as below; see the migration). Every word typed must
match, as a prefix, so "speel" finds "speeltuin".
"""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, func, literal_column, select, text
from sqlalchemy.orm import Session

from app.proposals.models import Proposal

MAX_WORDS = 8
# Must be the exact expression of the PostgreSQL index, or the planner will not use it.
DUTCH = literal_column("'dutch'::regconfig")
PG_DOCUMENT = func.to_tsvector(DUTCH, Proposal.title + literal_column("' '") + Proposal.body)


def search_words(query: str) -> list[str]:
    """Return the words of a search, without any query syntax."""
    return re.findall(r"\w+", query.lower())[:MAX_WORDS]


def matching(session: Session, query: str) -> ColumnElement[bool] | None:
    """Return a filter for ideas whose title or body contain every word; None if no words."""
    words = search_words(query)
    if not words:
        return None
    if session.get_bind().dialect.name == "postgresql":
        tsquery = func.to_tsquery(DUTCH, " & ".join(f"{word}:*" for word in words))
        return PG_DOCUMENT.op("@@")(tsquery)
    fts_query = " ".join(f'"{word}"*' for word in words)
    hits = (
        select(literal_column("rowid"))
        .select_from(text("proposals_fts"))
        .where(text("proposals_fts MATCH :fts_query").bindparams(fts_query=fts_query))
    )
    return Proposal.id.in_(hits)
