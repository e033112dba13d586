"""Declarative base, mixins and transaction helpers shared by every feature."""

from __future__ import annotations

import contextlib
import contextvars
import logging
import math
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

from sqlalchemy import DateTime, MetaData, event, exc
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    mapped_column,
    registry,
    scoped_session,
)
from sqlalchemy.pool import Pool
from sqlalchemy.types import TypeDecorator

log = logging.getLogger(__name__)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_BUSY_TIMEOUT_MS = 15_000


class _UntilCommit:
    """A request's write intent, which holds until the request has committed.

    The after-commit side effects still run with it. What the request reads afterwards for
    its answer (objects expire on commit and load again) needs no write lock; holding it would
    make other SQLite writers wait while this request serialises its answer.
    """

    __slots__ = ("committed",)

    def __init__(self) -> None:
        self.committed = False

    def __bool__(self) -> bool:
        return not self.committed


# Whether the next SQLite transaction on this thread/context must take the write lock up front.
_write_intent: contextvars.ContextVar[bool | _UntilCommit] = contextvars.ContextVar(
    "write_intent", default=False
)


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Store datetimes in UTC and always hand back aware UTC datetimes (SQLite forgets tzinfo)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given; use utcnow() or an aware datetime")
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    """Declarative base with a stable constraint naming convention for Alembic."""

    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime},
    )


class TimestampMixin:
    """Add created_at / updated_at columns maintained by the ORM."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record) -> None:
    """Turn on WAL, foreign keys and a busy timeout; let SQLAlchemy issue BEGIN itself."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # pysqlite's own transaction handling would defer BEGIN; we emit it in _begin_sqlite.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    try:  # SQLite builds without the math functions get Python's (used in counters)
        cursor.execute("SELECT ln(1), exp(0)")
    except sqlite3.OperationalError:
        dbapi_connection.create_function("ln", 1, math.log, deterministic=True)
        dbapi_connection.create_function("exp", 1, math.exp, deterministic=True)
    if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "memory":
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


# One writer at a time per SQLite file and process: threads queue here and are woken at once,
# instead of sleeping in SQLite's busy handler (1, 2, 5 … 100 ms) while another thread writes.
_sqlite_writers: dict[str, threading.Lock] = {}
_sqlite_writers_guard = threading.Lock()


def _writer_lock(conn) -> threading.Lock:
    database = conn.engine.url.database or ""
    with _sqlite_writers_guard:
        return _sqlite_writers.setdefault(database, threading.Lock())


@event.listens_for(Engine, "begin")
def _begin_sqlite(conn) -> None:
    """Start SQLite transactions, taking the write lock first when a write is intended."""
    if conn.dialect.name != "sqlite":
        return
    if not _write_intent.get():
        conn.exec_driver_sql("BEGIN")
        return
    lock = _writer_lock(conn)
    # With a timeout: should a holder ever leak, SQLite's own busy timeout still applies.
    if lock.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
        conn.info["sqlite_writer"] = lock
    try:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        _release_writer(conn.info)
        raise


def _release_writer(info: dict) -> None:
    lock = info.pop("sqlite_writer", None)
    if lock is not None:
        lock.release()


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _end_sqlite_write(conn) -> None:
    _release_writer(conn.info)


@event.listens_for(Pool, "checkin")
def _release_on_checkin(dbapi_connection, connection_record) -> None:
    """Safety net: a connection that goes back to the pool never keeps the writer lock."""
    _release_writer(connection_record.info)


def ping_when_idle(engine: Engine, idle_seconds: float) -> None:
    """Check that a pooled connection is alive before handing it out, if it sat idle a while.

    pool_pre_ping checks on every checkout: a round trip to PostgreSQL on every request. A
    connection that came back to the pool moments ago is alive, so only one idle for longer
    than idle_seconds is pinged (a server restart or an idle timeout happens in such gaps).
    A connection lost in between still fails one statement, and SQLAlchemy then drops the
    whole pool, as after a failed ping.
    """
    dialect = engine.dialect

    @event.listens_for(engine, "checkin")
    def _went_idle(dbapi_connection, connection_record) -> None:
        connection_record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, connection_record, connection_proxy) -> None:
        idle_since = connection_record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < idle_seconds:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, dbapi_connection, None):
                # The pool reconnects, and drops its other connections as the server is new.
                raise exc.InvalidatePoolError(str(error)) from error
            raise


@contextlib.contextmanager
def write_intent(enabled: bool = True) -> Iterator[None]:
    """Make transactions started inside this block take the SQLite write lock immediately.

    With a plain BEGIN, two SQLite writers that both read first deadlock on upgrade and one
    fails with "database is locked"; BEGIN IMMEDIATE makes the second one wait instead.
    PostgreSQL is unaffected: there services lock rows with SELECT ... FOR UPDATE.
    `write_intent(False)` is for a short read that must not wait for, or hold, that lock.
    """
    token = _write_intent.set(enabled)
    try:
        yield
    finally:
        _write_intent.reset(token)


def insert_unless_present(session: Session, model: type, **values):
    """Return INSERT … ON CONFLICT DO NOTHING for the session's database (SQLite, PostgreSQL).

    The unique keys decide what "present" means; add .returning() to learn whether it inserted.
    """
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(model).values(**values).on_conflict_do_nothing()


def read_outside_transaction(session: Session, statement):
    """Run one read on its own short connection, outside the session's write transaction."""
    with write_intent(False), session.get_bind().connect() as connection:
        return connection.execute(statement).first()


def set_write_intent(value: bool) -> contextvars.Token:
    """Set a request's write intent, which lasts until its commit; return a reset token."""
    return _write_intent.set(_UntilCommit() if value else False)


def reset_write_intent(token: contextvars.Token) -> None:
    """Undo set_write_intent."""
    _write_intent.reset(token)


def on_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run callback after the session's current transaction commits; drop it on rollback."""
    if isinstance(session, scoped_session):
        session = session()
    if not session.in_transaction():
        session.begin()  # so that a rollback before any SQL still ends a transaction and drops it
    session.info.setdefault("after_commit", []).append(callback)


def commit(session: Session, *, keep_loaded: bool = False) -> None:
    """Commit the unit of work, then run the side effects recorded with on_commit.

    keep_loaded=True keeps the objects' loaded values instead of expiring them: for an answer
    built from exactly what this transaction wrote, without reading it all back.
    """
    if isinstance(session, scoped_session):
        session = session()
    expire, session.expire_on_commit = session.expire_on_commit, not keep_loaded
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire
    for callback in session.info.pop("after_commit", []):
        try:
            callback()
        except Exception:  # the data is committed; one failed side effect must not hide that
            log.exception("After-commit side effect failed")
    intent = _write_intent.get()
    if isinstance(intent, _UntilCommit):
        intent.committed = True


@event.listens_for(Session, "after_soft_rollback")
def _drop_after_commit(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop("after_commit", None)
