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

import functools
import os
import random
import secrets
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa
from flask import Flask

from app.accounts.models import User
from app.core.db import commit, write_intent
from app.demo import seed_demo
from app.extensions import db
from app.neighbourhoods.models import Neighbourhood
from app.proposals.models import Proposal, Round, Status, Vote
from app.proposals.scale import SCALE_DOMAIN, SCALE_PASSWORD, SCALE_ROUND_TITLE, seed_scale
from bench.client import Client, getter, hammer
from bench.harness import (
    CLIENTS,
    SECONDS,
    THREADS,
    WARMUP,
    WORKERS,
    StatementCounter,
    analyze,
    backends,
    log_in_all,
    logged_in_test_client,
    migrated_app,
    serve,
)

IDEAS = int(os.environ.get("BENCH_IDEAS", "100000"))
VOTES = int(os.environ.get("BENCH_VOTES", "1000000"))
VOTERS = int(os.environ.get("BENCH_VOTERS", "120"))
DEEP_PAGE = 50
LIST_TARGET, VOTE_TARGET, MAX_QUERIES = 0.50, 0.25, 4
SECRET = secrets.token_hex(16)  # shared by the in-process app and gunicorn: cursors carry over


def _prepare(url: str) -> Flask:
    """Migrate a fresh database and fill it with the demo and the scale data."""
    app = migrated_app(url, SECRET)
    with app.app_context(), write_intent():
        seed_demo()
        for line in seed_scale(db.session, ideas=IDEAS, votes=VOTES):
            print(line)
        commit(db.session)
    analyze(app)
    return app


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
    anonymous, member = app.test_client(), logged_in_test_client(app, email, SCALE_PASSWORD)
    cases = [
        ("limit=1", base.replace("limit=20", "limit=1")),
        ("limit=20", base),
        ("limit=100", base.replace("limit=20", "limit=100")),
        (f"limit=20, page {DEEP_PAGE} (cursor)", deep),
    ]
    rows = []
    with StatementCounter(app) as counter:
        for label, path in cases:
            counts = []
            for client in (anonymous, member):
                client.get(path)  # warm caches (e.g. the neighbourhood lookup) once
                count, response = counter.measure(functools.partial(client.get, path))
                counts.append(count)
                if response.status_code != 200:
                    raise RuntimeError(f"GET {path} answered {response.status_code}")
            rows.append((label, *counts))
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
    server = serve(url, folder, SECRET)
    port = server.port
    try:
        base = f"/api/v1/proposals?neighbourhood={slug}&sort=popular&limit=20"
        plan = _vote_plan(app, round_id, neighbourhood_id, limit)
        started = time.perf_counter()
        voters = log_in_all(port, [email for email, _ in plan], SCALE_PASSWORD)
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
        server.stop()
        with app.app_context():
            db.engine.dispose()
    _print_tables(name, results, again, queries)
    if any(status >= 500 for _, _, r in results for status in r["statuses"]):
        print(f"  server errors (5xx); the end of {server.log}:\n{server.tail()}")
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
    for name, url in backends():
        bench_backend(name, url)


if __name__ == "__main__":
    main()
