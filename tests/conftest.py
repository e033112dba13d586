"""Shared fixtures: one migrated database per backend, a fresh app per test, factories.

Under pytest-xdist (`make test` runs a worker per CPU) every worker has its own PostgreSQL database
(`<name>_gw0`, …), its own Redis database number, and its own instance and upload folders, so
workers never see each other's rows, keys, jobs, cache markers or photos.
"""

from __future__ import annotations

import contextvars
import os
import re
import socket
import threading
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import sqlalchemy as sa
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from werkzeug.routing import Rule
from werkzeug.serving import make_server

from app import create_app
from app.accounts import services as account_services
from app.accounts.models import Role, User
from app.core.db import commit
from app.extensions import db as _db
from app.neighbourhoods import services as neighbourhood_services
from app.neighbourhoods.models import Household, Neighbourhood, staff_assignments
from app.reports.models import Report
from app.reports.services import reports as report_services

# A point in Gouda, and one about 30 m east of it (reports, Open311).
HERE = (52.0115, 4.7104)
CLOSE_BY = (52.0115, 4.71084)
PASSWORD = "correct horse battery staple"
WORKER = os.environ.get("PYTEST_XDIST_WORKER")  # "gw0", "gw1", … in an xdist worker, else None


def _worker_database_url(url: str | None) -> str | None:
    """Return this worker's own database on the server of `url` (`test` → `test_gw0`)."""
    if not url or not WORKER:
        return url
    parts = sa.engine.make_url(url)
    return parts.set(database=f"{parts.database}_{WORKER}").render_as_string(hide_password=False)


def _worker_redis_url(url: str | None) -> str | None:
    """Return this worker's own Redis database number: the given one + 1 + the worker's index."""
    if not url or not WORKER:
        return url
    scheme, netloc, path, query, fragment = urlsplit(url)
    number = int(path.strip("/") or 0) + 1 + int(WORKER.removeprefix("gw"))
    return urlunsplit((scheme, netloc, f"/{number}", query, fragment))


# Tests read these from the environment too (tests/core/test_jobs.py, the browser outbox), so the
# worker's own addresses go there, before any test module is imported.
BASE_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
TEST_DATABASE_URL = _worker_database_url(BASE_DATABASE_URL)
TEST_REDIS_URL = _worker_redis_url(os.environ.get("TEST_REDIS_URL"))
for _name, _value in (("TEST_DATABASE_URL", TEST_DATABASE_URL), ("TEST_REDIS_URL", TEST_REDIS_URL)):
    if _value:
        os.environ[_name] = _value


def _create_worker_database() -> None:
    """Create this worker's PostgreSQL database once, next to the one TEST_DATABASE_URL names."""
    from app.config import normalize_database_url

    name = sa.engine.make_url(TEST_DATABASE_URL).database
    engine = sa.create_engine(
        normalize_database_url(BASE_DATABASE_URL), isolation_level="AUTOCOMMIT"
    )
    try:
        with engine.connect() as connection:
            exists = sa.text("SELECT 1 FROM pg_database WHERE datname = :name")
            if connection.scalar(exists, {"name": name}) is None:
                quoted = connection.dialect.identifier_preparer.quote(name)
                connection.exec_driver_sql(f"CREATE DATABASE {quoted}")
    finally:
        engine.dispose()


@pytest.hookimpl(optionalhook=True)  # an xdist hook: no error when xdist is not installed
def pytest_xdist_make_scheduler(config, log):
    """Spread the tests one by one over the workers, but give all browser tests to one worker.

    One Chromium at a time then runs next to the other tests, and each browser module builds its
    live app once. (Not `--dist loadgroup` with xdist_group marks: pytest 9.2 made xdist 3.8
    ignore those silently, pytest-dev/pytest-xdist#1386.) Another `--dist` is left to xdist.
    """
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class BrowserTestsTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "browser" if nodeid.startswith("tests/browser/") else nodeid

    return BrowserTestsTogether(config, log)


def pytest_sessionstart(session) -> None:
    """Give an xdist worker its own PostgreSQL database before any test or fixture needs it."""
    if WORKER and TEST_DATABASE_URL:
        _create_worker_database()


