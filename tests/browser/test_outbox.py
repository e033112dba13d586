"""The offline outbox in Chromium: a report made offline waits on the phone and is sent once."""

from __future__ import annotations

import io
import os
import tempfile
import time
from pathlib import Path

import pytest
from flask_migrate import upgrade
from PIL import Image
from sqlalchemy import func, select

from app import create_app
from app.core.uploads import Photo
from app.extensions import db
from app.reports.models import Report
from tests.browser.conftest import MIGRATIONS
from tests.browser.pages import api_login, open_page, wait_for_control

pytestmark = pytest.mark.browser
RESIDENT, NEIGHBOUR = "bewoner@demo.leefbaar.nl", "buur@demo.leefbaar.nl"
SHOTS = Path(tempfile.gettempdir()) / "outbox-shots"  # screenshots at 360 x 740, to look at
WAITING = '[data-outbox-list] li[data-status="waiting"]'


def _reset_postgres(url: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def live_app(request, tmp_path_factory):
    """The live app with seeded demo data, on SQLite and (with TEST_DATABASE_URL) PostgreSQL."""
    if request.param == "postgresql":
        if not os.environ.get("TEST_DATABASE_URL"):
            pytest.skip("PostgreSQL tests need TEST_DATABASE_URL")
        from app.config import normalize_database_url

        url = normalize_database_url(os.environ["TEST_DATABASE_URL"])
        _reset_postgres(url)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('live') / 'live.db'}"
    app = create_app({"APP_CONFIG": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(directory=str(MIGRATIONS))
        from app.demo import seed_demo

        seed_demo()
    yield app
    with app.app_context():
        db.engine.dispose()
    if request.param == "postgresql":
        # Leave the database as the other tests expect it: migrated and empty.
        _reset_postgres(url)
        with app.app_context():
            upgrade(directory=str(MIGRATIONS))
            db.engine.dispose()


def _expect():
    from playwright.sync_api import expect

    return expect


def _big_photo() -> dict:
    """A JPEG larger than the outbox keeps (3000 x 2250), so it must be scaled down first."""
    image = Image.new("RGB", (3000, 2250), (90, 140, 90))
    image.paste((200, 60, 60), (600, 600, 2400, 1600))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return {"name": "groot.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


def _reports(live_app, description: str) -> list[tuple[int, int]]:
    """Return (report id, number of photos) of every report with this description."""
    with live_app.app_context():
        reports = db.session.scalars(select(Report).where(Report.description == description))
        found = []
        for report in reports:
            photos = db.session.scalar(
                select(func.count())
                .select_from(Photo)
                .where(Photo.owner_type == "report", Photo.owner_id == report.id)
            )
            found.append((report.id, photos))
        return found


def _open_form(context, base, email=RESIDENT):
    """Log in and open /melden under the service worker, so the page and its files are saved."""
    api_login(context, base, email)
    page = open_page(context, base + "/melden")
    wait_for_control(page)
    page.wait_for_load_state("networkidle")
    return page


def _fill_and_send(page, description: str, photo: dict | None = None):
    page.locator('label.category-option:has(input[value="zwerfvuil"])').click()
    page.click("[data-next]")
    if photo:
        page.set_input_files("#photos", files=[photo])
    page.click("[data-next]")
    page.fill("#lat", "52.0131")
    page.fill("#lon", "4.6977")
    page.click("[data-next]")
    page.fill("#description", description)
    page.click("[data-submit]")


def _queue_offline(context, page, description: str, photo: dict | None = None):
    """Go offline and send the form: the report waits in the outbox."""
    context.set_offline(True)
    _fill_and_send(page, description, photo)
    _expect()(page.locator("[data-outbox-queued]")).to_be_visible()
    _expect()(page.locator(WAITING)).to_have_count(1)


def _outbox(page) -> list[dict]:
    return page.evaluate(
        """async () => (await LeefbaarOutbox.list()).map((item) => ({
            key: item.key, status: item.status, message: item.message, photos: item.photos.length,
        }))"""
    )


def _settle(page, empty: bool = True, timeout: float = 20.0):
    """Wait until no sender holds or waits for the outbox's lock (and the outbox is empty)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        idle = page.evaluate(
            """async (empty) => {
                const locks = await navigator.locks.query();
                const all = [...locks.held, ...locks.pending];
                const busy = all.some((lock) => lock.name === "leefbaar-outbox");
                return !busy && (!empty || (await LeefbaarOutbox.list()).length === 0);
            }""",
            empty,
        )
        if idle:
            return
        time.sleep(0.2)
    raise AssertionError(f"the outbox did not settle: {_outbox(page)}")


def _fire_sync(context, page, base):
    """Fire the service worker's "outbox" sync event, as the browser does when it is online."""
    cdp = context.new_cdp_session(page)
    registrations = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(event["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 5
    while not registrations and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    registration = next(r for r in registrations if r["scopeURL"].startswith(base))
    cdp.send(
        "ServiceWorker.dispatchSyncEvent",
        {
            "origin": base,
            "registrationId": registration["registrationId"],
            "tag": "outbox",
            "lastChance": False,
        },
    )


def test_a_report_made_offline_is_sent_once_with_its_photo(browser_context, live_server, live_app):
    expect = _expect()
    description = "Offline gemeld: glas bij de bank."
    page = _open_form(browser_context, live_server)
    browser_context.set_offline(True)
    page.reload()  # the saved /melden, with its scripts from the worker's cache
    _queue_offline(browser_context, page, description, _big_photo())
    expect(page.locator("[data-report-form]")).to_be_hidden()
    stored = page.evaluate(
        """async () => {
            const [item] = await LeefbaarOutbox.list();
            window.waitingItem = item;
            const photo = await createImageBitmap(item.photos[0].blob);
            return { count: item.photos.length, type: item.photos[0].blob.type,
                     width: photo.width, height: photo.height, key: item.key };
        }"""
    )
    assert stored["count"] == 1 and stored["type"] == "image/jpeg"
    assert (stored["width"], stored["height"]) == (2048, 1536)  # 3000 x 2250 scaled down
    page.wait_for_timeout(500)  # an early sync attempt of the worker fails offline too
    assert _reports(live_app, description) == []
    assert [item["status"] for item in _outbox(page)] == ["waiting"]

    browser_context.set_offline(False)
    _fire_sync(browser_context, page, live_server)
    page.evaluate(
        """async () => {
            window.dispatchEvent(new Event("online"));
            window.dispatchEvent(new Event("online"));
            await Promise.all([LeefbaarOutbox.send(), LeefbaarOutbox.send()]);
        }"""
    )
    _settle(page)
    [(report_id, photos)] = _reports(live_app, description)
    assert photos == 1
    link = page.locator("[data-outbox-sent] a")
    expect(link).to_have_attribute("href", f"/meldingen/{report_id}")

    # Even two sends that no lock keeps apart make no second report: the key is the same.
    answers = page.evaluate(
        """async () => {
            const item = window.waitingItem;
            const { csrf_token } = await (await fetch("/api/v1/auth/csrf")).json();
            const post = async () => {
                const data = new FormData();
                for (const [name, value] of item.fields) data.append(name, value);
                for (const photo of item.photos) data.append("photos", photo.blob, photo.name);
                const response = await fetch("/api/v1/reports", {
                    method: "POST", body: data,
                    headers: { "X-CSRFToken": csrf_token, "Idempotency-Key": item.key },
                });
                return [response.status, (await response.json()).id];
            };
            return Promise.all([post(), post()]);
        }"""
    )
    assert answers == [[201, report_id], [201, report_id]]
    assert _reports(live_app, description) == [(report_id, 1)]


def test_the_worker_sends_on_background_sync_without_a_page(browser_context, live_server, live_app):
    description = "Offline gemeld, verstuurd door de service worker."
    page = _open_form(browser_context, live_server)
    _queue_offline(browser_context, page, description)
    page.goto("about:blank")  # no page of ours is left to send it
    browser_context.set_offline(False)
    _fire_sync(browser_context, page, live_server)
    deadline = time.monotonic() + 20
    while not _reports(live_app, description) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [photos for _, photos in _reports(live_app, description)] == [0]


def test_a_deleted_waiting_report_is_never_sent(browser_context, live_server, live_app):
    expect = _expect()
    description = "Offline gemeld en weer verwijderd."
    page = _open_form(browser_context, live_server)
    _queue_offline(browser_context, page, description)
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f"{WAITING} [data-delete]").click()
    expect(page.locator("[data-outbox]")).to_be_hidden()
    assert _outbox(page) == []
    browser_context.set_offline(False)
    _fire_sync(browser_context, page, live_server)
    page.evaluate("""async () => {
        window.dispatchEvent(new Event("online"));
        await LeefbaarOutbox.send();
    }""")
    _settle(page)
    assert _reports(live_app, description) == []


def test_a_waiting_report_stays_when_deleting_is_cancelled(browser_context, live_server):
    expect = _expect()
    page = _open_form(browser_context, live_server)
    _queue_offline(browser_context, page, "Offline gemeld, toch bewaard.")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.locator(f"{WAITING} [data-delete]").click()
    expect(page.locator(WAITING)).to_have_count(1)
    assert len(_outbox(page)) == 1


def test_logging_out_empties_the_outbox(browser_context, live_server, live_app):
    expect = _expect()
    description = "Offline gemeld, dan uitgelogd."
    page = _open_form(browser_context, live_server)
    page.goto(live_server + "/uitloggen")  # saved, so the logout form opens offline
    page.goto(live_server + "/melden")
    _queue_offline(browser_context, page, description)
    # The server stays unreachable for the outbox (a shaky connection), not for the logout form.
    browser_context.route("**/api/v1/reports", lambda route: route.abort())
    browser_context.set_offline(False)
    page.goto(live_server + "/uitloggen")
    _settle(page, empty=False)  # the page tried to send it, and could not
    assert [item["status"] for item in _outbox(page)] == ["waiting"]
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.body.dataset.viewer") == "anonymous"
    assert _outbox(page) == []
    browser_context.unroute("**/api/v1/reports")
    api_login(browser_context, live_server, RESIDENT)
    page.goto(live_server + "/meldingen")
    expect(page.locator("[data-outbox]")).to_be_hidden()
    assert _reports(live_app, description) == []


def test_someone_elses_waiting_report_is_dropped_not_sent(browser_context, live_server, live_app):
    description = "Van een ander op deze telefoon."
    page = _open_form(browser_context, live_server, NEIGHBOUR)
    _queue_offline(browser_context, page, description)
    # The neighbour's session ends without logging out; the resident logs in on the same phone.
    browser_context.clear_cookies()
    api_login(browser_context, live_server, RESIDENT)  # not a page: the phone is still offline
    browser_context.set_offline(False)
    page.goto(live_server + "/meldingen")
    page.wait_for_load_state("networkidle")
    _settle(page)
    assert _reports(live_app, description) == []


def test_a_refused_report_shows_as_failed_with_the_servers_message(
    browser_context, live_server, live_app
):
    expect = _expect()
    description = "x" * 4001
    page = _open_form(browser_context, live_server)
    page.evaluate("document.getElementById('description').removeAttribute('maxlength')")
    _fill_and_send(page, description)
    refusal = page.locator("[data-outbox-refused]")
    expect(refusal).to_be_visible()
    expect(refusal.locator("[data-outbox-errors] li")).to_have_count(1)
    failed = page.locator('[data-outbox-list] li[data-status="failed"]')
    expect(failed).to_have_count(1)
    [item] = _outbox(page)
    assert item["status"] == "failed" and item["message"]
    expect(refusal.locator("[data-outbox-message]")).to_have_text(item["message"])
    expect(failed.locator("[data-message]")).to_contain_text(item["message"])
    expect(page.locator("[data-report-form]")).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "melden-refused.png"), full_page=True)
    assert _reports(live_app, description) == []
    # Put right and sent again: the refused one makes way for it.
    page.fill("#description", "Nu wel goed: glas bij de bank.")
    page.click("[data-submit]")
    page.wait_for_url("**/meldingen/*")
    assert _outbox(page) == []


def test_an_unfinished_report_stays_on_the_form(browser_context, live_server):
    expect = _expect()
    page = _open_form(browser_context, live_server)
    _fill_and_send(page, "")
    expect(page.locator("#description")).to_be_visible()
    assert page.evaluate("document.activeElement.closest('[data-step]') !== null")
    assert _outbox(page) == []


def test_the_pages_with_a_waiting_report_pass_axe(browser_context, live_server):
    from axe_playwright_python.sync_playwright import Axe

    page = _open_form(browser_context, live_server)
    page.goto(live_server + "/meldingen")  # saved for offline use
    page.goto(live_server + "/melden")
    _queue_offline(browser_context, page, "Offline gemeld voor de toegankelijkheid.", _big_photo())
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "melden.png"), full_page=True)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.goto(live_server + "/meldingen")
    _expect()(page.locator(WAITING)).to_have_count(1)
    page.screenshot(path=str(SHOTS / "meldingen.png"), full_page=True)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
