"""Where photo files live: a small storage interface with a local-disk and an S3 backend.

Files are written inside the database transaction that adds their rows, so this module also
ties them to that transaction: files written by a transaction that does not commit are deleted
again, and files of deleted rows are only removed once the deletion has committed.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Protocol

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction, scoped_session

from app.config import ConfigurationError

log = logging.getLogger(__name__)

# Letters, digits, "-" and "_" only: no separators or dots, so a key can never leave the root.
_KEY = re.compile(r"[A-Za-z0-9_-]{1,128}")
_EXTENSION_KEY = "leefbaar_storage"
_WRITTEN = "storage_written"  # [(transaction, storage, key)]: delete unless committed
_DOOMED = "storage_doomed"  # [(transaction, storage, key)]: delete once committed


class MissingFile(LookupError):
    """The storage holds no file under this key."""


class Storage(Protocol):
    """What the photo pipeline needs from a place to keep files."""

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store data under key, replacing what was there."""

    def get(self, key: str) -> bytes:
        """Return the data stored under key, or raise MissingFile."""

    def delete(self, key: str) -> None:
        """Remove the file under key; a missing file is not an error."""


def check_key(key: str) -> str:
    """Return key if it is a safe storage key, else raise ValueError."""
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise ValueError(f"unsafe storage key {key!r}")
    return key


class LocalStorage:
    """Files in a directory on local disk (the default: instance/uploads)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path(self, key: str) -> Path:
        """Return the file's path; keys are spread over subfolders to keep folders small."""
        check_key(key)
        return self.root / key[:2] / key

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Write the file atomically: readers see the old file or the whole new one."""
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=".partial-")
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(data)
                file.flush()
                # The row pointing here is committed right after; the file must survive a crash.
                os.fsync(file.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        """Read the file."""
        try:
            return self.path(key).read_bytes()
        except FileNotFoundError:
            raise MissingFile(key) from None

    def delete(self, key: str) -> None:
        """Remove the file if it is there."""
        self.path(key).unlink(missing_ok=True)


class S3Storage:
    """Objects in a bucket of any S3-compatible object store (AWS, MinIO, Ceph, …)."""

    def __init__(
        self,
        *,
        bucket: str,
        endpoint_url: str | None = None,
        region: str | None = None,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        prefix: str = "",
        client: Any = None,
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix
        if client is None:
            # Imported here: boto3 is slow to import and only S3 setups need it.
            import boto3
            from botocore.config import Config as BotoConfig

            client = boto3.client(
                "s3",
                endpoint_url=endpoint_url or None,
                region_name=region or None,
                aws_access_key_id=access_key_id or None,
                aws_secret_access_key=secret_access_key or None,
                # A hanging store must not hold a request (and its database lock) for minutes.
                config=BotoConfig(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3}),
            )
        self.client = client

    def _key(self, key: str) -> str:
        return self.prefix + check_key(key)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Upload the object (S3 writes are atomic)."""
        self.client.put_object(
            Bucket=self.bucket, Key=self._key(key), Body=data, ContentType=content_type
        )

    def get(self, key: str) -> bytes:
        """Download the object."""
        from botocore.exceptions import ClientError

        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                raise MissingFile(key) from None
            raise
        with answer["Body"] as body:
            return body.read()

    def delete(self, key: str) -> None:
        """Delete the object (S3 answers success for a missing one too)."""
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))


def local_root(app: Flask) -> Path:
    """Return the upload folder: STORAGE_LOCAL_ROOT or <instance>/uploads, never under static/."""
    root = Path(app.config.get("STORAGE_LOCAL_ROOT") or Path(app.instance_path) / "uploads")
    static = Path(app.static_folder or app.root_path).resolve()
    if root.resolve().is_relative_to(static):
        # Files there would be served raw, without the authorisation of /media/.
        raise ConfigurationError("STORAGE_LOCAL_ROOT must not be inside the static folder")
    return root


