"""The installable shell: web app manifest, service worker and offline page."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Blueprint, current_app, json, make_response, render_template, url_for
from flask_babel import gettext

from app.core.assets import static_url, static_version

blueprint = Blueprint("pwa", __name__)

# Files the service worker precaches so the shell opens offline. The outbox and the report form's
# modules are here so that a saved /melden still works offline after an update of the app (the
# worker then finds a file by its name when the page names an older version).
SHELL_FILES = (
    "pwa/app.css",
    "pwa/app.js",
    "pwa/outbox.js",
    "pwa/outbox-page.js",
    "pwa/reports.js",
    "pwa/map.js",
    "pwa/icons/icon-192.png",
    "pwa/icons/icon-512.png",
    "pwa/icons/icon-maskable-512.png",
)
THEME_COLOUR = "#1d6b4f"
BACKGROUND_COLOUR = "#f6f7f4"


def shell_version() -> str:
    """Hash the shell files and the worker template: a new value makes browsers update."""
    digest = hashlib.sha256()
    for name in SHELL_FILES:
        digest.update(static_version(name).encode())
    worker = Path(current_app.template_folder) / "pwa" / "sw.js"
    digest.update(worker.read_bytes())
    digest.update(current_app.config["PWA_VERSION_SALT"].encode())
    return digest.hexdigest()[:12]


@blueprint.get("/manifest.webmanifest")
def manifest():
    """Serve the web app manifest."""
    icons = [
        {"src": static_url("pwa/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static_url("pwa/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": static_url("pwa/icons/icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ]
    body = {
        "id": "/",
        "name": "Leefbaar",
        "short_name": "Leefbaar",
        "description": gettext("Together for a clean, intact, safe and pleasant neighbourhood."),
        "lang": "nl",
        "start_url": "/?bron=app",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": icons,
    }
    response = make_response(json.dumps(body, ensure_ascii=False))
    response.mimetype = "application/manifest+json"
    response.headers["Cache-Control"] = "no-cache"
    return response


@blueprint.get("/sw.js")
def service_worker():
    """Serve the service worker at the root scope, never cached by the HTTP cache."""
    precache = [url_for("pwa.offline"), *(static_url(name) for name in SHELL_FILES)]
    script = render_template("pwa/sw.js", version=shell_version(), precache=json.dumps(precache))
    response = make_response(script)
    response.mimetype = "text/javascript"
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@blueprint.get("/offline")
def offline():
    """Show what the app can do while there is no connection."""
    return render_template("offline.html")
