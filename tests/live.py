"""Devices that talk HTTP to the live test server, and release requests at the same moment."""

from __future__ import annotations

import http.cookiejar
import json
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable

from tests.conftest import PASSWORD


def _json(raw: bytes) -> dict:
    try:
        return json.loads(raw)
    except ValueError:  # keep what a broken answer said, for the assertion message
        return {"raw": raw[:500].decode(errors="replace")}


class Browser:
    """One device: its own cookies and CSRF token, speaking HTTP to the live server."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        cookies = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        self.opener = urllib.request.build_opener(cookies)
        self.token = ""

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        request = urllib.request.Request(  # noqa: S310  (http://127.0.0.1, our test server)
            self.base_url + path,
            data=None if body is None else json.dumps(body).encode(),
            method=method,
            headers={"Content-Type": "application/json", "X-CSRFToken": self.token},
        )
        return self._open(request)

    def send_form(
        self, path: str, fields: dict[str, str], files: list[tuple[str, str, bytes]]
    ) -> tuple[int, dict]:
        """POST a multipart form: fields, and files as (field, filename, bytes)."""
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            parts.append(f"{head}{value}\r\n".encode())
        for name, filename, data in files:
            head = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
            )
            parts.append(head.encode() + data + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        request = urllib.request.Request(  # noqa: S310  (http://127.0.0.1, our test server)
            self.base_url + path,
            data=body,
            method="POST",
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "X-CSRFToken": self.token,
            },
        )
        return self._open(request)

    def _open(self, request: urllib.request.Request) -> tuple[int, dict]:
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, _json(response.read())
        except urllib.error.HTTPError as error:
            with error:
                return error.code, _json(error.read())

    def login(self, email: str) -> None:
        self.token = self.call("GET", "/api/v1/auth/csrf")[1]["csrf_token"]
        status, body = self.call(
            "POST", "/api/v1/auth/login", {"email": email, "password": PASSWORD}
        )
        assert status == 200, body
        self.token = self.call("GET", "/api/v1/auth/csrf")[1]["csrf_token"]


def race(*calls: Callable[[], tuple[int, dict]]) -> list[int]:
    """Start the calls in threads released at the same moment; return their status codes."""
    barrier = threading.Barrier(len(calls))
    statuses: list[int] = [0] * len(calls)

    def run(index: int, call: Callable[[], tuple[int, dict]]) -> None:
        barrier.wait()
        statuses[index] = call()[0]

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses
