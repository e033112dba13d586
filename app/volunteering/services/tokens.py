"""Signed tokens: the volunteer's personal check-in code and the private calendar address."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.core.errors import NotFound, RuleViolation
from app.volunteering.models import CalendarFeed


def _signer(purpose: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=f"volunteering-{purpose}")


def pass_token(user: User) -> str:
    """Return the code in the volunteer's QR code: signed, so nobody can make one up."""
    return _signer("pass").dumps(user.id)


def volunteer_from_pass(token: str) -> int:
    """Return the user id in a check-in code, or raise RuleViolation."""
    try:
        user_id = _signer("pass").loads(token)
    except BadData:
        user_id = None
    if not isinstance(user_id, int):
        message = gettext("This code is not a volunteer's check-in code.")
        raise RuleViolation(message, errors={"code": [message]})
    return user_id


def calendar_feed(session: Session, user: User) -> CalendarFeed | None:
    """Return the volunteer's calendar address settings, if they made one."""
    return session.get(CalendarFeed, user.id)


def calendar_token(feed: CalendarFeed) -> str:
    """Return the secret of a calendar address."""
    return _signer("calendar").dumps([feed.user_id, feed.version])


def renew_calendar(session: Session, user: User) -> CalendarFeed:
    """Make a new private calendar address; the previous one stops working."""
    feed = session.scalar(
        select(CalendarFeed).where(CalendarFeed.user_id == user.id).with_for_update()
    )
    if feed is None:
        feed = CalendarFeed(user_id=user.id, version=1, active=True)
        session.add(feed)
    else:
        feed.version += 1
        feed.active = True
    session.flush()
    return feed


def revoke_calendar(session: Session, user: User) -> None:
    """Switch the private calendar address off."""
    feed = session.get(CalendarFeed, user.id)
    if feed is not None:
        feed.active = False
        session.flush()


def owner_of_calendar(session: Session, token: str) -> User:
    """Return whose calendar a token opens, or raise NotFound for a wrong or revoked one."""
    try:
        user_id, version = _signer("calendar").loads(token)
    except (BadData, TypeError, ValueError):
        user_id = version = None
    feed = session.get(CalendarFeed, user_id) if isinstance(user_id, int) else None
    if feed is None or not feed.active or feed.version != version:
        raise NotFound(gettext("This calendar address does not exist or was switched off."))
    return session.get(User, user_id)
