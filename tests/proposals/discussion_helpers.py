"""Helpers and fixtures of the comment, flag, moderation and progress tests.

Test modules import the fixtures they use from here (pytest finds fixtures by name in the
module), next to `assign` and `live_url` from tests/conftest.py.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select, update

from app.accounts.models import User
from app.core.db import commit, utcnow
from app.proposals.models import Comment, Flag, ModerationEntry, Proposal
from app.proposals.services import comments as comment_services


@pytest.fixture
def make_comment(db, resident) -> Callable[..., Comment]:
    """Post a comment straight through the service: make_comment(proposal, author=..., ...)."""

    def create(
        proposal: Proposal, author: User | None = None, body: str = "Goed idee!", parent=None
    ) -> Comment:
        posted = comment_services.post_comment(
            db.session, author or resident, proposal, body, parent.id if parent else None
        )
        commit(db.session)
        return db.session.get(Comment, posted.id)

    return create


@pytest.fixture
def flaggers(make_resident) -> list[User]:
    """Three verified residents, each with a home of their own."""
    return [make_resident() for _ in range(3)]


def age(db, comment: Comment, minutes: int) -> None:
    """Make a comment look as if it was posted the given minutes ago."""
    db.session.execute(
        update(Comment)
        .where(Comment.id == comment.id)
        .values(created_at=utcnow() - timedelta(minutes=minutes))
    )
    commit(db.session)


def fresh(db, model: type, item_id: int):
    """Return a row as the database has it now (the test's session may hold an old copy)."""
    db.session.commit()
    return db.session.get(model, item_id, populate_existing=True)


def count_rows(db, model: type, *where) -> int:
    """Count a table's rows as the database has them now."""
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def open_flags(db, **target) -> int:
    """Count the unresolved flags on an idea (proposal_id=) or comment (comment_id=)."""
    column, value = next(iter(target.items()))
    return count_rows(db, Flag, getattr(Flag, column) == value, Flag.resolved_at.is_(None))


def log_entries(db, **target) -> list[ModerationEntry]:
    """Return the moderation log's entries about an item, oldest first."""
    db.session.commit()
    column, value = next(iter(target.items()))
    query = select(ModerationEntry).where(getattr(ModerationEntry, column) == value)
    return list(db.session.scalars(query.order_by(ModerationEntry.id)))


@contextlib.contextmanager
def count_queries(db) -> Iterator[list[str]]:
    """Collect the SQL statements run inside the block."""
    statements: list[str] = []

    def collect(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", collect)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", collect)


@contextlib.contextmanager
def received(signal) -> Iterator[list[dict]]:
    """Collect what a blinker signal sends inside the block."""
    payloads: list[dict] = []

    def receive(sender, **payload) -> None:
        payloads.append(payload)

    signal.connect(receive)
    try:
        yield payloads
    finally:
        signal.disconnect(receive)


def decide(client, kind, item_id, decision, reason=""):
    """Post a moderation decision through the API."""
    path = f"/moderation/{kind}/{item_id}/decision"
    return client.post(path, json={"decision": decision, "reason": reason})
