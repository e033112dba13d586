"""Idempotency-Key handling for create endpoints that the offline outbox replays.

A key is per user; its row is written in the same transaction as what the request creates, so a
replay finds either nothing or the finished result. The key row is claimed with
INSERT … ON CONFLICT DO NOTHING: on PostgreSQL a concurrent duplicate waits on the unique index
until the first request commits (then it replays) or rolls back (then it goes ahead itself); on
SQLite every write request already queues up behind BEGIN IMMEDIATE (see app.core.db).

Use it on a flask-smorest view, innermost, and call complete() before the one commit:

    @blp.post("/things")
    @login_required
    @blp.arguments(ThingCreateSchema)
    @blp.response(201, ThingSchema)
    @idempotent("thing", replay=load_thing)
    def create_thing(data):
        thing = services.create_thing(db.session, require_login(), data)
        complete(db.session, thing.id)
        commit(db.session)
        return thing

Why innermost: below @blp.response, so that what replay() returns is dumped with the same
schema (and status 201) as a first answer; below @blp.arguments, so that a body the schema
refuses is answered 422 before any key row is written, and the view receives its parsed
arguments unchanged; below @login_required, so the key's owner is known.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import re
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass
from datetime import datetime, timedelta
from http import HTTPStatus
from typing import Any

from flask import Request, g, has_request_context, request
from flask_babel import gettext
from flask_login import current_user
from huey import crontab
from sqlalchemy import ForeignKey, String, UniqueConstraint, delete, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.core.db import Base, commit, insert_unless_present, utcnow, write_intent
from app.core.errors import Conflict, DomainError, RuleViolation, Unauthenticated
from app.core.jobs import periodic_task
from app.extensions import db

log = logging.getLogger(__name__)

KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_LIFETIME = timedelta(hours=72)
# Visible ASCII only (no spaces or control characters): keys end up in logs and in an index.
_VALID_KEY = re.compile(r"[\x21-\x7e]{1,255}")
_FORM_TYPES = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})
# An expired row, or one whose request rolled back, may need a second insert; a third is plenty.
_ATTEMPTS = 3
_CHUNK = 64 * 1024


class IdempotencyKey(Base):
    """A request a user made with an Idempotency-Key, and what it created."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))  # sha256 of method, path and body
    kind: Mapped[str] = mapped_column(String(32))  # what the endpoint creates, e.g. "report"
    resource_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class InvalidIdempotencyKey(DomainError):
    """The Idempotency-Key header is empty, too long or has characters we do not take."""

    status = 400
    code = "invalid-idempotency-key"


class IdempotencyKeyReused(RuleViolation):
    """The key was used before for a request with another method, path or body."""

    code = "idempotency-key-reused"


class RequestInProgress(Conflict):
    """The first request with this key has not finished yet."""

    code = "request-in-progress"


@dataclass
class _Claim:
    """The key row this request inserted, and whether the view recorded its result on it."""

    row_id: int
    completed: bool = False


def fingerprint(req: Request) -> str:
    """Return the sha256 (hex) of the request's method, path, query string and body.

    The body counts by content, not by its bytes on the wire where that would differ between
    identical replays: JSON is re-serialised with sorted keys and no spaces, and forms
    (multipart or urlencoded) become their sorted fields plus each file's field name, file
    name, type and sha256. A browser picks a new multipart boundary for every send of the same
    FormData, and Flask-WTF has parsed (consumed) a form body before any view runs, so raw
    bytes would be neither stable nor available there. Other bodies count byte for byte.
    """
    digest = hashlib.sha256()
    head = [req.method, req.path, req.query_string.decode("latin-1")]
    digest.update(json.dumps(head).encode() + b"\n")
    digest.update(_body_content(req))
    return digest.hexdigest()


