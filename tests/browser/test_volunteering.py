"""Volunteering pages in Chromium: one-tap signup on a phone, QR check-in, accessibility (axe)."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import Role, User
from app.accounts.services import create_user
from app.core.db import commit, utcnow
from app.extensions import db
from app.volunteering.models import Activity
from app.volunteering.services import activities, signups, tokens
from tests.browser.pages import api_login, open_page
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
RESIDENT, NEIGHBOUR, STAFF = (
    "bewoner@demo.leefbaar.nl",
    "buur@demo.leefbaar.nl",
    "medewerker@demo.leefbaar.nl",
)


def _axe(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def _expect():
    from playwright.sync_api import expect

    return expect


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _activity_id(live_app, title: str) -> int:
    with live_app.app_context():
        return db.session.scalar(select(Activity.id).where(Activity.title == title))


@pytest.fixture
def shift_today(live_app):
    """A shift in two hours run by the neighbour, with a new volunteer on it: (shift id, code)."""
    with live_app.app_context():
        organiser = _user(NEIGHBOUR)
        volunteer = create_user(
            db.session,
            email=f"{uuid.uuid4().hex[:12]}@example.com",
            password=PASSWORD,
            display_name="Ayse Yilmaz",
            role=Role.RESIDENT,
        )
        start = utcnow().replace(microsecond=0) + timedelta(hours=2)
        activity = activities.create_activity(
            db.session,
            _user(STAFF),
            {
                "title": "Bankjes schilderen",
                "description": "We schilderen de bankjes bij de speeltuin.",
                "neighbourhood": "korte-akkeren",
                "theme": "heel",
                "location": "Speeltuin Akkerplein",
                "organisers": [organiser.id],
                "shifts": [
                    {"starts_at": start, "ends_at": start + timedelta(hours=2), "capacity": 4}
                ],
            },
        )
        shift_id = activity.shifts[0].id
        signups.sign_up(db.session, volunteer, shift_id)
        commit(db.session)
        return shift_id, tokens.pass_token(volunteer)


def test_a_neighbour_signs_up_with_one_tap_on_a_small_phone(browser_context, live_server, live_app):
    expect = _expect()
    activity_id = _activity_id(live_app, "Opruimdag Korte Akkeren")
    api_login(browser_context, live_server, NEIGHBOUR)
    page = open_page(browser_context, f"{live_server}/activiteiten/{activity_id}")
    shift = page.locator(".shift").nth(1)
    shift.locator("form[action$='/aanmelden'] button").click()
    page.wait_for_url(re.compile(r"/activiteiten/\d+#dienst-\d+$"))
    expect(page.locator("main .notice[role=status]")).to_be_visible()
    expect(shift.locator(".my-status")).to_be_visible()
    expect(shift.locator("form[action$='/afmelden'] button")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_visitor_is_asked_to_log_in_to_sign_up(browser_context, live_server, live_app):
    activity_id = _activity_id(live_app, "Opruimdag Korte Akkeren")
    page = open_page(browser_context, f"{live_server}/activiteiten/{activity_id}")
    page.locator(".shift a[href*='/inloggen?next=']").first.click()
    page.wait_for_url(re.compile(r"/inloggen\?next=/activiteiten/\d+"))


def test_the_organiser_checks_a_volunteer_in_by_scanning_the_qr_code(
    browser_context, live_server, shift_today
):
    """The camera and the barcode reader are faked in the page: they answer with the code."""
    expect = _expect()
    shift_id, code = shift_today
    browser_context.add_init_script(
        f"""
        window.BarcodeDetector = class {{
          static async getSupportedFormats() {{ return ["qr_code"]; }}
          async detect() {{ return [{{ rawValue: {code!r} }}]; }}
        }};
        navigator.mediaDevices.getUserMedia = async () => {{
          const canvas = document.createElement("canvas");
          canvas.getContext("2d").fillRect(0, 0, 10, 10);
          return canvas.captureStream();
        }};
        """
    )
    api_login(browser_context, live_server, NEIGHBOUR)
    page = open_page(browser_context, f"{live_server}/activiteiten/diensten/{shift_id}/inchecken")
    expect(page.locator(".person.is-checked-in")).to_have_count(0)
    page.locator("[data-scan]").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator(".person.is-checked-in")).to_have_count(1)
    expect(page.locator(".check-in-count")).to_contain_text("1")


def test_without_a_barcode_reader_the_scan_button_stays_hidden(
    browser_context, live_server, shift_today
):
    shift_id, _ = shift_today
    browser_context.add_init_script("delete window.BarcodeDetector;")
    api_login(browser_context, live_server, NEIGHBOUR)
    page = open_page(browser_context, f"{live_server}/activiteiten/diensten/{shift_id}/inchecken")
    _expect()(page.locator("[data-scan]")).to_be_hidden()
    _expect()(page.locator("#code")).to_be_visible()


def test_the_activity_list_passes_axe(browser_context, live_server):
    _axe(open_page(browser_context, live_server + "/activiteiten"))


@pytest.mark.parametrize("email", [None, RESIDENT, NEIGHBOUR])
def test_the_activity_page_passes_axe(browser_context, live_server, live_app, email):
    if email:
        api_login(browser_context, live_server, email)
    activity_id = _activity_id(live_app, "Koffieochtend voor buren")
    _axe(open_page(browser_context, f"{live_server}/activiteiten/{activity_id}"))


def test_my_volunteering_passes_axe(browser_context, live_server):
    api_login(browser_context, live_server, RESIDENT)
    page = open_page(browser_context, live_server + "/account/vrijwilligerswerk")
    page.locator("form[action$='/agenda'] button").first.click()
    page.wait_for_load_state("networkidle")
    _expect()(page.locator("#calendar-url")).to_be_visible()
    _axe(page)


def test_the_check_in_page_passes_axe(browser_context, live_server, shift_today):
    shift_id, _ = shift_today
    api_login(browser_context, live_server, NEIGHBOUR)
    page = open_page(browser_context, f"{live_server}/activiteiten/diensten/{shift_id}/inchecken")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    _axe(page)


@pytest.mark.parametrize("path", ["/activiteiten/nieuw", "/activiteiten/{id}/bewerken"])
def test_the_organiser_forms_pass_axe(browser_context, live_server, live_app, path):
    api_login(browser_context, live_server, STAFF)
    activity_id = _activity_id(live_app, "Opruimdag Korte Akkeren")
    _axe(open_page(browser_context, live_server + path.format(id=activity_id)))
