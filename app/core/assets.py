"""Versioned static URLs, the navigation registry and template helpers."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask import Flask, current_app, request, url_for
from flask_babel import LazyString, format_currency, format_date, format_datetime, get_locale
from flask_login import current_user


@dataclass(frozen=True)
class NavItem:
    """One entry of the bottom navigation."""

    endpoint: str
    label: LazyString
    icon: str
    order: int


@cache
def _file_hash(path: Path, mtime: float) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def static_version(filename: str) -> str:
    """Return a short content hash of a static file, for cache busting."""
    path = Path(current_app.static_folder) / filename
    return _file_hash(path, path.stat().st_mtime)


def static_url(filename: str) -> str:
    """Return the versioned URL of a static file, safe to cache for a year."""
    return url_for("static", filename=filename, v=static_version(filename))


def add_nav_item(app: Flask, endpoint: str, label: LazyString, icon: str, order: int) -> None:
    """Add an entry to the bottom navigation; features call this when they register."""
    items = app.extensions.setdefault("leefbaar_nav", [])
    items.append(NavItem(endpoint, label, icon, order))
    items.sort(key=lambda item: item.order)


def add_staff_link(app: Flask, endpoint: str, label: LazyString, order: int) -> None:
    """Add a page to the staff menu in the top bar."""
    items = app.extensions.setdefault("leefbaar_staff_links", [])
    items.append(NavItem(endpoint, label, "", order))
    items.sort(key=lambda item: item.order)


def _staff_links() -> list[NavItem]:
    return current_app.extensions.get("leefbaar_staff_links", [])


def _nav_items() -> list[NavItem]:
    return current_app.extensions.get("leefbaar_nav", [])


def _is_current(item: NavItem) -> bool:
    endpoint = request.endpoint or ""
    if item.endpoint == "pages.home":
        return endpoint == "pages.home"
    return endpoint.split(".")[0] == item.endpoint.split(".")[0]


def init_assets(app: Flask) -> None:
    """Expose the helpers to templates."""
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["euros"] = format_euros
    app.jinja_env.globals.update(
        static_url=static_url,
        nav_items=_nav_items,
        staff_links=_staff_links,
        nav_is_current=_is_current,
        slot_templates=slot_templates,
        current_locale=lambda: str(get_locale()),
        viewer_key=viewer_key,
        format_date=format_date,
        format_datetime=format_datetime,
    )


def viewer_key() -> str:
    """Return an opaque key for who is looking, so cached pages are never shown to another user."""
    if not (current_user and current_user.is_authenticated):
        return "anonymous"
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, current_user.get_id().encode(), hashlib.sha256).hexdigest()[:16]


def add_slot(app: Flask, slot: str, template: str, order: int = 50) -> None:
    """Let a feature add a template section to a page owned by another feature."""
    slots = app.extensions.setdefault("leefbaar_slots", {}).setdefault(slot, [])
    slots.append((order, template))
    slots.sort()


def slot_templates(slot: str) -> list[str]:
    """Return the templates added to a slot, in order."""
    slots = current_app.extensions.get("leefbaar_slots", {})
    return [template for _, template in slots.get(slot, [])]


def format_euros(cents: int) -> str:
    """Write an amount of cents as money in the user's language: € 1.250,50."""
    whole = cents % 100 == 0
    if whole:  # "€ 1.800", not "€ 1.800,00"
        return format_currency(cents // 100, "EUR", format="¤ #,##0", currency_digits=False)
    return format_currency(cents / 100, "EUR")