def _body_content(req: Request) -> bytes:
    if req.mimetype in _FORM_TYPES:
        fields = sorted(req.form.items(multi=True))
        files = sorted(
            [name, upload.filename or "", upload.mimetype, _file_digest(upload.stream)]
            for name, upload in req.files.items(multi=True)
        )
        return json.dumps([fields, files], ensure_ascii=False).encode()
    raw = req.get_data(cache=True)
    if req.is_json and raw:
        parsed = req.get_json()  # already parsed (and checked) by app.core.security
        return json.dumps(
            parsed, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode()
    return raw


def _file_digest(stream) -> str:
    digest = hashlib.sha256()
    start = stream.tell()
    while chunk := stream.read(_CHUNK):
        digest.update(chunk)
    stream.seek(start)  # the upload pipeline reads the file after us
    return digest.hexdigest()


def _valid_key(value: str) -> str:
    if not _VALID_KEY.fullmatch(value):
        message = gettext(
            "The Idempotency-Key must be 1 to 255 letters, digits or punctuation marks, "
            "without spaces."
        )
        raise InvalidIdempotencyKey(message, errors={KEY_HEADER: [message]})
    return value


def _in_progress() -> RequestInProgress:
    return RequestInProgress(
        gettext("This request is still being processed. Please try again in a moment.")
    )


def _claim(session: Session, user_id: int, key: str, kind: str, print_: str) -> tuple[bool, int]:
    """Claim the key for this request: (True, key row id), or (False, id of what it created)."""
    owned = (IdempotencyKey.user_id == user_id) & (IdempotencyKey.key == key)
    for _ in range(_ATTEMPTS):
        now = utcnow()
        row_id = session.execute(
            insert_unless_present(
                session,
                IdempotencyKey,
                user_id=user_id,
                key=key,
                fingerprint=print_,
                kind=kind,
                created_at=now,
                expires_at=now + KEY_LIFETIME,
            ).returning(IdempotencyKey.id)
        ).scalar()
        if row_id is not None:
            return True, row_id
        # Core columns, not the entity: a fresh read each attempt, never the identity map's.
        row = session.execute(
            select(
                IdempotencyKey.id,
                IdempotencyKey.fingerprint,
                IdempotencyKey.kind,
                IdempotencyKey.resource_id,
                IdempotencyKey.expires_at,
            ).where(owned)
        ).first()
        if row is None:  # the first request rolled back after our insert met its row
            continue
        if row.expires_at <= now:
            # An expired key is a new key; a concurrent request deleting it too just waits.
            session.execute(
                delete(IdempotencyKey)
                .where(IdempotencyKey.id == row.id, IdempotencyKey.expires_at <= now)
                .execution_options(synchronize_session=False)
            )
            continue
        if row.fingerprint != print_ or row.kind != kind:
            message = gettext("This Idempotency-Key was already used for a different request.")
            raise IdempotencyKeyReused(message, errors={KEY_HEADER: [message]})
        if row.resource_id is None:
            raise _in_progress()
        return False, row.resource_id
    raise _in_progress()


def complete(session: Session, resource_id: int) -> None:
    """Record what this request created on its Idempotency-Key row (no-op without a key)."""
    claim: _Claim | None = g.get("idempotency_claim") if has_request_context() else None
    if claim is None:
        return
    session.execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.id == claim.row_id)
        .values(resource_id=resource_id)
        .execution_options(synchronize_session=False)
    )
    claim.completed = True


def idempotent(kind: str, replay: Callable[[int], Any]) -> Callable:
    """Make a create view honour an Idempotency-Key header; replay(id) answers a repeat."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            header = request.headers.get(KEY_HEADER)
            if header is None:
                return view(*args, **kwargs)
            if not current_user.is_authenticated:  # keys belong to a user: place below login
                raise Unauthenticated(gettext("You need to log in to do this."))
            key = _valid_key(header)
            session = db.session
            claimed, ident = _claim(session, current_user.id, key, kind, fingerprint(request))
            if not claimed:
                return replay(ident), 201, {REPLAYED_HEADER: "true"}
            g.idempotency_claim = claim = _Claim(ident)
            try:
                result = view(*args, **kwargs)
            except Exception:
                # The key row goes with the failed request, so the client may retry the key.
                session.rollback()
                raise
            finally:
                g.pop("idempotency_claim", None)
            if not claim.completed:
                log.error("View %s did not call complete(); key %r has no result", kind, key)
            return result

        _document(guarded)
        return guarded

    return decorate


def _document(view: Callable) -> None:
    """Add the header and its error answers to the view's OpenAPI description."""
    # flask-smorest collects each decorator's documentation in _apidoc (copied, not shared).
    doc = view._apidoc = deepcopy(getattr(view, "_apidoc", {}))
    doc.setdefault("arguments", {}).setdefault("parameters", []).append(
        {
            "in": "header",
            "name": KEY_HEADER,
            "required": False,
            "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
            "description": (
                "Optional; the offline outbox always sends one. Repeating a request with the "
                "same key and body within 72 hours returns the first result (201) instead of "
                "creating it again. The same key with another body is refused (422); while "
                "the first request is unfinished a repeat may get 409."
            ),
        }
    )
    responses = doc.setdefault("response", {}).setdefault("responses", {})
    for status in (HTTPStatus.BAD_REQUEST, HTTPStatus.CONFLICT, HTTPStatus.UNPROCESSABLE_ENTITY):
        responses.setdefault(int(status), []).append(status.name)


def purge_expired(session: Session, now: datetime) -> int:
    """Delete the keys that expired at or before now; return how many."""
    result = session.execute(
        delete(IdempotencyKey)
        .where(IdempotencyKey.expires_at <= now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


@periodic_task(crontab(minute="23"))
def purge_expired_idempotency_keys() -> None:
    """Every hour, delete the Idempotency-Keys that have expired."""
    with write_intent():
        purged = purge_expired(db.session, utcnow())
        commit(db.session)
    if purged:
        log.info("Deleted %d expired idempotency keys", purged)
