"""Idempotency keys: request fingerprints, recording results and purging expired keys."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import request
from sqlalchemy import select

from app.core.db import commit, utcnow
from app.core.idempotency import (
    IdempotencyKey,
    complete,
    fingerprint,
    purge_expired,
    purge_expired_idempotency_keys,
)

PATH = "/api/v1/reports"


def _print_of(app, body: bytes, content_type: str, path: str = PATH, *, parse_form=False) -> str:
    with app.test_request_context(path, method="POST", data=body, content_type=content_type):
        if parse_form:
            request.form  # noqa: B018  (Flask-WTF parses forms before any view runs)
        return fingerprint(request)


def _multipart(boundary: str, photo: bytes = b"\xff\xd8 photo bytes") -> tuple[bytes, str]:
    body = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="description"\r\n\r\n'
            "Lamp in de hal is kapot\r\n"
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="photo"; filename="lamp.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n"
        ).encode()
        + photo
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def _key(user, key: str, expires_in: timedelta) -> IdempotencyKey:
    now = utcnow()
    return IdempotencyKey(
        user_id=user.id,
        key=key,
        fingerprint="0" * 64,
        kind="proposal",
        created_at=now,
        expires_at=now + expires_in,
    )


def _keys(db) -> list[str]:
    db.session.commit()  # a fresh snapshot: the job committed in its own session
    return sorted(db.session.scalars(select(IdempotencyKey.key)))


def test_json_fingerprint_ignores_spacing_and_key_order(app):
    first = _print_of(app, b'{"title": "Bankje", "theme": "prettig"}', "application/json")
    second = _print_of(app, b'{"theme":"prettig","title":"Bankje"}', "application/json")
    assert first == second


def test_fingerprint_differs_for_another_body(app):
    first = _print_of(app, b'{"title": "Bankje"}', "application/json")
    assert first != _print_of(app, b'{"title": "Bankjes"}', "application/json")


def test_fingerprint_differs_for_another_path(app):
    body = b'{"title": "Bankje"}'
    first = _print_of(app, body, "application/json")
    assert first != _print_of(app, body, "application/json", path="/api/v1/proposals")


def test_multipart_fingerprint_ignores_the_boundary(app):
    first = _print_of(app, *_multipart("boundary-one"), parse_form=True)
    assert first == _print_of(app, *_multipart("another-boundary-2"), parse_form=True)


def test_multipart_fingerprint_differs_for_another_photo(app):
    first = _print_of(app, *_multipart("b"), parse_form=True)
    assert first != _print_of(app, *_multipart("b", photo=b"\xff\xd8 other"), parse_form=True)


def test_fingerprint_leaves_uploaded_files_readable(app):
    body, content_type = _multipart("b", photo=b"\xff\xd8 the photo")
    with app.test_request_context(PATH, method="POST", data=body, content_type=content_type):
        fingerprint(request)
        assert request.files["photo"].read() == b"\xff\xd8 the photo"


def test_fingerprint_is_a_sha256_hex_digest(app):
    assert re.fullmatch(r"[0-9a-f]{64}", _print_of(app, b"", "application/json"))


def test_complete_without_a_key_does_nothing(app, db):
    with app.test_request_context(PATH, method="POST"):
        complete(db.session, 42)
    assert _keys(db) == []


def test_purge_expired_deletes_only_expired_keys(db, make_user):
    user = make_user()
    db.session.add_all(
        [_key(user, "old", -timedelta(seconds=1)), _key(user, "fresh", timedelta(hours=1))]
    )
    commit(db.session)
    assert purge_expired(db.session, utcnow()) == 1
    commit(db.session)
    assert _keys(db) == ["fresh"]


def test_the_hourly_job_purges_expired_keys(db, make_user):
    user = make_user()
    db.session.add_all(
        [_key(user, "old", -timedelta(hours=1)), _key(user, "fresh", timedelta(hours=71))]
    )
    commit(db.session)
    purge_expired_idempotency_keys()  # JOBS_IMMEDIATE in tests: runs now, as on schedule
    assert _keys(db) == ["fresh"]
