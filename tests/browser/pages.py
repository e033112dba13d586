"""Helpers of the browser tests: open a page, log in through the API, wait for the worker."""

from __future__ import annotations

DEMO_PASSWORD = "leefbaar-demo-2026"


def open_page(context, url):
    """Open url in the context's page and wait until the network is quiet."""
    page = context.pages[0] if context.pages else context.new_page()
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page


def wait_for_control(page):
    """Reload until the service worker controls the page."""
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def api_login(context, base, email):
    """Log a demo user in on this browser context (the cookies are shared with its pages)."""
    token = context.request.get(base + "/api/v1/auth/csrf").json()["csrf_token"]
    response = context.request.post(
        base + "/api/v1/auth/login",
        headers={"X-CSRFToken": token},
        data={"email": email, "password": DEMO_PASSWORD},
    )
    assert response.ok, response.text()
