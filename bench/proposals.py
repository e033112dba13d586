"""Ideas at scale: the popular list and voting under gunicorn, against a bare Flask route.

For each backend (SQLite in a temporary folder; PostgreSQL when BENCH_DATABASE_URL is set, which
is emptied first) the database is migrated and filled with the demo and the scale data
(app/proposals/scale.py). gunicorn then serves the real app with the production configuration
(bench/wsgi.py) together with a bare Flask JSON route in the same workers, and keep-alive
clients in threads measure each scenario for the same time. The SQL statements per list request
are counted in-process with the Flask test client.

Environment: BENCH_IDEAS, BENCH_VOTES (scale), BENCH_SECONDS (per scenario), BENCH_CLIENTS,
BENCH_WORKERS, BENCH_THREADS (gunicorn), BENCH_VOTERS (residents who log in to vote),
BENCH_BACKENDS (e.g. "sqlite"), BENCH_DATABASE_URL.
"""

from __future__ import annotations

import os
import random
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from app import create_app
from app.accounts.models import User
from app.config import normalize_database_url
from app.core.db import commit, write_intent
from app.demo import seed_demo
from app.extensions import db
from app.neighbourhoods.models import Neighbourhood
from app.proposals.models import Proposal, Round, Status, Vote
from app.proposals.scale import SCALE_DOMAIN, SCALE_PASSWORD, SCALE_ROUND_TITLE, seed_scale
from bench.client import Client, getter, hammer