def _reset_postgres(url: str) -> None:
    """Empty the database, and let its commits return before the disk has them.

    Without waiting for the disk (synchronous_commit off, for every later connection) commits
    are just as visible and isolated; only a server crash could lose the last ones.
    """
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
        name = connection.dialect.identifier_preparer.quote(engine.url.database)
        connection.exec_driver_sql(f"ALTER DATABASE {name} SET synchronous_commit = off")
    engine.dispose()


_compile_builder = Rule._compile_builder
_builders: dict[tuple, Callable] = {}


def _reuse_compiled_builder(self: Rule, append_unknown: bool = True) -> Callable:
    """Compile a URL rule's url_for builder once per test process instead of once per app.

    Werkzeug generates and compiles Python code for each rule of each app: two thirds of the
    ~60 ms create_app() costs, once or more per test. The code depends only on the rule's text,
    its parts and the names of its defaults (converters are looked up at call time through the
    rule), so rules that agree on those get the same function. Rules with a default for one of
    their own variables bake the converted value into the code: they are compiled as usual.
    """
    defaults = self.defaults or {}
    if any(dynamic and name in defaults for dynamic, name in self._trace):
        return _compile_builder(self, append_unknown)
    key = (append_unknown, self.rule, tuple(self._trace), tuple(defaults))
    builder = _builders.get(key)
    if builder is None:
        builder = _builders[key] = _compile_builder(self, append_unknown)
    return builder


Rule._compile_builder = _reuse_compiled_builder


@pytest.fixture(scope="session")
def instance_folder(tmp_path_factory) -> Path:
    """The instance folder of the test apps (cache markers, uploads): one per test process."""
    return tmp_path_factory.mktemp("instance")


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory) -> str:
    """Give a freshly migrated database: SQLite always, PostgreSQL when TEST_DATABASE_URL is set."""
    if request.param == "postgresql":
        if not TEST_DATABASE_URL:
            pytest.skip("PostgreSQL tests need TEST_DATABASE_URL")
        from app.config import normalize_database_url

        url = normalize_database_url(TEST_DATABASE_URL)
        _reset_postgres(url)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    app = create_app({"APP_CONFIG": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(directory=str(Path(app.root_path).parent / "migrations"))
        _db.engine.dispose()
    return url


class IsolatedClient(FlaskClient):
    """Test client whose every request runs in its own app context, as in production.

    Without this, requests reuse the test's app context and share `g` (Flask-Login's cached
    user, Flask-Babel's locale) and the test's database session. Pending test data is
    committed first so the request sees it.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            _db.session.commit()
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def make_app(database_url, instance_folder) -> Iterator[Callable[..., Flask]]:
    """Build apps on the test database with extra settings; tables are emptied afterwards.

    Flask-Limiter and huey are process-wide singletons: the app built last decides whether
    limits apply and which app runs jobs, so build the app you send requests to last.
    The apps keep their files in this test process's own instance folder, not in instance/.
    """
    apps: list[Flask] = []

    def build(**settings) -> Flask:
        config = {
            "APP_CONFIG": "testing",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "STORAGE_LOCAL_ROOT": str(instance_folder / "uploads"),
            **settings,
        }
        app = create_app(config)
        app.instance_path = str(instance_folder)
        app.test_client_class = IsolatedClient
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            _db.session.remove()
            _empty_tables()
            _db.engine.dispose()


# Every sequence of the schema back to 1, so ids start at 1 in every test, as after TRUNCATE …
# RESTART IDENTITY, which costs about 60 ms a test against 8 ms for DELETE and this.
RESTART_SEQUENCES = sa.text(
    "SELECT setval(c.oid::regclass, 1, false) FROM pg_class c "
    "JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relkind = 'S' AND n.nspname = current_schema()"
)


def _empty_tables() -> None:
    tables = list(reversed(_db.metadata.sorted_tables))  # children before their parents
    with _db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":  # one round trip, not one per table
            statements = [table.delete().compile(dialect=connection.dialect) for table in tables]
            connection.exec_driver_sql("; ".join(map(str, [*statements, RESTART_SEQUENCES])))
        else:
            for table in tables:
                connection.execute(table.delete())


@pytest.fixture
def app(make_app) -> Iterator[Flask]:
    """The app under test, with an application context pushed."""
    application = make_app()
    with application.app_context():
        yield application


@pytest.fixture
def db(app):
    """The database handle (Flask-SQLAlchemy) inside the app context."""
    return _db


@pytest.fixture
def client(app) -> FlaskClient:
    """A browser-like test client."""
    return app.test_client()


class ApiClient:
    """Test client for /api/v1 that fetches and sends the CSRF token like the PWA does."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.token: str | None = None

    def csrf(self) -> str:
        """Fetch (once) the CSRF token bound to this client's session."""
        if self.token is None:
            self.token = self.client.get("/api/v1/auth/csrf").get_json()["csrf_token"]
        return self.token

    def request(self, method: str, path: str, **kwargs):
        """Send a request; state-changing methods carry the CSRF header."""
        headers = dict(kwargs.pop("headers", {}) or {})
        if method in ("POST", "PUT", "PATCH", "DELETE") and kwargs.pop("csrf", True):
            headers.setdefault("X-CSRFToken", self.csrf())
        return self.client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs):
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs):
        return self.request("PATCH", path, **kwargs)

    def put(self, path: str, **kwargs):
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs):
        return self.request("DELETE", path, **kwargs)

    def login(self, email: str, password: str = PASSWORD):
        """Log in through the API; the session changes, so a new token is fetched after."""
        response = self.post("/auth/login", json={"email": email, "password": password})
        self.token = None
        return response


