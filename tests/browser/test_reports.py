"""Report pages in Chromium: filing on a small phone with a photo and a place, maps, axe."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from tests.browser.pages import api_login, open_page

pytestmark = pytest.mark.browser
RESIDENT, NEIGHBOUR, STAFF = (
    "bewoner@demo.leefbaar.nl",
    "buur@demo.leefbaar.nl",
    "medewerker@demo.leefbaar.nl",
)
PLAYGROUND = {"latitude": 52.0131, "longitude": 4.6977}  # in Korte Akkeren


def _photo() -> dict:
    image = Image.new("RGB", (640, 480), (90, 140, 90))
    image.paste((200, 60, 60), (100, 100, 400, 300))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return {"name": "foto.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


def _file_by_api(context, base, **fields) -> int:
    token = context.request.get(base + "/api/v1/auth/csrf").json()["csrf_token"]
    data = {
        "category": "zwerfvuil",
        "description": "Glas op het fietspad.",
        "lat": PLAYGROUND["latitude"],
        "lon": PLAYGROUND["longitude"],
        **fields,
    }
    response = context.request.post(
        base + "/api/v1/reports", headers={"X-CSRFToken": token}, data=data
    )
    assert response.ok, response.text()
    return response.json()["id"]


def _expect():
    from playwright.sync_api import expect

    return expect


def _axe(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def _located(context, base):
    context.grant_permissions(["geolocation"], origin=base)
    context.set_geolocation(PLAYGROUND)


def _choose(page, code: str):
    page.locator(f'label.category-option:has(input[value="{code}"])').click()


def test_a_resident_files_a_report_with_a_photo_on_a_small_phone(browser_context, live_server):
    expect = _expect()
    _located(browser_context, live_server)
    api_login(browser_context, live_server, RESIDENT)
    page = open_page(browser_context, live_server + "/melden")
    page.set_viewport_size({"width": 320, "height": 640})
    _choose(page, "zwerfvuil")
    page.click("[data-next]")
    page.set_input_files("#photos", files=[_photo()])
    expect(page.locator("[data-photo-preview] img")).to_have_count(1)
    page.click("[data-next]")
    expect(page.locator("#place-map.leaflet-container")).to_be_visible()
    page.click("[data-locate]")
    expect(page.locator("#lat")).to_have_value(re.compile(r"^52\.0131"))
    page.click("[data-next]")
    page.fill("#description", "Kapotte fles bij de bank.")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.click("[data-submit]")
    page.wait_for_url(re.compile(r"/meldingen/\d+$"))
    expect(page.locator(".photo-grid img")).to_have_count(1)
    expect(page.get_by_text("Kapotte fles bij de bank.")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_a_tap_on_the_map_places_the_pin_and_the_questions_follow(browser_context, live_server):
    expect = _expect()
    api_login(browser_context, live_server, RESIDENT)
    page = open_page(browser_context, live_server + "/melden")
    _choose(page, "grofvuil")
    page.click("[data-next]")
    page.click("[data-next]")
    page.locator("#place-map").click()
    expect(page.locator("#lat")).not_to_have_value("")
    page.click("[data-next]")
    page.fill("#description", "Een oude bank bij de container.")
    page.click("[data-next]")
    expect(page.locator("[data-questions-for=grofvuil]")).to_be_visible()
    page.locator('input[name="answer-grofvuil-omvang"][value="groot"]').check()
    page.click("[data-submit]")
    page.wait_for_url(re.compile(r"/meldingen/\d+$"))
    expect(page.locator(".answers dd")).to_have_count(1)


def test_a_neighbour_follows_a_report_nearby_instead(browser_context, live_server):
    expect = _expect()
    _located(browser_context, live_server)
    api_login(browser_context, live_server, RESIDENT)
    _file_by_api(browser_context, live_server, description="Glas bij de speeltuin.")
    api_login(browser_context, live_server, NEIGHBOUR)
    page = open_page(browser_context, live_server + "/melden")
    _choose(page, "zwerfvuil")
    page.click("[data-next]")
    page.click("[data-next]")
    page.click("[data-locate]")
    nearby = page.locator("[data-nearby] li", has_text="Glas bij de speeltuin.")
    expect(nearby).to_be_visible()
    nearby.locator("[data-follow]").click()
    expect(nearby.locator("[data-followed]")).to_be_visible()


def test_without_javascript_the_form_is_one_page(browser_context, live_server):
    expect = _expect()
    api_login(browser_context, live_server, RESIDENT)
    page = open_page(browser_context, live_server + "/melden")
    cdp = browser_context.new_cdp_session(page)
    cdp.send("Emulation.setScriptExecutionDisabled", {"value": True})
    page.reload()
    expect(page.locator("[data-step]")).to_have_count(5)
    for step in page.locator("[data-step]").all():
        expect(step).to_be_visible()
    expect(page.locator("#lat")).to_be_visible()
    expect(page.locator("[data-map]")).to_be_hidden()


def test_maps_run_under_the_strict_content_security_policy(browser_context, live_server):
    expect = _expect()
    api_login(browser_context, live_server, RESIDENT)
    _file_by_api(browser_context, live_server)
    page = browser_context.pages[0] if browser_context.pages else browser_context.new_page()
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    page.goto(live_server + "/meldingen")
    expect(page.locator(".leaflet-container .leaflet-marker-icon").first).to_be_visible()
    page.goto(live_server + "/melden")
    _choose(page, "zwerfvuil")
    page.click("[data-next]")
    page.click("[data-next]")
    expect(page.locator("#place-map.leaflet-container")).to_be_visible()
    assert not [m for m in messages if "Content Security Policy" in m], messages


@pytest.mark.parametrize("path", ["/melden", "/meldingen", "/meldingen/{id}"])
def test_resident_report_pages_pass_axe(browser_context, live_server, path):
    api_login(browser_context, live_server, RESIDENT)
    report_id = _file_by_api(browser_context, live_server)
    _axe(open_page(browser_context, live_server + path.format(id=report_id)))


def test_the_place_step_with_its_map_passes_axe(browser_context, live_server):
    api_login(browser_context, live_server, RESIDENT)
    page = open_page(browser_context, live_server + "/melden")
    _choose(page, "zwerfvuil")
    page.click("[data-next]")
    page.click("[data-next]")
    page.locator("#place-map").click()
    _axe(page)


@pytest.mark.parametrize("path", ["/beheer/meldingen", "/meldingen/{id}"])
def test_staff_report_pages_pass_axe(browser_context, live_server, path):
    api_login(browser_context, live_server, RESIDENT)
    report_id = _file_by_api(browser_context, live_server)
    api_login(browser_context, live_server, STAFF)
    _axe(open_page(browser_context, live_server + path.format(id=report_id)))


def test_visitors_see_the_list_and_pass_axe(browser_context, live_server):
    _axe(open_page(browser_context, live_server + "/meldingen"))


@pytest.fixture
def tile_server():
    """A tile server on another port (another origin) that answers every tile with a PNG."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    out = io.BytesIO()
    Image.new("RGB", (256, 256), (230, 236, 228)).save(out, "PNG")
    tile = out.getvalue()

    class Tiles(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(tile)))
            self.end_headers()
            self.wfile.write(tile)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/{{z}}/{{x}}/{{y}}.png"
    server.shutdown()
    server.server_close()


def test_tiles_load_from_the_configured_server_only(
    browser_context, live_server, live_app, tile_server
):
    expect = _expect()
    api_login(browser_context, live_server, RESIDENT)
    _file_by_api(browser_context, live_server)
    live_app.config["MAP_TILE_URL"] = tile_server
    try:
        page = browser_context.pages[0] if browser_context.pages else browser_context.new_page()
        messages = []
        page.on("console", lambda message: messages.append(message.text))
        page.goto(live_server + "/meldingen")
        expect(page.locator(".leaflet-tile-loaded").first).to_be_visible()
        assert not [m for m in messages if "Content Security Policy" in m], messages
    finally:
        live_app.config["MAP_TILE_URL"] = ""
