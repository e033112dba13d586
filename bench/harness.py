"""What the gunicorn benchmarks share: backends, a migrated database, the server, logins.

The real app runs with the production configuration under gunicorn (bench/wsgi.py, which adds
a bare Flask JSON route to the same workers) and keep-alive clients in threads drive it.

Environment: BENCH_SECONDS (per scenario), BENCH_CLIENTS, BENCH_WORKERS, BENCH_THREADS
(gunicorn), BENCH_BACKENDS (e.g. "sqlite"), BENCH_DATABASE_URL (PostgreSQL; emptied first).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade

from app import create_app
from app.config import normalize_database_url
from app.extensions import db
from bench.client import Client

ROOT = Path(__file__).resolve().parent.parent
SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
WARMUP = 1.0
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def backends() -> list[tuple[str, str]]:
    """Return (name, url) of the backends to measure: SQLite ("" = a temporary file), PostgreSQL."""
    found = [("SQLite", "")]
    if os.environ.get("BENCH_DATABASE_URL"):
        url = normalize_database_url(os.environ["BENCH_DATABASE_URL"])
        if url == normalize_database_url(os.environ.get("TEST_DATABASE_URL", "")):
            raise SystemExit("BENCH_DATABASE_URL is emptied; do not point it at the test database")
        found.append(("PostgreSQL", url))
    wanted = os.environ.get("BENCH_BACKENDS", "").lower()
    return [(name, url) for name, url in found if not wanted or name.lower() in wanted]


def bare_json() -> dict:
    """Answer with a tiny JSON document and do nothing else."""
    return {"ok": True}


def add_hooks_route(app: Flask) -> None:
    """Add /__hooks: a bare JSON route inside the app, which pays for the app's hooks only."""
    app.add_url_rule("/__hooks", "bench_hooks", bare_json)


def migrated_app(url: str, secret: str) -> Flask:
    """Return an in-process app (with /__hooks) on a freshly migrated, emptied database."""
    if url.startswith("postgresql"):
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app(
        {"APP_CONFIG": "testing", "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secret}
    )
    add_hooks_route(app)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    return app


def analyze(app: Flask) -> None:
    """On PostgreSQL, do what autovacuum would do after a bulk load: now, not while we measure."""
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as connection:
                autocommit = connection.execution_options(isolation_level="AUTOCOMMIT")
                autocommit.exec_driver_sql("VACUUM ANALYZE")


@dataclass
class Server:
    """A running gunicorn serving bench.wsgi:app."""

    process: subprocess.Popen
    port: int
    log: Path

    def stop(self) -> None:
        """Stop gunicorn and wait for it."""
        self.process.terminate()
        self.process.wait(timeout=30)

    def tail(self, chars: int = 4000) -> str:
        """Return the end of gunicorn's log."""
        return self.log.read_text()[-chars:]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(url: str, folder: Path, secret: str) -> Server:
    """Start gunicorn on the database with the production configuration; wait until it answers."""
    port = _free_port()
    env = {
        **os.environ,
        "APP_CONFIG": "production",
        "SECRET_KEY": secret,
        "DATABASE_URL": url,
        "BASE_URL": f"http://127.0.0.1:{port}",
        "INSTANCE_PATH": str(folder),
        # Many residents log in from one address: raise the per-address login limits.
        "FLASK_LOGIN_LIMIT_PER_IP": "100000/minute",
        "FLASK_LOGIN_LIMIT_PER_ACCOUNT": "100000/minute",
    }
    log = folder / "gunicorn.log"
    command = [
        sys.executable, "-m", "gunicorn", "--chdir", str(ROOT), "--workers", str(WORKERS),
        "--threads", str(THREADS), "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
        "bench.wsgi:app",
    ]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    server = Server(process, port, log)
    probe = Client(port)
    for _ in range(600):
        try:
            if probe.request("GET", "/__bare")[0] == 200:
                probe.close()
                return server
        except OSError:
            time.sleep(0.1)
        if process.poll() is not None:
            break
    process.terminate()
    raise RuntimeError(f"gunicorn did not start:\n{server.tail(3000)}")


def log_in_all(port: int, emails: list[str], password: str, threads: int = 4) -> list[Client]:
    """Log every account in on its own client, in a few threads; return the clients."""
    clients = [Client(port) for _ in emails]
    errors: list[BaseException] = []

    def work(share: list[tuple[Client, str]]) -> None:
        for client, email in share:
            try:
                client.log_in(email, password)
            except (RuntimeError, OSError) as error:
                errors.append(error)
            client.close()

    pairs = list(zip(clients, emails, strict=True))
    workers = [threading.Thread(target=work, args=(pairs[i::threads],)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if errors:
        raise RuntimeError(f"{len(errors)} logins failed, e.g. {errors[0]}")
    return clients


class StatementCounter:
    """Count the SQL statements an in-process app runs (transaction control left out)."""

    def __init__(self, app: Flask) -> None:
        with app.app_context():
            self.engine = db.engine
        self.statements: list[str] = []

    def _record(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
            self.statements.append(statement)

    def __enter__(self) -> StatementCounter:
        sa.event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc_info) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._record)

    def measure(self, call: Callable[[], object]) -> tuple[int, object]:
        """Run call(); return how many statements it ran and what it returned."""
        self.statements.clear()
        result = call()
        return len(self.statements), result


def logged_in_test_client(app: Flask, email: str, password: str) -> FlaskClient:
    """Return a Flask test client logged in through the API, as the PWA logs in."""
    client = app.test_client()
    token = client.get("/api/v1/auth/csrf").get_json()["csrf_token"]
    answer = client.post(
        "/api/v1/auth/login",
        json={"email": email, "password": password},
        headers={"X-CSRFToken": token},
    )
    if answer.status_code != 200:
        raise RuntimeError(f"in-process login of {email} answered {answer.status_code}")
    return client