ROOT = Path(__file__).resolve().parent.parent
IDEAS = int(os.environ.get("BENCH_IDEAS", "100000"))
VOTES = int(os.environ.get("BENCH_VOTES", "1000000"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
WARMUP = 1.0
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
VOTERS = int(os.environ.get("BENCH_VOTERS", "120"))
DEEP_PAGE = 50
LIST_TARGET, VOTE_TARGET, MAX_QUERIES = 0.50, 0.25, 4
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")
SECRET = secrets.token_hex(16)  # shared by the in-process app and gunicorn: cursors carry over


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _prepare(url: str) -> Flask:
    """Migrate a fresh database and fill it with the demo and the scale data."""
    if url.startswith("postgresql"):
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app(
        {"APP_CONFIG": "testing", "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET}
    )
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        with write_intent():
            seed_demo()
            for line in seed_scale(db.session, ideas=IDEAS, votes=VOTES):
                print(line)
            commit(db.session)
        if db.engine.dialect.name == "postgresql":
            # What autovacuum would do after the bulk load: now, not while we measure.
            with db.engine.connect() as connection:
                autocommit = connection.execution_options(isolation_level="AUTOCOMMIT")
                autocommit.exec_driver_sql("VACUUM ANALYZE")
    return app


def _serve(url: str, folder: Path) -> tuple[subprocess.Popen, int, Path]:
    port = _free_port()
    env = {
        **os.environ,
        "APP_CONFIG": "production",
        "SECRET_KEY": SECRET,
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
        server = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    probe = Client(port)
    for _ in range(600):
        try:
            if probe.request("GET", "/__bare")[0] == 200:
                probe.close()
                return server, port, log
        except OSError:
            time.sleep(0.1)
        if server.poll() is not None:
            break
    server.terminate()
    raise RuntimeError(f"gunicorn did not start:\n{log.read_text()[-3000:]}")


def _scale_area(app: Flask) -> tuple[str, int, int, int]:
    """Return slug, round id, neighbourhood id and vote limit of the first scale round."""
    with app.app_context():
        return db.session.execute(
            sa.select(Neighbourhood.slug, Round.id, Neighbourhood.id, Round.votes_per_resident)
            .join(Round, Round.neighbourhood_id == Neighbourhood.id)
            .where(Round.title == SCALE_ROUND_TITLE)
            .order_by(Round.id)
        ).first()


def _vote_plan(app: Flask, round_id: int, neighbourhood_id: int, limit: int) -> list[tuple]:
    """Pick VOTERS residents and, for each, public ideas they have not voted for yet."""
    with app.app_context():
        session = db.session
        voters = session.execute(
            sa.select(User.id, User.email)
            .where(User.home_neighbourhood_id == neighbourhood_id)
            .where(User.email.like(f"%@{SCALE_DOMAIN}"))
            .order_by(User.id)
            .limit(VOTERS)
        ).all()
        ideas = list(
            session.scalars(
                sa.select(Proposal.id).where(
                    Proposal.round_id == round_id, Proposal.status == Status.PUBLISHED
                )
            )
        )
        cast: dict[str, set[int]] = {}
        for ballot, proposal_id in session.execute(
            sa.select(Vote.ballot, Vote.proposal_id).where(
                Vote.round_id == round_id, Vote.ballot.in_([f"user:{v.id}" for v in voters])
            )
        ):
            cast.setdefault(ballot, set()).add(proposal_id)
    rng = random.Random(7)  # uniform over the ideas: little contention on one idea's row
    plan = []
    for voter_id, email in voters:
        mine = cast.get(f"user:{voter_id}", set())
        fresh = [idea for idea in rng.sample(ideas, min(len(ideas), 3 * limit)) if idea not in mine]
        plan.append((email, fresh[: max(0, limit - len(mine))]))
    return plan


def _log_in_all(port: int, emails: list[str]) -> list[Client]:
    clients = [Client(port) for _ in emails]
    errors: list[BaseException] = []

    def work(share: list[tuple[Client, str]]) -> None:
        for client, email in share:
            try:
                client.log_in(email, SCALE_PASSWORD)
            except (RuntimeError, OSError) as error:
                errors.append(error)
            client.close()

    pairs = list(zip(clients, emails, strict=True))
    threads = [threading.Thread(target=work, args=(pairs[i::4],)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"{len(errors)} logins failed, e.g. {errors[0]}")
    return clients


def _deep_cursor(port: int, base: str) -> str:
    client, cursor = Client(port), None
    for _ in range(DEEP_PAGE - 1):
        page = client.get_json(base + (f"&cursor={quote(cursor)}" if cursor else ""))
        cursor = page["next_cursor"]
        if cursor is None:
            raise RuntimeError(f"fewer than {DEEP_PAGE} pages: raise BENCH_IDEAS")
    client.close()
    return cursor


def count_queries(app: Flask, base: str, deep: str, email: str) -> list[tuple[str, int, int]]:
    """Count SQL statements per list request in-process, anonymous and logged in.

    The visitors' cache is off here: a cached answer needs no SQL at all, so what is counted
    is the work of a miss (the first visitor after a change).
    """
    app.config["VISITOR_CACHE"] = False
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        if not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
            statements.append(statement)

    anonymous, member = app.test_client(), app.test_client()
    token = member.get("/api/v1/auth/csrf").get_json()["csrf_token"]
    answer = member.post(
        "/api/v1/auth/login",
        json={"email": email, "password": SCALE_PASSWORD},
        headers={"X-CSRFToken": token},
    )
    if answer.status_code != 200:
        raise RuntimeError(f"in-process login answered {answer.status_code}")
    cases = [
        ("limit=1", base.replace("limit=20", "limit=1")),
        ("limit=20", base),
        ("limit=100", base.replace("limit=20", "limit=100")),
        (f"limit=20, page {DEEP_PAGE} (cursor)", deep),
    ]
    rows = []
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        for label, path in cases:
            counts = []
            for client in (anonymous, member):
                client.get(path)  # warm caches (e.g. the neighbourhood lookup) once
                statements.clear()
                response = client.get(path)
                if response.status_code != 200:
                    raise RuntimeError(f"GET {path} answered {response.status_code}")
                counts.append(len(statements))
            rows.append((label, *counts))
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    return rows


def _voting_step(plan: list[tuple[Client, list[int]]], clients: int) -> Callable:
    """Return a step in which thread t votes as residents t, t + clients, … in turn.

    Each resident's connection is used by one thread only; run it with voters[:clients].
    """
    turns = [0] * clients

    def step(_client: Client, thread: int) -> int | None:
        mine = plan[thread::clients]
        for _ in range(len(mine)):
            voter, ideas = mine[turns[thread] % len(mine)]
            turns[thread] += 1
            if ideas:
                return voter.request("PUT", f"/api/v1/proposals/{ideas.pop()}/vote")[0]
        return None

    return step


def bench_backend(name: str, url: str) -> dict:
    """Prepare one backend, serve it, measure it, and print its tables."""
    folder = Path(tempfile.mkdtemp(prefix="leefbaar-bench-"))
    url = url or f"sqlite:///{folder / 'bench.db'}"
    print(f"\n== {name}: {IDEAS:,} ideas, {VOTES:,} votes ==")
    started = time.perf_counter()
    app = _prepare(url)
    print(f"  database ready in {time.perf_counter() - started:.0f} s")
    slug, round_id, neighbourhood_id, limit = _scale_area(app)
    server, port, log = _serve(url, folder)
    try:
        base = f"/api/v1/proposals?neighbourhood={slug}&sort=popular&limit=20"
        plan = _vote_plan(app, round_id, neighbourhood_id, limit)
        started = time.perf_counter()
        voters = _log_in_all(port, [email for email, _ in plan])
        print(f"  {len(voters)} residents logged in in {time.perf_counter() - started:.0f} s")
        deep = base + f"&cursor={quote(_deep_cursor(port, base))}"
        queries = count_queries(app, base, deep, plan[0][0])
        members = voters[:CLIENTS]
        scenarios = [
            ("bare Flask JSON route (baseline)", None, [Client(port) for _ in range(CLIENTS)],
             getter("/__bare")),
            ("bare route inside the app (hooks)", None, [Client(port) for _ in range(CLIENTS)],
             getter("/__hooks")),
            ("the same, logged in (loads the user)", None, members, getter("/__hooks")),
            ("list popular, 20, anonymous", LIST_TARGET, [Client(port) for _ in range(CLIENTS)],
             getter(base)),
            ("list popular, 20, logged in", LIST_TARGET, members, getter(base)),
            (f"list popular, 20, page {DEEP_PAGE} (cursor)", LIST_TARGET,
             [Client(port) for _ in range(CLIENTS)], getter(deep)),
            ("list popular, 100, anonymous", None, [Client(port) for _ in range(CLIENTS)],
             getter(base.replace("limit=20", "limit=100"))),
            ("PUT vote (new votes)", VOTE_TARGET, members,
             _voting_step([(v, ideas) for v, (_, ideas) in zip(voters, plan, strict=True)],
                          CLIENTS)),
        ]  # fmt: skip
        results = [
            (label, target, hammer(clients, step, WARMUP, SECONDS))
            for label, target, clients, step in scenarios
        ]
        again = hammer([Client(port) for _ in range(CLIENTS)], getter("/__bare"), WARMUP, SECONDS)
    finally:
        server.terminate()
        server.wait(timeout=30)
        with app.app_context():
            db.engine.dispose()
    _print_tables(name, results, again, queries)
    if any(status >= 500 for _, _, r in results for status in r["statuses"]):
        print(f"  server errors (5xx); the end of {log}:\n{log.read_text()[-4000:]}")
    else:
        shutil.rmtree(folder, ignore_errors=True)  # the SQLite file is a few hundred MB
    return {"results": results, "queries": queries}


def _print_tables(name: str, results: list, again: dict, queries: list) -> None:
    baseline = max(results[0][2]["rps"], again["rps"])  # the higher: the stricter ratio
    in_app = results[1][2]["rps"]
    print(
        f"\nThroughput on {name}: gunicorn {WORKERS} workers x {THREADS} threads, "
        f"{CLIENTS} keep-alive clients, {SECONDS:.0f} s each (bare route again at the end: "
        f"{again['rps']:.0f} req/s)"
    )
    print(
        f"{'scenario':<38}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'vs bare':>9}"
        f"{'target':>8}  {'result':<6}{'vs hooks':>9}  statuses"
    )
    for label, target, r in results:
        ratio = r["rps"] / baseline
        verdict = "" if target is None else ("PASS" if ratio >= target else "FAIL")
        wanted = "" if target is None else f">={target:.2f}"
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(r["statuses"].items()))
        print(
            f"{label:<38}{r['rps']:>8.0f}{r['p50']:>8.1f}{r['p95']:>8.1f}{ratio:>9.2f}"
            f"{wanted:>8}  {verdict:<6}{r['rps'] / in_app:>9.2f}  {statuses}"
        )
    first, deep = results[3][2]["rps"], results[5][2]["rps"]
    print("vs hooks: against the bare route inside the app, which pays for its request hooks only")
    print(
        "logged in: the bare route in the app for a logged-in resident, which also reads the "
        "session and loads the user; every logged-in endpoint pays this"
    )
    print(f"deep page vs first page: {deep / first:.2f}")
    print(
        f"\nSQL statements per list request on {name} "
        "(in-process, visitors' cache off; BEGIN/COMMIT not counted)"
    )
    print(f"{'request':<38}{'anonymous':>10}{'logged in':>10}")
    for label, anonymous, member in queries:
        print(f"{label:<38}{anonymous:>10}{member:>10}")
    counts = {n for _, *pair in queries for n in pair}
    per_viewer = [{row[i] for row in queries} for i in (1, 2)]
    constant = all(len(seen) == 1 for seen in per_viewer)
    verdict = "PASS" if constant and max(counts) <= MAX_QUERIES else "FAIL"
    print(f"constant per viewer and <= {MAX_QUERIES}: {verdict}")


def main() -> None:
    """Run the scale benchmark on SQLite and, with BENCH_DATABASE_URL, on PostgreSQL."""
    backends = [("SQLite", "")]
    if os.environ.get("BENCH_DATABASE_URL"):
        url = normalize_database_url(os.environ["BENCH_DATABASE_URL"])
        if url == normalize_database_url(os.environ.get("TEST_DATABASE_URL", "")):
            raise SystemExit("BENCH_DATABASE_URL is emptied; do not point it at the test database")
        backends.append(("PostgreSQL", url))
    wanted = os.environ.get("BENCH_BACKENDS", "").lower()
    for name, url in backends:
        if not wanted or name.lower() in wanted:
            bench_backend(name, url)


if __name__ == "__main__":
    main()
