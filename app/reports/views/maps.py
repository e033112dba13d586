"""Maps on report pages: Leaflet from the installed xstatic package, tiles only when configured.

Without MAP_TILE_URL no third party is ever contacted: the map shows the outlines of the
neighbourhoods and the points, on a plain background. With it, pages that show a map allow
that tile server's origin (and only it) in their Content-Security-Policy img-src.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from urllib.parse import urlsplit

import xstatic.pkg.leaflet as leaflet
from flask import (
    Blueprint,
    current_app,
    make_response,
    request,
    send_from_directory,
    url_for,
)
from sqlalchemy import select
from sqlalchemy.orm import undefer

from app.core.security import CONTENT_SECURITY_POLICY
from app.extensions import db
from app.neighbourhoods.models import Neighbourhood

log = logging.getLogger(__name__)
blueprint = Blueprint("leaflet", __name__)
IMMUTABLE = "public, max-age=31536000, immutable"
MAX_OUTLINES = 50


@blueprint.record_once
def _register(state) -> None:
    state.app.jinja_env.globals["map_settings"] = map_settings


@blueprint.get("/vendor/leaflet/<path:filename>")
def leaflet_file(filename: str):
    """Send one of Leaflet's files; versioned URLs may be kept for a year."""
    response = send_from_directory(leaflet.BASE_DIR, filename)
    versioned = request.args.get("v") == leaflet.VERSION
    # Leaflet's files hold nobody's data: the security hook keeps this also for logged-in people.
    response.headers["Cache-Control"] = IMMUTABLE if versioned else "public, max-age=86400"
    return response


def leaflet_url(filename: str) -> str:
    """Return the versioned address of one of Leaflet's files."""
    return url_for("leaflet.leaflet_file", filename=filename, v=leaflet.VERSION)


def tile_origin(tile_url: str) -> str | None:
    """Return the CSP source of a tile URL template ({s} subdomains become *), or None."""
    parts = urlsplit(tile_url)
    host = parts.netloc
    if parts.scheme not in ("https", "http") or not host or "@" in host:
        return None
    labels = host.split(".")
    if labels[0].startswith("{") and labels[0].endswith("}"):
        labels[0] = "*"
    host = ".".join(labels)
    if any(char in host for char in "{}; ,'\""):
        return None
    return f"{parts.scheme}://{host}"


def map_policy(tile_url: str) -> str:
    """Return the Content-Security-Policy of a page with a map on tiles from tile_url."""
    origin = tile_origin(tile_url) if tile_url else None
    if origin is None:
        if tile_url:
            log.warning("MAP_TILE_URL has no usable origin; map tiles stay off: %r", tile_url)
        return CONTENT_SECURITY_POLICY
    directives = [part.strip() for part in CONTENT_SECURITY_POLICY.split(";")]
    return "; ".join(f"{d} {origin}" if d.startswith("img-src ") else d for d in directives)


def shows_map(view: Callable) -> Callable:
    """Let the page load map tiles from the configured tile server (and no other)."""

    @functools.wraps(view)
    def with_policy(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        if response.mimetype == "text/html":
            response.headers["Content-Security-Policy"] = map_policy(_tile_url())
        return response

    return with_policy


def _tile_url() -> str:
    url = current_app.config.get("MAP_TILE_URL") or ""
    return url if tile_origin(url) else ""


def outlines(slug: str | None = None) -> list[dict]:
    """Return neighbourhood outlines (GeoJSON) to draw, all of them or one."""
    query = select(Neighbourhood).options(undefer(Neighbourhood.boundary))
    if slug:
        query = query.where(Neighbourhood.slug == slug)
    rows = db.session.scalars(query.order_by(Neighbourhood.name).limit(MAX_OUTLINES))
    return [{"name": n.name, "geometry": n.boundary} for n in rows if n.boundary]


def map_settings() -> dict:
    """Return what a map element needs: Leaflet's addresses and the tile server, if any."""
    tiles = _tile_url()
    host = (tile_origin(tiles) or "").partition("://")[2].removeprefix("*.")
    return {
        "js": leaflet_url("leaflet.js"),
        "css": leaflet_url("leaflet.css"),
        "tiles": tiles,
        "attribution": current_app.config["MAP_TILE_ATTRIBUTION"] or host,
    }
