"""Read a new report from JSON or from a multipart form with photos."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from flask import Request, request, session
from flask_babel import gettext
from marshmallow import ValidationError

from app.core.errors import RuleViolation, Unauthenticated
from app.core.uploads import prepare_photos
from app.reports.schemas import ReportCreateSchema

ATTRIBUTE = re.compile(r"attribute\[([A-Za-z0-9_]{1,40})\](\[\])?")
MULTIPART = "multipart/form-data"


def _form_fields(request: Request) -> dict:
    """Return the form's fields as the JSON body would have them (attribute[code] → dict)."""
    raw: dict = {}
    attributes: dict = {}
    for key in request.form:
        values = [value for value in request.form.getlist(key) if value != ""]
        match = ATTRIBUTE.fullmatch(key)
        if match:
            if values:
                attributes[match[1]] = values if match[2] or len(values) > 1 else values[0]
        elif values:
            raw[key] = values[0]
    if str(raw.get("complex", "")).isdigit():
        raw["complex"] = int(raw["complex"])
    raw["attributes"] = attributes
    return raw


def report_input(request: Request) -> dict:
    """Return the validated fields of a new report, from JSON or a form (photos aside)."""
    if request.mimetype == MULTIPART:
        raw = _form_fields(request)
        unexpected = set(request.files) - {"photos"}
        if unexpected:
            raise RuleViolation(
                gettext("Send photos in the field “photos”."),
                errors={name: [gettext("Unknown field.")] for name in unexpected},
            )
    else:
        raw = request.get_json(silent=True)
        if not isinstance(raw, dict):
            raise RuleViolation(
                gettext("Send the report as a JSON object or as a form."),
                errors={"json": [gettext("Expected a JSON object.")]},
            )
    try:
        return ReportCreateSchema().load(raw)
    except ValidationError as error:
        raise RuleViolation(
            gettext("Some of what you entered is not valid."), errors=error.messages
        ) from None


def photos_first(view: Callable) -> Callable:
    """Process uploaded photos before the request touches the database; pass them as `photos`.

    Decoding and resizing take a while; done first, they never hold SQLite's write lock (taken
    when a write request loads the user) or a PostgreSQL row lock. Visitors without a login
    cookie are turned away before any work; the real login check follows in the view.
    """

    @functools.wraps(view)
    def prepared(*args, **kwargs):
        if "_user_id" not in session:
            raise Unauthenticated(gettext("You need to log in to do this."))
        files = request.files.getlist("photos") if request.mimetype == MULTIPART else []
        photos = prepare_photos([file for file in files if file.filename])
        return view(*args, photos=photos, **kwargs)

    return prepared
