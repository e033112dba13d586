"""Volunteering under load: 200 volunteers sign up at once for 20 shifts, then keep at it.

For each backend (SQLite in a temporary folder; PostgreSQL when BENCH_DATABASE_URL is set, which
is emptied first) the database is migrated and gets one neighbourhood, one staff organiser, the
volunteers (inserted in bulk with one password hash) and an activity with its shifts (through
the services). gunicorn serves the real app next to a bare Flask JSON route (bench/harness.py),
and keep-alive clients measure:

- the bare route, and the bare route inside the app for a logged-in volunteer;
- burst: every volunteer sends one POST /api/v1/shifts/<id>/signup at the same moment, the
  same number for each shift; with fewer places than volunteers per shift, some wait;
- sustained: BENCH_CLIENTS volunteers (one per thread) cancel and sign up again on their
  shift, over and over, for BENCH_SECONDS.

After each phase the database must agree: per shift the confirmed count equals the confirmed
rows and stays within capacity, the waitlist counter equals the waiting rows, queue numbers are
unique, nobody waits while a place is free, and (after the burst) the first to arrive got the
places and the waitlist positions answered are 1, 2, 3, … Any 5xx fails the run.

Environment: BENCH_VOLUNTEERS (200), BENCH_SHIFTS (20), BENCH_CAPACITY (places per shift, 8),
and those of bench/harness.py.
"""

from __future__ import annotations

import functools
import json
import os
import secrets
import shutil
import statistics
import tempfile
import threading
import time
from collections import Counter, defaultdict
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from app.accounts import services as accounts
from app.accounts.models import Role, User
from app.accounts.passwords import hash_password
from app.core.db import commit, utcnow, write_intent
from app.extensions import db
from app.neighbourhoods import services as neighbourhoods
from app.volunteering.models import Shift, Signup, SignupStatus
from app.volunteering.services import activities
from bench import harness
from bench.client import Client, getter, hammer

VOLUNTEERS = int(os.environ.get("BENCH_VOLUNTEERS", "200"))
SHIFTS = int(os.environ.get("BENCH_SHIFTS", "20"))
CAPACITY = int(os.environ.get("BENCH_CAPACITY", "8"))
TARGET = 0.25
DOMAIN = "vrijwilligers.bench.leefbaar.nl"
PASSWORD = "vrijwilliger-bench-2026"  # noqa: S105  (made-up accounts in a throwaway database)
SECRET = secrets.token_hex(16)


def _volunteer_email(number: int) -> str:
    return f"vrijwilliger{number}@{DOMAIN}"


