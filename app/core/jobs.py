"""Background jobs with huey: SQLite-backed by default, Redis-backed when REDIS_URL is set."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import click
from flask import Flask, current_app
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

from app.extensions import huey

_app: Flask | None = None


def task(**options) -> Callable:
    """Register a huey task that runs inside an application context."""

    def decorate(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def run_in_app(*args, **kwargs):
            if _app is None:
                raise RuntimeError("jobs.init_jobs() has not been called")
            with _app.app_context():
                return fn(*args, **kwargs)

        return huey.task(name=fn.__name__, **options)(run_in_app)

    return decorate


def periodic_task(schedule: Callable, **options) -> Callable:
    """Register a huey task that the worker runs on a schedule (huey.crontab), in app context."""

    def decorate(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def run_in_app():
            if _app is None:
                raise RuntimeError("jobs.init_jobs() has not been called")
            with _app.app_context():
                return fn()

        return huey.periodic_task(schedule, name=fn.__name__, **options)(run_in_app)

    return decorate


def init_jobs(app: Flask) -> None:
    """Point the shared huey instance at this app's queue storage."""
    global _app
    _app = app
    app.cli.add_command(jobs_cli)
    if app.config["JOBS_IMMEDIATE"]:
        huey.immediate = True
        huey.storage = MemoryStorage(huey.name)
        return
    huey.immediate = False
    redis_url = app.config.get("REDIS_URL")
    if redis_url:
        huey.storage = RedisStorage(huey.name, url=redis_url)
    else:
        path = Path(app.config["JOBS_SQLITE_PATH"])
        path.parent.mkdir(parents=True, exist_ok=True)
        huey.storage = SqliteStorage(huey.name, filename=str(path))


@click.group("jobs")
def jobs_cli() -> None:
    """Run and inspect background jobs."""


@jobs_cli.command("worker")
@click.option("--workers", default=2, show_default=True, help="Worker threads.")
def run_worker(workers: int) -> None:
    """Run a job worker in the foreground until interrupted."""
    consumer = huey.create_consumer(workers=workers, worker_type="thread")
    current_app.logger.info("Job worker started with %d threads", workers)
    consumer.run()


@jobs_cli.command("pending")
def show_pending() -> None:
    """Print how many jobs wait in the queue."""
    click.echo(huey.pending_count())
