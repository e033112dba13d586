"""Neighbourhood use cases: create and edit, import homes, invite codes, verification."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext
from sqlalchemy import func, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from app.accounts.models import User
from app.core.api import paginate
from app.core.db import utcnow
from app.core.errors import Conflict, NotFound, RuleViolation
from app.neighbourhoods.models import Complex, Household, InviteCode, Neighbourhood
from app.neighbourhoods.permissions import check_can_create, check_can_manage, manageable

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: easy to read off a letter
CODE_LENGTH = 8
SLUG_BASE_LENGTH = 70  # the column holds 80: room for a "-2" … suffix
NEIGHBOURHOOD_FIELDS = ("name", "description", "boundary", "focus", "focus_reason")


@dataclass(frozen=True)
class IssuedCode:
    """A new invite code in plain text; only its hash is stored."""

    code: str
    household_id: int
    address: str
    expires_at: datetime


def list_neighbourhoods(session: Session) -> list[Neighbourhood]:
    """Return every neighbourhood, by name."""
    return list(session.scalars(select(Neighbourhood).order_by(Neighbourhood.name)))


def slugify(text: str) -> str:
    """Turn a name into a URL slug: 'Oud-Zuid (Gouda)' becomes 'oud-zuid-gouda'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "wijk"


def get_neighbourhood(session: Session, slug: str) -> Neighbourhood:
    """Return the neighbourhood with this slug, or raise NotFound."""
    found = session.scalar(select(Neighbourhood).where(Neighbourhood.slug == slug))
    if found is None:
        raise NotFound(gettext("This neighbourhood does not exist."))
    return found


def _name_taken(session: Session, name: str, exclude_id: int | None = None) -> None:
    query = select(Neighbourhood.id).where(Neighbourhood.name == name)
    if session.scalar(query) not in (None, exclude_id):
        message = gettext("There is already a neighbourhood with this name.")
        raise Conflict(message, errors={"name": [message]})


def _unique_slug(session: Session, name: str) -> str:
    base = slugify(name)[:SLUG_BASE_LENGTH].rstrip("-")  # NFKD may lengthen ("ﬃ" → "ffi")
    taken = set(
        session.scalars(select(Neighbourhood.slug).where(Neighbourhood.slug.like(f"{base}%")))
    )
    slug, counter = base, 2
    while slug in taken:
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


def _check_focus(neighbourhood: Neighbourhood) -> None:
    if neighbourhood.focus and not neighbourhood.focus_reason:
        message = gettext("Say why this is a focus neighbourhood.")
        raise RuleViolation(message, errors={"focus_reason": [message]})


@contextmanager
def _name_guard(session: Session) -> Iterator[None]:
    """Write in a savepoint; a name or slug that a concurrent request took first is a Conflict."""
    try:
        with session.begin_nested():
            yield
    except IntegrityError:
        message = gettext("There is already a neighbourhood with this name.")
        raise Conflict(message, errors={"name": [message]}) from None


def create_neighbourhood(session: Session, actor: User, data: dict[str, Any]) -> Neighbourhood:
    """Add a neighbourhood with a slug made from its name."""
    check_can_create(session, actor)
    _name_taken(session, data["name"])
    neighbourhood = Neighbourhood(slug=_unique_slug(session, data["name"]))
    for field in NEIGHBOURHOOD_FIELDS:
        if field in data:
            setattr(neighbourhood, field, data[field])
    _check_focus(neighbourhood)
    with _name_guard(session):
        session.add(neighbourhood)
        session.flush()
    return neighbourhood


def update_neighbourhood(
    session: Session, actor: User, neighbourhood: Neighbourhood, changes: dict[str, Any]
) -> Neighbourhood:
    """Change a neighbourhood's details; its slug stays so links keep working."""
    check_can_manage(session, actor, neighbourhood)
    if "name" in changes:
        _name_taken(session, changes["name"], exclude_id=neighbourhood.id)
    with _name_guard(session):  # opened before the changes, so they are flushed inside it
        for field in NEIGHBOURHOOD_FIELDS:
            if field in changes:
                setattr(neighbourhood, field, changes[field])
        _check_focus(neighbourhood)
        session.flush()
    return neighbourhood


def _address_key(row: dict[str, Any]) -> tuple[str, int, str]:
    return (row["postcode"], row["number"], row["addition"])


def _duplicate_errors(
    session: Session, rows: list[dict[str, Any]], first_row: int
) -> dict[int, Any]:
    errors: dict[int, Any] = {}
    seen: dict[tuple, int] = {}
    for index, row in enumerate(rows):
        key = _address_key(row)
        if key in seen:
            errors[index] = {
                "address": [gettext("This address is also in row %(n)d.", n=seen[key] + first_row)]
            }
        seen.setdefault(key, index)
    keys = list(seen)
    existing: set[tuple] = set()
    for start in range(0, len(keys), 500):  # stay below the bind-parameter limits
        batch = keys[start : start + 500]
        query = select(Household.postcode, Household.number, Household.addition).where(
            tuple_(Household.postcode, Household.number, Household.addition).in_(batch)
        )
        existing.update(tuple(row) for row in session.execute(query))
    for index, row in enumerate(rows):
        if _address_key(row) in existing:
            errors[index] = {"address": [gettext("This address is already registered.")]}
    return errors