def _prepare(url: str) -> tuple[Flask, list[int]]:
    """Migrate a fresh database, add the people and the activity; return app and shift ids."""
    app = harness.migrated_app(url, SECRET)
    password_hash = hash_password(PASSWORD)  # argon2 once for all, outside the tests' weak profile
    with app.app_context(), write_intent():
        session = db.session
        organiser = accounts.create_user(
            session,
            email=f"organisator@{DOMAIN}",
            password=PASSWORD,
            display_name="Organisator",
            role=Role.STAFF,
        )
        wijk = neighbourhoods.create_neighbourhood(session, organiser, {"name": "Bankwijk"})
        now = utcnow()
        session.execute(
            sa.insert(User),
            [
                {
                    "email": _volunteer_email(number),
                    "password_hash": password_hash,
                    "display_name": f"Vrijwilliger {number}",
                    "role": Role.RESIDENT.value,
                    "home_neighbourhood_id": wijk.id,
                    "created_at": now,
                    "updated_at": now,
                }
                for number in range(1, VOLUNTEERS + 1)
            ],
        )
        first = (now + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
        shifts = [
            {
                "starts_at": first + timedelta(hours=2 * n),
                "ends_at": first + timedelta(hours=2 * n + 1.5),
                "capacity": CAPACITY,
                "task": f"Ploeg {n + 1}",
            }
            for n in range(SHIFTS)
        ]
        activity = activities.create_activity(
            session,
            organiser,
            {
                "title": "Grote schoonmaakdag",
                "description": "Samen de wijk opruimen.",
                "neighbourhood": wijk.slug,
                "theme": "schoon",
                "location": "Buurthuis",
                "shifts": shifts,
            },
        )
        commit(session)
        shift_ids = sorted(shift.id for shift in activity.shifts)
    harness.analyze(app)
    return app, shift_ids


def _burst(clients: list[Client], shift_of: list[int]) -> dict:
    """Every client sends one signup at the same moment; return timings and answers."""
    barrier = threading.Barrier(len(clients))
    answers: list[tuple] = [()] * len(clients)

    def volunteer(index: int) -> None:
        client = clients[index]
        try:
            client.request("GET", "/__hooks")  # open the keep-alive connection beforehand
        finally:
            barrier.wait()
        begin = time.perf_counter()
        status, _, body = client.request("POST", f"/api/v1/shifts/{shift_of[index]}/signup")
        answers[index] = (status, body, begin, time.perf_counter())

    threads = [threading.Thread(target=volunteer, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies = sorted(end - begin for _, _, begin, end in answers)
    elapsed = max(end for *_, end in answers) - min(begin for *_, begin, _ in answers)
    return {
        "rps": len(answers) / elapsed,
        "seconds": elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[int(len(latencies) * 0.95)] * 1000,
        "statuses": Counter(status for status, *_ in answers),
        "answers": [(shift_of[i], answer[0], answer[1]) for i, answer in enumerate(answers)],
    }


def _churn(shift_of: list[int]):
    """Return a step in which thread t cancels and signs up again as volunteer t, in turn."""
    signed_up = [True] * len(shift_of)  # after the burst everyone has a place or waits

    def step(client: Client, thread: int) -> int:
        method = "DELETE" if signed_up[thread] else "POST"
        status = client.request(method, f"/api/v1/shifts/{shift_of[thread]}/signup")[0]
        if status < 300:
            signed_up[thread] = not signed_up[thread]
        return status

    return step


def check_database(app: Flask, *, arrival_order: bool) -> list[str]:
    """Return what is wrong with the shifts' counters, capacities and queues (empty: all well)."""
    problems = []
    with app.app_context():
        shifts = db.session.execute(
            sa.select(
                Shift.id,
                Shift.capacity,
                Shift.confirmed_count,
                Shift.waitlist_count,
                Shift.last_queue_number,
            ).order_by(Shift.id)
        ).all()
        rows = db.session.execute(
            sa.select(Signup.shift_id, Signup.status, Signup.queue_number)
        ).all()
        db.session.rollback()
    by_shift = defaultdict(list)
    for shift_id, status, number in rows:
        by_shift[shift_id].append((status, number))
    for shift in shifts:
        mine = by_shift[shift.id]
        confirmed = sorted(n for s, n in mine if s == SignupStatus.CONFIRMED)
        waiting = sorted(n for s, n in mine if s == SignupStatus.WAITLISTED)
        active = confirmed + waiting
        if len(confirmed) > shift.capacity:
            problems.append(
                f"shift {shift.id}: {len(confirmed)} confirmed, {shift.capacity} places"
            )
        if shift.confirmed_count != len(confirmed) or shift.waitlist_count != len(waiting):
            problems.append(
                f"shift {shift.id}: counters {shift.confirmed_count}/{shift.waitlist_count}, "
                f"rows {len(confirmed)}/{len(waiting)}"
            )
        if len(set(active)) != len(active) or (active and max(active) > shift.last_queue_number):
            problems.append(f"shift {shift.id}: queue numbers not unique or past the last one")
        if waiting and len(confirmed) < shift.capacity:
            problems.append(f"shift {shift.id}: people wait while a place is free (lost place)")
        if arrival_order and confirmed and waiting and max(confirmed) > min(waiting):
            problems.append(f"shift {shift.id}: someone who came later got a place first")
    return problems


def _check_positions(answers: list[tuple[int, int, bytes]]) -> list[str]:
    """The waitlist positions answered in the burst must be 1, 2, 3, … per shift."""
    positions = defaultdict(list)
    for shift_id, status, body in answers:
        if status in (200, 201):
            signup = json.loads(body)
            if signup["status"] == SignupStatus.WAITLISTED:
                positions[shift_id].append(signup["waitlist_position"])
    return [
        f"shift {shift_id}: waitlist positions {sorted(found)}"
        for shift_id, found in positions.items()
        if sorted(found) != list(range(1, len(found) + 1))
    ]


IN_PROCESS_ROUNDS = 200


def _cpu_ms(*calls) -> float:
    """Return the CPU milliseconds of one call, averaged over IN_PROCESS_ROUNDS rounds of calls."""
    started = time.process_time()
    for _ in range(IN_PROCESS_ROUNDS):
        for call in calls:
            call()
    return (time.process_time() - started) * 1000 / (IN_PROCESS_ROUNDS * len(calls))


def in_process_costs(app: Flask, shift_id: int) -> list[tuple[str, int | None, float | None]]:
    """Return (request, SQL statements, CPU ms) of a volunteer's requests, in-process.

    A spare volunteer signs up and cancels in turn, so every POST makes a new signup; their
    CPU time is the mean of the two. The bare route's CPU time is that of a bare Flask app.
    """
    client = harness.logged_in_test_client(app, _volunteer_email(VOLUNTEERS + 1), PASSWORD)
    path = f"/api/v1/shifts/{shift_id}/signup"
    headers = {"X-CSRFToken": client.get("/api/v1/auth/csrf").get_json()["csrf_token"]}
    bare = Flask("bare")
    bare.add_url_rule("/__bare", "bare_json", harness.bare_json)

    def request(method: str, target: str) -> None:
        answer = client.open(target, method=method, headers=headers)
        if answer.status_code >= 300:
            raise RuntimeError(f"{method} {target} answered {answer.status_code}")

    hooks = functools.partial(request, "GET", "/__hooks")
    sign_up = functools.partial(request, "POST", path)
    cancel = functools.partial(request, "DELETE", path)
    with harness.StatementCounter(app) as counter:
        counts = [counter.measure(call)[0] for call in (hooks, sign_up, sign_up, cancel)]
    pair = _cpu_ms(sign_up, cancel)
    return [
        (
            "GET /__bare (bare Flask app)",
            None,
            _cpu_ms(functools.partial(bare.test_client().get, "/__bare")),
        ),
        ("GET /__hooks (bare route), logged in", counts[0], _cpu_ms(hooks)),
        ("POST signup (new)", counts[1], pair),
        ("POST signup (again: existing)", counts[2], None),
        ("DELETE signup", counts[3], pair),
    ]


def ceiling(figures: dict) -> float:
    """Return the most a signup could reach of the bare route here, if nothing ever waited.

    Serving and sending the bare route costs the cores CORES / its req/s each time; of that,
    the bare app's own CPU time is known, the rest is gunicorn, sockets and the clients. A
    signup pays the same rest plus its own CPU time (that of PostgreSQL not even counted).
    """
    costs = {label: ms for label, _, ms in figures["statements"]}
    bare_ms = costs["GET /__bare (bare Flask app)"]
    per_request_ms = (os.cpu_count() or 1) * 1000 / figures["results"]["bare"]["rps"]
    rest = max(per_request_ms - bare_ms, 0.0)
    return (rest + bare_ms) / (rest + costs["POST signup (new)"])


def _add_spare(app: Flask) -> None:
    """Add one more volunteer, for counting statements in-process without touching the others."""
    with app.app_context(), write_intent():
        accounts.register(
            db.session,
            email=_volunteer_email(VOLUNTEERS + 1),
            password=PASSWORD,
            display_name="Reserve",
        )
        commit(db.session)


def _measure(port: int, clients: list[Client] | None, step) -> dict:
    """Run a step for the configured time with these clients (None: new anonymous ones)."""
    clients = clients or [Client(port) for _ in range(harness.CLIENTS)]
    return hammer(clients, step, harness.WARMUP, harness.SECONDS)


def bench_backend(name: str, url: str) -> dict:
    """Prepare one backend, serve it, run the phases, check the database; return the figures."""
    folder = Path(tempfile.mkdtemp(prefix="leefbaar-bench-"))
    url = url or f"sqlite:///{folder / 'bench.db'}"
    print(f"\n== {name}: {VOLUNTEERS} volunteers, {SHIFTS} shifts of {CAPACITY} places ==")
    app, shift_ids = _prepare(url)
    shift_of = [shift_ids[i % SHIFTS] for i in range(VOLUNTEERS)]  # the same number per shift
    server = harness.serve(url, folder, SECRET)
    port = server.port
    try:
        started = time.perf_counter()
        emails = [_volunteer_email(n) for n in range(1, VOLUNTEERS + 1)]
        volunteers = harness.log_in_all(port, emails, PASSWORD)
        print(f"  {len(volunteers)} volunteers logged in in {time.perf_counter() - started:.0f} s")
        # One volunteer per thread, each on the shift they joined (some may share a shift).
        spread = range(0, VOLUNTEERS, max(1, VOLUNTEERS // harness.CLIENTS))[: harness.CLIENTS]
        members = [volunteers[i] for i in spread]
        results = {
            "bare": _measure(port, None, getter("/__bare")),
            "logged in": _measure(port, members, getter("/__hooks")),
            "burst": _burst(volunteers, shift_of),
        }
        checks = {"burst": check_database(app, arrival_order=True)}
        checks["burst"] += _check_positions(results["burst"]["answers"])
        results["sustained"] = _measure(port, members, _churn([shift_of[i] for i in spread]))
        checks["sustained"] = check_database(app, arrival_order=False)
        again = _measure(port, None, getter("/__bare"))
        results["bare"]["rps"] = max(results["bare"]["rps"], again["rps"])  # the stricter ratio
    finally:
        server.stop()
    _add_spare(app)
    statements = in_process_costs(app, shift_ids[-1])
    with app.app_context():
        db.engine.dispose()
    figures = {"results": results, "checks": checks, "statements": statements}
    _print_backend(name, figures)
    if any(status >= 500 for r in results.values() for status in r["statuses"]):
        print(f"  server errors (5xx); the end of {server.log}:\n{server.tail()}")
    else:
        shutil.rmtree(folder, ignore_errors=True)
    return figures


LABELS = {
    "bare": "bare Flask JSON route (baseline)",
    "logged in": "bare route in the app, logged in",
    "burst": f"burst: {VOLUNTEERS} signups at once",
    "sustained": "sustained: signup + cancel",
}
TARGETS = {"burst": TARGET, "sustained": TARGET}


def _print_backend(name: str, figures: dict) -> None:
    results, baseline = figures["results"], figures["results"]["bare"]["rps"]
    burst = results["burst"]
    print(
        f"\nVolunteering on {name}: gunicorn {harness.WORKERS} workers x {harness.THREADS} "
        f"threads, {harness.CLIENTS} keep-alive clients, {harness.SECONDS:.0f} s each; "
        f"burst of {VOLUNTEERS} in {burst['seconds']:.2f} s"
    )
    print(f"{'scenario':<36}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'vs bare':>9}  statuses")
    for key, label in LABELS.items():
        r = results[key]
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(r["statuses"].items()))
        print(
            f"{label:<36}{r['rps']:>8.0f}{r['p50']:>8.1f}{r['p95']:>8.1f}"
            f"{r['rps'] / baseline:>9.2f}  {statuses}"
        )
    outcome = Counter(
        json.loads(body)["status"] for _, code, body in burst["answers"] if code < 300
    )
    print(f"burst outcome: {dict(outcome)}")
    for phase, problems in figures["checks"].items():
        print(f"database after {phase}: {'OK' if not problems else '; '.join(problems[:5])}")
    print(f"\nIn-process on {name}: SQL statements (BEGIN/COMMIT not counted) and CPU ms")
    for label, count, ms in figures["statements"]:
        shown_count = "" if count is None else count
        shown_ms = "" if ms is None else f"{ms:.2f}"
        print(f"  {label:<40}{shown_count:>4}{shown_ms:>8}")
    print(
        f"ceiling: with no waiting at all, a signup could reach {ceiling(figures):.2f} of the "
        f"bare route on this machine ({os.cpu_count()} cores shared by clients and server)"
    )


def _print_summary(figures: dict[str, dict]) -> None:
    names = list(figures)
    print("\nVolunteering signups against a bare Flask route (same server, same run)")
    header = f"{'scenario':<36}"
    for name in names:
        header += f"{name + ' req/s':>18}{'vs bare':>9}"
    print(header + f"{'target':>9}")
    verdicts = []
    for key, label in LABELS.items():
        line = f"{label:<36}"
        for name in names:
            results = figures[name]["results"]
            ratio = results[key]["rps"] / results["bare"]["rps"]
            line += f"{results[key]['rps']:>18.0f}{ratio:>9.2f}"
            if key in TARGETS:
                verdicts.append(ratio >= TARGETS[key])
        print(line + (f"{'>=' + format(TARGETS[key], '.2f'):>9}" if key in TARGETS else ""))
    server_errors = sum(
        n
        for f in figures.values()
        for r in f["results"].values()
        for status, n in r["statuses"].items()
        if status >= 500
    )
    consistent = not any(p for f in figures.values() for p in f["checks"].values())
    print(f"signup >= {TARGET:.2f} of bare: {'PASS' if all(verdicts) else 'FAIL'}")
    print(f"zero overbooking, counters equal rows, queues in order: {_verdict(consistent)}")
    print(f"zero 5xx: {_verdict(server_errors == 0)} ({server_errors})")
    print("(2 shared cores: the clients, gunicorn and PostgreSQL compete; figures are noisy)")


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> None:
    """Run the volunteering benchmark on SQLite and, with BENCH_DATABASE_URL, on PostgreSQL."""
    figures = {name: bench_backend(name, url) for name, url in harness.backends()}
    _print_summary(figures)


if __name__ == "__main__":
    main()
