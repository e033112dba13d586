"""GET /media/<id>/<variant>: serve stored photos to the people allowed to see them.

Core knows no owners, so each feature registers a rule for its owner type:
`rule(session, viewer, owner_id)` returns "public" (anyone, also anonymous visitors, may see
it), "private" (only some people, the viewer among them) or None (the viewer may not see it).
Whatever is refused or missing is a 404, so a URL never reveals that a photo exists.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, Literal

from flask import Blueprint, Flask, Response
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy.orm import Session

from app.core.errors import NotFound
from app.core.storage import MissingFile, get_storage
from app.core.uploads import VARIANTS, Photo, photo_file_key
from app.extensions import db

Visibility = Literal["public", "private"]
AccessRule = Callable[[Session, Any, int], Visibility | None]

# Public photos never change under their URL (a new photo gets a new id): browsers and shared
# caches may keep them. When the viewer is logged in the response carries their session
# cookie, so only the browser may keep it.
PUBLIC_CACHE = "public, max-age=31536000, immutable"
PUBLIC_CACHE_LOGGED_IN = "private, max-age=31536000, immutable"
PRIVATE_CACHE = "private, no-store"
# A photo opened on its own must not be able to run anything, even if a browser sniffed it.
MEDIA_CSP = "default-src 'none'; sandbox"

blueprint = Blueprint("media", __name__)
_rules: dict[str, AccessRule] = {}


def register_media_access(owner_type: str, rule: AccessRule) -> None:
    """Let a feature decide who may see the photos of its owner type."""
    _rules[owner_type] = rule


def _viewer() -> Any:
    # Core may not import accounts; Flask-Login's proxy gives the same user object.
    return current_user._get_current_object() if current_user.is_authenticated else None


def _not_found() -> NotFound:
    return NotFound(gettext("We could not find this photo."))


def _visibility(session: Session, photo: Photo | None, viewer: Any) -> Visibility | None:
    if photo is None:
        return None
    rule = _rules.get(photo.owner_type)
    return rule(session, viewer, photo.owner_id) if rule is not None else None


@blueprint.get("/media/<uuid:photo_id>/<variant>")
def photo(photo_id: uuid.UUID, variant: str):
    """Send one version of a photo, if the viewer may see it."""
    if variant not in VARIANTS:
        raise _not_found()
    viewer = _viewer()
    found = db.session.get(Photo, photo_id)
    visibility = _visibility(db.session, found, viewer)
    if visibility not in ("public", "private"):
        raise _not_found()
    try:
        data = get_storage().get(photo_file_key(found.storage_key, variant))
    except MissingFile:
        raise _not_found() from None
    response = Response(data, mimetype=found.content_type)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = MEDIA_CSP
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    if visibility == "private":
        cache_control = PRIVATE_CACHE
    else:
        cache_control = PUBLIC_CACHE_LOGGED_IN if viewer else PUBLIC_CACHE
    response.headers["Cache-Control"] = cache_control
    return response


def init_media(app: Flask) -> None:
    """Serve /media/ on the app."""
    app.register_blueprint(blueprint)
