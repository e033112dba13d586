"""Account use cases: register, authenticate, profile, passwords, roles, sessions."""

from __future__ import annotations

import hashlib
from typing import Any, NoReturn

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import force_locale, gettext
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.accounts.models import Role, User, neighbourhood_model
from app.accounts.passwords import (
    hash_password,
    needs_rehash,
    password_problems,
    verify_password,
)
from app.core.db import read_outside_transaction, utcnow
from app.core.errors import Conflict, DomainError, RuleViolation, Unauthenticated
from app.core.mail import queue_mail

RESET_SALT = "password-reset"


class InvalidToken(DomainError):
    """A link's token is forged, expired or already used."""

    status = 400
    code = "invalid-token"


class WrongPassword(RuleViolation):
    """The current password given to confirm a change is not correct."""


def normalize_email(email: str) -> str:
    """Return the canonical form of an e-mail address, or raise RuleViolation."""
    try:
        result = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError:
        raise RuleViolation(
            gettext("Enter a valid e-mail address."),
            errors={"email": [gettext("Enter a valid e-mail address.")]},
        ) from None
    return result.normalized.lower()


def find_user_by_email(session: Session, email: str) -> User | None:
    """Return the user with this e-mail address, if any."""
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def _check_new_password(password: str, email: str, name: str) -> None:
    problems = password_problems(password, email=email, name=name)
    if problems:
        raise RuleViolation(problems[0], errors={"password": problems})


def register(
    session: Session, *, email: str, password: str, display_name: str, language: str = "nl"
) -> User:
    """Create a resident account."""
    email = normalize_email(email)
    display_name = display_name.strip()
    _check_new_password(password, email, display_name)
    password_hash = hash_password(password)  # before any query: hashing never holds a DB lock
    if find_user_by_email(session, email):
        _email_taken()
    user = User(
        email=email,
        password_hash=password_hash,
        display_name=display_name,
        role=Role.RESIDENT,
        language=language,
    )
    try:
        with session.begin_nested():  # a concurrent registration may have won the race
            session.add(user)
            session.flush()
    except IntegrityError:
        _email_taken()
    return user


def _email_taken() -> NoReturn:
    message = gettext("There is already an account with this e-mail address.")
    raise Conflict(message, errors={"email": [message]})


def authenticate(session: Session, email: str, password: str) -> User:
    """Return the user these credentials belong to; the same error for every failure."""
    # argon2 takes tens of milliseconds: check the password before the write transaction
    # starts, so failed logins never hold (or wait for) the database write lock.
    stored = read_outside_transaction(
        session, select(User.id, User.password_hash).where(User.email == email.strip().lower())
    )
    if not verify_password(stored.password_hash if stored else None, password) or not stored:
        raise Unauthenticated(gettext("The e-mail address or password is not correct."))
    user = session.get(User, stored.id)
    if user is None:  # deleted in the meantime
        raise Unauthenticated(gettext("The e-mail address or password is not correct."))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    session.flush()
    return user


def end_all_sessions(session: Session, user: User) -> None:
    """Invalidate every login cookie of this user, wherever it is."""
    user.session_version += 1
    session.flush()


def change_password(session: Session, user: User, current: str, new: str) -> User:
    """Replace the password after checking the current one; other sessions end."""
    if not verify_password(user.password_hash, current):
        message = gettext("Your current password is not correct.")
        raise WrongPassword(message, errors={"current_password": [message]})
    _check_new_password(new, user.email, user.display_name)
    user.password_hash = hash_password(new)
    end_all_sessions(session, user)
    return user


def update_profile(session: Session, user: User, changes: dict[str, Any]) -> User:
    """Change display name, language and home neighbourhood (given as slug or None)."""
    if "display_name" in changes:
        user.display_name = changes["display_name"].strip()
    if "language" in changes:
        if changes["language"] not in current_app.config["LANGUAGES"]:
            raise RuleViolation(gettext("Choose Dutch or English."))
        user.language = changes["language"]
    if "home_neighbourhood" in changes:
        slug = changes["home_neighbourhood"]
        user.home_neighbourhood = _neighbourhood_by_slug(session, slug) if slug else None
    session.flush()
    return user


def _neighbourhood_by_slug(session: Session, slug: str):
    neighbourhood_cls = neighbourhood_model()
    found = session.scalar(select(neighbourhood_cls).where(neighbourhood_cls.slug == slug))
    if found is None:
        message = gettext("This neighbourhood does not exist.")
        raise RuleViolation(message, errors={"home_neighbourhood": [message]})
    return found


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _password_fingerprint(user: User) -> str:
    # Part of the token: once the password changes, every older reset link stops working.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def request_password_reset(session: Session, email: str, reset_url_for) -> None:
    """Mail a reset link if the address has an account; say nothing either way."""
    user = find_user_by_email(session, email)
    if user is None:
        return
    token = _reset_serializer().dumps({"u": user.id, "p": _password_fingerprint(user)})
    with force_locale(user.language):
        subject = gettext("Set a new password for Leefbaar")
        body = gettext(
            "Hello %(name)s,\n\nSomeone asked to set a new password for your Leefbaar "
            "account. Open this link within an hour to choose one:\n\n%(link)s\n\n"
            "Did you not ask for this? Then you can ignore this e-mail.",
            name=user.display_name,
            link=reset_url_for(token),
        )
    queue_mail(session, user.email, subject, body)


def reset_password(session: Session, token: str, new_password: str) -> User:
    """Set a new password with a reset token; the token works once and for an hour."""
    max_age = current_app.config["PASSWORD_RESET_MAX_AGE"]
    try:
        data = _reset_serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        raise InvalidToken(gettext("This link has expired. Ask for a new one.")) from None
    except BadSignature:
        raise InvalidToken(gettext("This link is not valid. Ask for a new one.")) from None
    user = session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or data.get("p") != _password_fingerprint(user):
        raise InvalidToken(gettext("This link has already been used. Ask for a new one."))
    _check_new_password(new_password, user.email, user.display_name)
    user.password_hash = hash_password(new_password)
    end_all_sessions(session, user)
    return user


def create_user(
    session: Session, *, email: str, password: str, display_name: str, role: Role
) -> User:
    """Create an account with any role (administrators and the CLI only)."""
    user = register(session, email=email, password=password, display_name=display_name)
    user.role = role
    session.flush()
    return user


def set_role(session: Session, user: User, role: Role) -> None:
    """Change a user's role; their sessions end so new rights apply at once."""
    user.role = role
    end_all_sessions(session, user)
