"""Caches of whole responses for visitors, emptied whenever the data behind them changes.

A commit that wrote to one of a cache's tables bumps that cache's generation (in this process
at once; in other processes through a file in the instance folder, or through Redis when
REDIS_URL is set), so a stale page is never served after the commit that changed it.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from flask import current_app, request
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Session

MAX_ENTRIES = 512
log = logging.getLogger(__name__)


class _Store:
    """One app's cached bodies of one cache, and the generation they belong to."""

    def __init__(self, marker: str) -> None:
        self.entries: OrderedDict[str, tuple[object, bytes]] = OrderedDict()
        self.generation = 0
        self.lock = threading.Lock()
        self.marker = marker  # the file whose change time other processes bump


class VisitorCache:
    """Per-process cache of the JSON answers anonymous visitors get from one endpoint."""

    def __init__(self, name: str, tables: tuple[str, ...]) -> None:
        self.name = name
        self.tables = frozenset(tables)
        _CACHES.append(self)

    def _store(self) -> _Store:
        stores = current_app.extensions.setdefault("leefbaar_visitor_cache", {})
        store = stores.get(self.name)
        if store is None:
            marker = Path(current_app.instance_path) / "cache" / f"{self.name}.generation"
            store = stores.setdefault(self.name, _Store(str(marker)))
        return store

    def _generation(self, store: _Store) -> object:
        return (store.generation, _shared_generation(self.name, store.marker))

    def bump(self) -> None:
        """Forget every cached answer, here and in the other processes."""
        store = self._store()
        with store.lock:
            store.generation += 1
            store.entries.clear()
        _bump_shared(self.name, store.marker)

    def for_visitors(self, view: Callable) -> Callable:
        """Serve a view's 200 JSON answers to anonymous visitors from this cache."""

        @functools.wraps(view)
        def cached(*args, **kwargs):
            if current_user.is_authenticated or not current_app.config["VISITOR_CACHE"]:
                return view(*args, **kwargs)
            store = self._store()
            # The answers hold data, not language: errors (in the visitor's language) are not kept.
            key = f"{request.path}?{request.environ.get('QUERY_STRING', '')}"
            generation = self._generation(store)  # read before the data: a later change wins
            entry = store.entries.get(key)
            if entry is not None and entry[0] == generation:
                return current_app.response_class(entry[1], mimetype="application/json")
            response = view(*args, **kwargs)
            if response.status_code == 200 and response.mimetype == "application/json":
                with store.lock:
                    store.entries[key] = (generation, response.get_data())
                    store.entries.move_to_end(key)
                    while len(store.entries) > MAX_ENTRIES:
                        store.entries.popitem(last=False)
            return response

        return cached


_CACHES: list[VisitorCache] = []
_redis_lock = threading.Lock()


def _redis():
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    client = current_app.extensions.get("leefbaar_cache_redis")
    if client is None:
        import redis

        with _redis_lock:
            client = current_app.extensions.setdefault(
                "leefbaar_cache_redis", redis.Redis.from_url(url)
            )
    return client


def _shared_generation(name: str, marker: str) -> object:
    client = _redis()
    if client is not None:
        return client.get(f"leefbaar:cache:{name}")
    try:
        return os.stat(marker).st_mtime_ns
    except FileNotFoundError:
        return None


def _bump_shared(name: str, marker: str) -> None:
    client = _redis()
    if client is not None:
        client.incr(f"leefbaar:cache:{name}")
        return
    path = Path(marker)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    now = time.time_ns()
    os.utime(path, ns=(now, now))


def _touched(session: Session) -> set[str]:
    return session.info.setdefault("touched_tables", set())


@event.listens_for(Session, "after_flush")
def _note_flushed(session: Session, flush_context) -> None:
    for instance in (*session.new, *session.dirty, *session.deleted):
        _touched(session).add(instance.__table__.name)


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        _touched(state.session).add(state.statement.table.name)


@event.listens_for(Session, "after_commit")
def _bump_touched(session: Session) -> None:
    touched = session.info.pop("touched_tables", set())
    for cache in _CACHES:
        if touched & cache.tables:
            try:
                cache.bump()
            except Exception:  # a cache must never hide a commit; the next bump catches up
                log.exception("Could not empty the %s cache", cache.name)


@event.listens_for(Session, "after_soft_rollback")
def _forget_touched(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop("touched_tables", None)