def _build(app: Flask) -> Storage:
    config = app.config
    backend = config.get("STORAGE_BACKEND") or "local"
    if backend == "local":
        return LocalStorage(local_root(app))
    if backend == "s3":
        if not config.get("STORAGE_S3_BUCKET"):
            raise ConfigurationError("STORAGE_BACKEND=s3 needs STORAGE_S3_BUCKET")
        return S3Storage(
            bucket=config["STORAGE_S3_BUCKET"],
            endpoint_url=config.get("STORAGE_S3_ENDPOINT_URL"),
            region=config.get("STORAGE_S3_REGION"),
            access_key_id=config.get("STORAGE_S3_ACCESS_KEY_ID"),
            secret_access_key=config.get("STORAGE_S3_SECRET_ACCESS_KEY"),
            prefix=config.get("STORAGE_S3_PREFIX") or "",
        )
    raise ConfigurationError(f"Unknown STORAGE_BACKEND {backend!r}; use local or s3")


def get_storage(app: Flask | None = None) -> Storage:
    """Return the app's storage backend (STORAGE_BACKEND: "local" or "s3"), built once."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    storage = app.extensions.get(_EXTENSION_KEY)
    if storage is None:
        storage = app.extensions[_EXTENSION_KEY] = _build(app)
    return storage


# --- Files and transactions -------------------------------------------------------------------


def _plain(session: Session) -> Session:
    return session() if isinstance(session, scoped_session) else session


def _current_transaction(session: Session) -> SessionTransaction:
    if not session.in_transaction():
        session.begin()
    transaction = session.get_nested_transaction() or session.get_transaction()
    assert transaction is not None
    return transaction


def put_in_transaction(
    session: Session, storage: Storage, key: str, data: bytes, content_type: str
) -> None:
    """Write a file that is deleted again unless the session's transaction commits."""
    session = _plain(session)
    # Recorded before writing, so a write that fails halfway is cleaned up as well.
    entry = (_current_transaction(session), storage, check_key(key))
    session.info.setdefault(_WRITTEN, []).append(entry)
    storage.put(key, data, content_type)


def delete_after_commit(session: Session, storage: Storage, keys: list[str]) -> None:
    """Delete files once the session's transaction commits; a rollback keeps them."""
    session = _plain(session)
    transaction = _current_transaction(session)
    doomed = session.info.setdefault(_DOOMED, [])
    doomed.extend((transaction, storage, check_key(key)) for key in keys)


def _delete_files(entries: list[tuple[Any, Storage, str]]) -> None:
    for _, storage, key in entries:
        try:
            storage.delete(key)
        except Exception:  # the database is settled; an orphaned file is only wasted space
            log.exception("Could not delete stored file %s", key)


def _within(transaction: SessionTransaction | None, ancestor: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


def _split(session: Session, name: str, ended: SessionTransaction) -> list:
    """Remove and return the entries recorded inside the ended transaction."""
    entries = session.info.get(name) or []
    inside = [entry for entry in entries if _within(entry[0], ended)]
    if inside:
        session.info[name] = [entry for entry in entries if not _within(entry[0], ended)]
    return inside


@event.listens_for(Session, "after_commit")
def _settle_files_on_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a released savepoint: its parent decides
        return
    session.info.pop(_WRITTEN, None)
    _delete_files(session.info.pop(_DOOMED, []))


@event.listens_for(Session, "after_soft_rollback")
def _forget_files_on_rollback(session: Session, previous_transaction) -> None:
    # Also for savepoints: their files go, files from around them stay.
    _delete_files(_split(session, _WRITTEN, previous_transaction))
    _split(session, _DOOMED, previous_transaction)


@event.listens_for(Session, "after_transaction_end")
def _forget_files_on_end(session: Session, transaction) -> None:
    # Reached without a commit too, e.g. when the request's session is simply closed.
    if transaction.parent is None:
        _delete_files(session.info.pop(_WRITTEN, []))
        session.info.pop(_DOOMED, None)
