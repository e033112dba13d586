"""Lean keep-alive HTTP clients in threads, for benchmarks: throughput and latency per scenario."""

from __future__ import annotations

import json
import socket
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable


class Closed(ConnectionError):
    """The server closed a keep-alive connection."""


class Client:
    """One keep-alive HTTP/1.1 connection with its own cookies; lean, so it costs little CPU."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.csrf = ""
        self.sock: socket.socket | None = None
        self.buffer = b""

    def close(self) -> None:
        """Close the connection; the next request opens a new one."""
        if self.sock is not None:
            self.sock.close()
        self.sock, self.buffer = None, b""

    def request(
        self, method: str, path: str, body: dict | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """Send one request and return status, headers and body (retried once if closed)."""
        data = json.dumps(body).encode() if body is not None else b""
        head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}", "Accept: */*"]
        if self.cookies:
            head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if method != "GET":
            head += [f"X-CSRFToken: {self.csrf}", f"Content-Length: {len(data)}"]
            if data:
                head.append("Content-Type: application/json")
        message = ("\r\n".join(head) + "\r\n\r\n").encode() + data
        for attempt in (1, 2):
            try:
                if self.sock is None:
                    self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=120)
                    self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self.sock.sendall(message)
                return self._response()
            except ConnectionError:
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _recv(self) -> bytes:
        chunk = self.sock.recv(262144)
        if not chunk:
            raise Closed()
        return chunk

    def _response(self) -> tuple[int, dict[str, str], bytes]:
        while b"\r\n\r\n" not in self.buffer:
            self.buffer += self._recv()
        head, _, rest = self.buffer.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                cookie, _, _ = value.partition(";")
                key, _, cookie_value = cookie.partition("=")
                self.cookies[key.strip()] = cookie_value
            headers[name] = value
        length = int(headers.get("content-length", "0"))
        parts, size = [rest], len(rest)
        while size < length:
            chunk = self._recv()
            parts.append(chunk)
            size += len(chunk)
        data = b"".join(parts)
        self.buffer = data[length:]
        if headers.get("connection", "").lower() == "close":
            self.close()
        return int(lines[0].split(" ", 2)[1]), headers, data[:length]

    def get_json(self, path: str) -> dict:
        """GET a JSON document, failing loudly on anything but 200."""
        status, _, data = self.request("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}: {data[:300]!r}")
        return json.loads(data)

    def log_in(self, email: str, password: str) -> None:
        """Log in through the API as the PWA does: CSRF token, login, fresh token."""
        self.csrf = self.get_json("/api/v1/auth/csrf")["csrf_token"]
        status, _, data = self.request(
            "POST", "/api/v1/auth/login", {"email": email, "password": password}
        )
        if status != 200:
            raise RuntimeError(f"login of {email} answered {status}: {data[:300]!r}")
        self.csrf = self.get_json("/api/v1/auth/csrf")["csrf_token"]


def hammer(
    clients: list[Client], step: Callable[[Client, int], int | None], warmup: float, seconds: float
) -> dict:
    """Run step(client, thread number) in one thread per client for warmup + seconds.

    step returns the response status, or None when it has no more work. Return the figures.
    """
    started = time.perf_counter()
    measure_from, deadline = started + warmup, started + warmup + seconds
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    finished: list[float] = []
    lock = threading.Lock()

    def run(client: Client, index: int) -> None:
        mine, counted = [], Counter()
        while (begin := time.perf_counter()) < deadline:
            status = step(client, index)
            if status is None:
                break
            if begin >= measure_from:
                mine.append(time.perf_counter() - begin)
                counted[status] += 1
        client.close()
        with lock:
            latencies.extend(mine)
            statuses.update(counted)
            finished.append(time.perf_counter())

    threads = [threading.Thread(target=run, args=(c, i)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    elapsed = max(min(max(finished), deadline) - measure_from, 1e-9)
    return {
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000 if latencies else 0.0,
        "p95": latencies[int(len(latencies) * 0.95)] * 1000 if latencies else 0.0,
        "statuses": statuses,
    }


def getter(path: str) -> Callable[[Client, int], int]:
    """Return a step that GETs one path."""
    return lambda client, _: client.request("GET", path)[0]