def _complexes_by_name(
    session: Session, neighbourhood: Neighbourhood, names: set[str]
) -> dict[str, Complex]:
    found = {c.name: c for c in neighbourhood.complexes if c.name in names}
    for name in sorted(names - found.keys()):
        found[name] = Complex(neighbourhood=neighbourhood, name=name)
        session.add(found[name])
    return found


def import_households(
    session: Session,
    actor: User,
    neighbourhood: Neighbourhood,
    rows: list[dict[str, Any]],
    first_row: int = 1,
) -> list[Household]:
    """Add homes to a neighbourhood: all of them, or none when any row is refused.

    Messages name other rows counting from first_row (2 when line 1 of a file is its header).
    """
    check_can_manage(session, actor, neighbourhood)
    errors = _duplicate_errors(session, rows, first_row)
    if errors:
        raise RuleViolation(
            gettext("%(n)d rows could not be imported. Nothing was added.", n=len(errors)),
            errors={"households": errors},
        )
    try:
        # A concurrent import may add the same address or complex first. Everything is added
        # inside the savepoint: begin_nested() flushes what is pending *before* it starts.
        with session.begin_nested():
            complexes = _complexes_by_name(
                session, neighbourhood, {r["complex"] for r in rows if r["complex"]}
            )
            households = [
                Household(
                    neighbourhood=neighbourhood,
                    complex=complexes.get(row["complex"]) if row["complex"] else None,
                    **{k: row[k] for k in ("street", "number", "addition", "postcode", "city")},
                )
                for row in rows
            ]
            session.add_all(households)
            session.flush()
    except IntegrityError:
        raise Conflict(
            gettext("Some of these addresses were just added by someone else.")
        ) from None
    return households


def manageable_neighbourhoods(session: Session, actor: User) -> list[Neighbourhood]:
    """Return the neighbourhoods the actor manages, by name."""
    query = manageable(session, actor, select(Neighbourhood).order_by(Neighbourhood.name))
    return list(session.scalars(query))


def list_households(
    session: Session, actor: User, neighbourhood: Neighbourhood, cursor: str | None, limit: int
) -> tuple[dict[str, Any], int]:
    """Return one page of a neighbourhood's homes and how many there are in all."""
    check_can_manage(session, actor, neighbourhood)
    query = select(Household).where(Household.neighbourhood_id == neighbourhood.id)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    listed = query.options(selectinload(Household.complex))  # one query for all complexes
    page = paginate(session, listed, (Household.id,), cursor, limit)
    return page, total


def get_household(session: Session, actor: User, household_id: int) -> Household:
    """Return a household the actor manages, or raise NotFound/Forbidden."""
    household = session.get(Household, household_id)
    if household is None:
        raise NotFound(gettext("This address does not exist."))
    check_can_manage(session, actor, household.neighbourhood)
    return household


def _hash_code(code: str) -> str:
    # Keyed, so a leaked table of ~40-bit codes cannot be brute-forced offline. Rotating
    # SECRET_KEY therefore voids the unused codes on letters already sent.
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()


def normalize_code(text: str) -> str:
    """Strip spaces and dashes and ignore case, as people type codes off a letter."""
    return re.sub(r"[\s-]", "", text).upper()


def issue_invite_code(session: Session, actor: User, household: Household) -> IssuedCode:
    """Make a new code for a household; earlier unused codes stop working."""
    check_can_manage(session, actor, household.neighbourhood)
    # Lock the household so a concurrent request's new code is committed, and so expired
    # by our UPDATE below, before we go on (on SQLite BEGIN IMMEDIATE already serialises).
    session.execute(select(Household.id).where(Household.id == household.id).with_for_update())
    now = utcnow()
    session.execute(
        update(InviteCode)
        .where(InviteCode.household_id == household.id, InviteCode.used_at.is_(None))
        .values(expires_at=now)
    )
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    expires_at = now + timedelta(days=current_app.config["INVITE_CODE_DAYS"])
    session.add(
        InviteCode(
            household=household,
            code_hash=_hash_code(code),
            created_at=now,
            expires_at=expires_at,
            created_by_id=actor.id,
        )
    )
    session.flush()
    display = f"{code[:4]}-{code[4:]}"
    return IssuedCode(display, household.id, household.address_line, expires_at)


def verify_household(session: Session, user: User, typed_code: str) -> Household:
    """Link the resident to the household of an invite code; each code works once."""
    code_hash = _hash_code(normalize_code(typed_code))
    invite = session.scalar(
        select(InviteCode).where(InviteCode.code_hash == code_hash).with_for_update()
    )
    now = utcnow()
    if invite is None:
        message = gettext("This code is not correct. Check the letter and try again.")
        raise RuleViolation(message, errors={"code": [message]})
    if invite.used_at is not None:
        message = gettext("This code has already been used.")
        raise Conflict(message, errors={"code": [message]})
    if invite.expires_at <= now:
        message = gettext("This code has expired. Ask the housing corporation for a new one.")
        raise RuleViolation(message, errors={"code": [message]})
    claimed = session.execute(
        update(InviteCode)
        .where(InviteCode.id == invite.id, InviteCode.used_at.is_(None))
        .values(used_at=now, used_by_id=user.id)
    )
    if claimed.rowcount != 1:  # another request used it between our read and our write
        raise Conflict(gettext("This code has already been used."))
    household = invite.household
    user.household = household
    user.verified_at = now
    user.home_neighbourhood = household.neighbourhood
    session.flush()
    return household
