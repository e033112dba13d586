"""A live server on 127.0.0.1 and Playwright driving the system Chromium."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def pytest_collection_modifyitems(config, items):
    """Skip browser tests without Chromium, unless REQUIRE_BROWSER=1 makes them mandatory."""
    if Path(CHROMIUM).exists() and shutil.which(CHROMIUM):
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"REQUIRE_BROWSER=1 but {CHROMIUM} is missing")
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="module")
def live_app(tmp_path_factory, instance_folder):
    """An app with its own migrated SQLite database and seeded demo data."""
    folder = tmp_path_factory.mktemp("live")
    app = create_app(
        {
            "APP_CONFIG": "testing",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'live.db'}",
            "STORAGE_LOCAL_ROOT": str(instance_folder / "uploads"),
        }
    )
    app.instance_path = str(instance_folder)
    with app.app_context():
        upgrade(directory=str(MIGRATIONS))
        from app.demo import seed_demo

        seed_demo()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def live_server(live_app) -> Iterator[str]:
    """Serve the app with a threaded server on a free loopback port; yield its base URL."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture
def browser_context(tmp_path):
    """A persistent Chromium context (service workers need one), phone-sized."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 360, "height": 740},
            locale="nl-NL",
        )
        try:
            yield context
        finally:
            context.close()