@pytest.fixture
def api(client) -> ApiClient:
    """An API client for anonymous or logged-in calls."""
    return ApiClient(client)


@pytest.fixture
def make_api(app) -> Callable[[], ApiClient]:
    """Make extra independent API clients (other users, other devices)."""
    return lambda: ApiClient(app.test_client())


@pytest.fixture
def make_user(db) -> Callable[..., User]:
    """Create users: make_user(role="staff", email=..., verified_at=household)."""
    counter = iter(range(1, 10_000))

    def create(
        role: str = "resident",
        *,
        email: str | None = None,
        name: str | None = None,
        password: str = PASSWORD,
        household: Household | None = None,
        language: str = "nl",
    ) -> User:
        n = next(counter)
        user = account_services.create_user(
            db.session,
            email=email or f"{role}{n}@example.com",
            password=password,
            display_name=name or f"{role.title()} {n}",
            role=Role(role),
        )
        user.language = language
        if household is not None:
            user.household = household
            user.home_neighbourhood = household.neighbourhood
        commit(db.session)
        return user

    return create


@pytest.fixture
def admin(make_user) -> User:
    """An administrator."""
    return make_user("admin", email="admin@example.com")


@pytest.fixture
def make_neighbourhood(db, admin) -> Callable[..., Neighbourhood]:
    """Create neighbourhoods: make_neighbourhood("Noord", focus=True, focus_reason=...)."""

    def create(name: str = "Korte Akkeren", **fields) -> Neighbourhood:
        neighbourhood = neighbourhood_services.create_neighbourhood(
            db.session, admin, {"name": name, **fields}
        )
        commit(db.session)
        return neighbourhood

    return create


@pytest.fixture
def make_household(db, admin, make_neighbourhood) -> Callable[..., Household]:
    """Create a household (in a new neighbourhood unless one is given)."""
    counter = iter(range(1, 10_000))

    def create(neighbourhood: Neighbourhood | None = None, **fields) -> Household:
        neighbourhood = neighbourhood or make_neighbourhood(f"Wijk {next(counter)}")
        row = {
            "street": "Lindelaan",
            "number": next(counter),
            "addition": "",
            "postcode": "2806AB",
            "city": "Gouda",
            "complex": None,
            **fields,
        }
        [household] = neighbourhood_services.import_households(
            db.session, admin, neighbourhood, [row]
        )
        commit(db.session)
        return household

    return create


@pytest.fixture
def login(client) -> Callable[[User], None]:
    """Log a user in on the default test client through the login form."""

    def do_login(user: User, password: str = PASSWORD) -> None:
        page = client.get("/inloggen")
        token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page.data)
        response = client.post(
            "/inloggen",
            data={"email": user.email, "password": password, "csrf_token": token.group(1).decode()},
        )
        assert response.status_code == 302, response.data

    return do_login


def form_token(response) -> str:
    """Return the CSRF token of the first form on an HTML page."""
    match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', response.data)
    assert match, "no CSRF token on the page"
    return match.group(1).decode()


def problem(response, status: int) -> dict:
    """Assert a problem document with the given status and return it."""
    assert response.status_code == status, (response.status_code, response.data[:500])
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["title"] and body["detail"] and body["type"]
    return body


