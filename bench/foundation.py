"""Foundation benchmark: request throughput against a bare Flask route, and concurrent writes.

Serves the real app (SQLite, WAL) with a threaded server on 127.0.0.1 and drives it with
keep-alive HTTP clients in threads. The baseline is a bare route in the same process and run,
so the ratio says what our stack (sessions, CSRF, headers, i18n, ORM) costs per request.
"""

from __future__ import annotations

import http.client
import json
import statistics
import tempfile
import threading
import time
from pathlib import Path

from flask_migrate import upgrade
from werkzeug.serving import make_server

from app import create_app
from app.demo import seed_demo

CLIENTS = 8
REQUESTS_PER_CLIENT = 150
WRITERS = 16


def _serve(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _hammer(port: int, path: str) -> dict:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()

    def client() -> None:
        nonlocal errors
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        for _ in range(REQUESTS_PER_CLIENT):
            start = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - start)
            if response.status != 200:
                with lock:
                    errors += 1
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[int(len(latencies) * 0.95)] * 1000,
        "errors": errors,
    }


def _register_concurrently(port: int) -> tuple[int, int, float]:
    """WRITERS clients register at the same moment; count successes and failures."""
    barrier = threading.Barrier(WRITERS)
    results: list[int] = []

    def writer(n: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("GET", "/api/v1/auth/csrf")
        response = connection.getresponse()
        cookie = response.getheader("Set-Cookie").split(";")[0]
        token = json.loads(response.read())["csrf_token"]
        body = json.dumps(
            {
                "email": f"bench{n}@example.com",
                "password": "a long bench password",
                "display_name": f"Bench {n}",
            }
        )
        barrier.wait()
        connection.request(
            "POST",
            "/api/v1/auth/register",
            body=body,
            headers={"Content-Type": "application/json", "X-CSRFToken": token, "Cookie": cookie},
        )
        response = connection.getresponse()
        response.read()
        results.append(response.status)
        connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results.count(201), len(results) - results.count(201), time.perf_counter() - started


def main() -> None:
    """Print the throughput table and the concurrent-write figures."""
    folder = Path(tempfile.mkdtemp(prefix="leefbaar-bench-"))
    app = create_app(
        {
            "APP_CONFIG": "testing",
            "RATELIMIT_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
        }
    )
    app.add_url_rule("/__bare", "bare", lambda: "ok")
    with app.app_context():
        upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
        seed_demo()
    server = _serve(app)
    port = server.server_port
    rows = [
        (name, _hammer(port, path))
        for name, path in (
            ("bare Flask route (baseline)", "/__bare"),
            ("GET /api/v1/neighbourhoods", "/api/v1/neighbourhoods"),
            ("GET /api/v1/neighbourhoods/<slug>", "/api/v1/neighbourhoods/korte-akkeren"),
            ("GET / (HTML home)", "/"),
            ("GET /wijken (HTML list)", "/wijken"),
        )
    ]
    baseline = rows[0][1]["rps"]
    print(f"\nThroughput, {CLIENTS} keep-alive clients x {REQUESTS_PER_CLIENT} requests, SQLite")
    print(f"{'endpoint':<38}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}{'vs bare':>9}")
    for name, r in rows:
        print(
            f"{name:<38}{r['rps']:>9.0f}{r['p50']:>9.1f}{r['p95']:>9.1f}{r['errors']:>8}"
            f"{r['rps'] / baseline:>9.2f}"
        )
    ok, failed, seconds = _register_concurrently(port)
    print(f"\nConcurrent writes: {WRITERS} registrations at once (argon2 + BEGIN IMMEDIATE)")
    print(f"  succeeded {ok}, failed {failed}, wall time {seconds:.2f} s")
    server.shutdown()


if __name__ == "__main__":
    main()
