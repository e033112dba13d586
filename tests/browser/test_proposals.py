"""Idea, round and moderation pages in Chromium: accessible, phone-sized, voting works."""

import pytest

from tests.browser.pages import api_login, open_page

pytestmark = pytest.mark.browser
RESIDENT, STAFF = "bewoner@demo.leefbaar.nl", "medewerker@demo.leefbaar.nl"


def _axe(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("path", ["/ideeen", "/ideeen/1", "/buurtbudget", "/buurtbudget/1"])
def test_public_pages_pass_axe(browser_context, live_server, path):
    _axe(open_page(browser_context, live_server + path))


@pytest.mark.parametrize("path", ["/ideeen/nieuw", "/ideeen/1", "/ideeen/5"])
def test_resident_pages_pass_axe(browser_context, live_server, path):
    api_login(browser_context, live_server, RESIDENT)
    _axe(open_page(browser_context, live_server + path))


@pytest.mark.parametrize(
    "path", ["/beheer/moderatie", "/beheer/moderatie/logboek", "/beheer/rondes"]
)
def test_staff_pages_pass_axe(browser_context, live_server, path):
    api_login(browser_context, live_server, STAFF)
    _axe(open_page(browser_context, live_server + path))


def test_idea_pages_fit_a_320px_screen(browser_context, live_server):
    api_login(browser_context, live_server, STAFF)
    page = open_page(browser_context, live_server + "/ideeen")
    page.set_viewport_size({"width": 320, "height": 640})
    for path in ("/ideeen", "/ideeen/1", "/buurtbudget/1", "/beheer/moderatie", "/beheer/rondes"):
        page.goto(live_server + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path


def test_a_resident_votes_with_one_tap(browser_context, live_server):
    api_login(browser_context, live_server, RESIDENT)
    page = open_page(browser_context, live_server + "/ideeen/2")
    page.get_by_role("button", name="Stem op dit idee").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Je hebt op dit idee gestemd.").is_visible()
    assert page.get_by_text("1 stem", exact=True).is_visible()
    page.get_by_role("button", name="Mijn stem intrekken").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("button", name="Stem op dit idee").is_visible()
