"""The app installs, works offline, updates with a prompt and passes axe."""

import pytest

from tests.browser.pages import api_login as _api_login
from tests.browser.pages import open_page as _open
from tests.browser.pages import wait_for_control as _wait_for_control

pytestmark = pytest.mark.browser


def test_chromium_reports_no_installability_errors(browser_context, live_server):
    page = _open(browser_context, live_server + "/")
    page.evaluate("navigator.serviceWorker.ready")
    cdp = browser_context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert not manifest.get("errors"), manifest.get("errors")
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert errors == []


def test_page_is_controlled_by_the_worker_after_one_reload(browser_context, live_server):
    page = _open(browser_context, live_server + "/")
    _wait_for_control(page)
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")


def test_home_page_opens_offline(browser_context, live_server):
    page = _open(browser_context, live_server + "/")
    _wait_for_control(page)
    page.goto(live_server + "/")  # stored while controlled
    browser_context.set_offline(True)
    page.goto(live_server + "/")
    assert page.locator("h1").first.is_visible()
    assert page.locator(".bottom-nav").is_visible()
    assert not page.locator("#offline-banner").is_hidden()


def test_unvisited_page_shows_the_offline_page(browser_context, live_server):
    page = _open(browser_context, live_server + "/")
    _wait_for_control(page)
    browser_context.set_offline(True)
    page.goto(live_server + "/wijken/korte-akkeren")
    assert page.locator("h1").inner_text() in ("Je bent offline", "You are offline")


def test_new_version_shows_a_prompt_and_reloads(browser_context, live_server, live_app):
    page = _open(browser_context, live_server + "/")
    _wait_for_control(page)
    old = page.evaluate("navigator.serviceWorker.controller.scriptURL")
    live_app.config["PWA_VERSION_SALT"] = "next-release"
    try:
        page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
        page.wait_for_selector("#update-banner:not([hidden])", timeout=15_000)
        with page.expect_navigation():
            page.click("#update-button")
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        assert page.evaluate("navigator.serviceWorker.controller.scriptURL") == old
        assert page.locator("#update-banner").is_hidden()
    finally:
        live_app.config["PWA_VERSION_SALT"] = ""


@pytest.mark.parametrize("path", ["/", "/inloggen", "/registreren", "/wijken", "/offline"])
def test_axe_finds_no_violations(browser_context, live_server, path):
    from axe_playwright_python.sync_playwright import Axe

    page = _open(browser_context, live_server + path)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_pages_fit_a_320px_screen(browser_context, live_server):
    page = _open(browser_context, live_server + "/")
    page.set_viewport_size({"width": 320, "height": 640})
    for path in ("/", "/inloggen", "/registreren", "/wijken"):
        page.goto(live_server + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path


def _cached_text(page, cache_name, path):
    return page.evaluate(
        """async ([name, path]) => {
            const cache = await caches.open(name);
            const hit = await cache.match(path);
            return hit ? await hit.text() : null;
        }""",
        [cache_name, path],
    )


def test_offline_page_is_saved_without_the_users_session(browser_context, live_server):
    _api_login(browser_context, live_server, "medewerker@demo.leefbaar.nl")
    page = _open(browser_context, live_server + "/")
    assert "Beheer" in page.content()  # the staff member is logged in
    page.evaluate("navigator.serviceWorker.ready")
    names = page.evaluate("caches.keys()")
    shell = next(name for name in names if name.startswith("shell-"))
    offline = _cached_text(page, shell, "/offline")
    assert offline and "Beheer" not in offline


def test_account_pages_are_never_saved(browser_context, live_server):
    _api_login(browser_context, live_server, "bewoner@demo.leefbaar.nl")
    page = _open(browser_context, live_server + "/")
    _wait_for_control(page)
    page.goto(live_server + "/account")
    page.goto(live_server + "/wijken")
    assert _cached_text(page, "pages", "/wijken") is not None
    assert _cached_text(page, "pages", "/account") is None


def test_logging_out_forgets_the_saved_pages(browser_context, live_server):
    _api_login(browser_context, live_server, "bewoner@demo.leefbaar.nl")
    page = _open(browser_context, live_server + "/")
    _wait_for_control(page)
    page.goto(live_server + "/wijken")
    assert _cached_text(page, "pages", "/wijken") is not None
    page.goto(live_server + "/uitloggen")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert _cached_text(page, "pages", "/wijken") is None
    home = _cached_text(page, "pages", "/") or ""
    assert "Mohamed" not in home
