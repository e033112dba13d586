"""The flask-smorest Api, its problem-document error schema and cursor pagination."""

from __future__ import annotations

import http
from collections.abc import Sequence
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from itsdangerous import BadData, URLSafeSerializer
from marshmallow import Schema, fields, validate
from sqlalchemy import Select, tuple_

from app.core.errors import RuleViolation
from app.core.problems import PROBLEM_MIMETYPE

MAX_PAGE_SIZE = 100


class ProblemSchema(Schema):
    """RFC 9457 problem document, as every API error is answered."""

    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    errors = fields.Dict()
    request_id = fields.String()


class LeefbaarApi(Api):
    """Api whose errors are problem documents, and whose OpenAPI document is built when read.

    Documenting the views (apispec resolving every schema) took about half of create_app();
    the routes are registered at once, their documentation the first time `spec` is read
    (GET /api/v1/openapi.json, the API reference page).
    """

    ERROR_SCHEMA = ProblemSchema

    @property
    def spec(self):
        """Return the OpenAPI spec, with every blueprint registered so far documented in it."""
        pending, self._pending_docs = self._pending_docs, []
        for app, blueprint, name, parameters in pending:
            blueprint.register_views_in_doc(self, app, self._spec, name=name, parameters=parameters)
            self._spec.tag({"name": name, "description": blueprint.description})
        return self._spec

    @spec.setter
    def spec(self, value) -> None:
        self._spec, self._pending_docs = value, []

    def register_blueprint(self, blp, *, parameters=None, **options):
        """Register a blueprint's routes now and its documentation when the spec is read."""
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        self._pending_docs.append((self._app, blp, name, parameters))

    def _register_error_handlers(self):
        """Leave error handling to app.core.errors, which knows HTML from API requests."""

    def _register_responses(self):
        """Document every error response as an application/problem+json document."""
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_MIMETYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Problem document (RFC 9457)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_MIMETYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


class PageQuerySchema(Schema):
    """Query parameters of every paginated list."""

    class Meta:
        ordered = True

    cursor = fields.String(load_default=None)
    limit = fields.Integer(
        load_default=20,
        validate=validate.Range(1, MAX_PAGE_SIZE, error=_l("Choose a limit from 1 to 100.")),
    )


def page_schema(item_schema: type[Schema], name: str) -> type[Schema]:
    """Return a schema for {"items": [...], "next_cursor": ...} of the given items."""
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item_schema)),
            "next_cursor": fields.String(allow_none=True),
        },
        name=name,
    )


def _cursor_signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="page-cursor")


def encode_cursor(values: Sequence[Any]) -> str:
    """Return an opaque page cursor holding the sort key values of the last item."""
    # Signed, so the values we bind into the next query are always the ones we produced.
    return _cursor_signer().dumps(list(values))


def decode_cursor(cursor: str, size: int) -> list[Any]:
    """Return the values of a cursor made by encode_cursor, or raise RuleViolation."""
    try:
        values = _cursor_signer().loads(cursor)
    except BadData:
        values = None
    if not isinstance(values, list) or len(values) != size:
        raise RuleViolation(
            str(_l("This page link is no longer valid.")),
            errors={"cursor": [str(_l("Unknown cursor."))]},
        )
    return values


def paginate(
    session,
    query: Select,
    keys: Sequence,
    cursor: str | None,
    limit: int,
    *,
    descending: bool = False,
) -> dict:
    """Return one page of query ordered by the unique key columns, after the cursor.

    With descending=True every key sorts from high to low (newest, most votes first).
    """
    query = query.order_by(*(key.desc() for key in keys) if descending else keys)
    if cursor:
        after = tuple_(*decode_cursor(cursor, len(keys)))
        query = query.where(tuple_(*keys) < after if descending else tuple_(*keys) > after)
    rows = list(session.scalars(query.limit(limit + 1)))
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_cursor([getattr(last, key.key) for key in keys])
    return {"items": rows, "next_cursor": next_cursor}