class MailCollector:
    """aiosmtpd handler that keeps every delivered message."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server() -> Iterator[tuple[str, int, MailCollector]]:
    """A real SMTP server on 127.0.0.1; yields (host, port, collector)."""
    from aiosmtpd.controller import Controller

    collector = MailCollector()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield "127.0.0.1", port, collector
    finally:
        controller.stop()


@pytest.fixture
def live_url(app):
    """Serve the app on a free port with one thread per request, as production would."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture
def assign(db) -> Callable[..., None]:
    """Assign a staff member to neighbourhoods (rows in staff_assignments)."""

    def do(user: User, *neighbourhoods: Neighbourhood) -> None:
        rows = [{"user_id": user.id, "neighbourhood_id": n.id} for n in neighbourhoods]
        db.session.execute(sa.insert(staff_assignments), rows)
        commit(db.session)

    return do


@pytest.fixture
def limited(app, make_app) -> Iterator[Callable[..., Flask]]:
    """Build an app with rate limits on (after the default app: the limiter follows the last)."""
    contexts = []

    def build(**limits) -> Flask:
        limited_app = make_app(RATELIMIT_ENABLED=True, **limits)
        context = limited_app.app_context()
        context.push()
        contexts.append(context)
        return limited_app

    yield build
    for context in reversed(contexts):
        context.pop()


@pytest.fixture
def wijk(make_neighbourhood) -> Neighbourhood:
    """The neighbourhood most tests happen in."""
    return make_neighbourhood("Korte Akkeren")


@pytest.fixture
def staff(make_user) -> User:
    """A staff member who manages every neighbourhood."""
    return make_user("staff", email="staff@example.com")


@pytest.fixture
def make_resident(make_user, make_household, wijk) -> Callable[..., User]:
    """Create a verified resident with a home of their own in a neighbourhood (default: wijk)."""

    def create(
        neighbourhood: Neighbourhood | None = None, household: Household | None = None, **kw
    ) -> User:
        home = household or make_household(neighbourhood or wijk)
        return make_user("resident", household=home, **kw)

    return create


@pytest.fixture
def resident(make_resident) -> User:
    """A verified resident of wijk."""
    return make_resident(email="resident@example.com")


@pytest.fixture
def api_as(make_api) -> Callable[[User], object]:
    """Return a new API client logged in as the given user."""

    def log_in(user: User):
        client = make_api()
        assert client.login(user.email).status_code == 200
        return client

    return log_in


@pytest.fixture
def make_report(db, resident, wijk) -> Callable[..., Report]:
    """File a report through the service (default: litter at HERE, by the resident)."""

    def create(category: str = "zwerfvuil", by: User | None = None, **fields) -> Report:
        data = {"category": category, "description": "Veel afval naast de container.", **fields}
        if category not in ("lekkage", "verwarming", "elektra", "deur-slot", "schimmel"):
            data.setdefault("lat", HERE[0])
            data.setdefault("lon", HERE[1])
        report = report_services.create_report(db.session, by or resident, data)
        commit(db.session)
        return report

    return create


@pytest.fixture
def matrix_client(api, api_as, make_user, make_resident, assign, staff, admin, resident):
    """Return the API client of a role in an authorisation matrix.

    The roles: visitor, newcomer (unverified), neighbour (verified in wijk), author or reporter
    (the resident who wrote the things under test), outsider (verified elsewhere), other_staff
    (assigned to elsewhere), staff (all neighbourhoods) and admin.
    """

    def client_of(role: str, elsewhere: Neighbourhood):
        if role == "visitor":
            return api
        if role == "other_staff":
            user = make_user("staff")
            assign(user, elsewhere)
            return api_as(user)
        users = {
            "newcomer": lambda: make_user("resident"),
            "neighbour": make_resident,
            "author": lambda: resident,
            "reporter": lambda: resident,
            "outsider": lambda: make_resident(elsewhere),
            "staff": lambda: staff,
            "admin": lambda: admin,
        }
        return api_as(users[role]())

    return client_of


def matrix_mismatches(client, matrix: list, ids: dict, role: str) -> list:
    """Call every row of a role matrix in order; return the rows that answered otherwise."""
    wrong = []
    for method, path, body, expected in matrix:  # in order: the last rows may change state
        response = client.request(method, path.format(**ids), json=body)
        if response.status_code != expected.get(role, expected["*"]):
            wrong.append((method, path, response.status_code, response.get_json()))
    return wrong
