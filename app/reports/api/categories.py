"""Report categories: everyone reads them; admins add and change them."""

from __future__ import annotations

from marshmallow import Schema, fields

from app.accounts.auth import current_viewer, require_staff, staff_required
from app.core.db import commit
from app.extensions import db
from app.reports.api import blp
from app.reports.present import category_json
from app.reports.schemas import CategoryCreateSchema, CategorySchema, CategoryUpdateSchema
from app.reports.services import categories as services


class CategoryQuerySchema(Schema):
    """Admins may ask for inactive categories too."""

    include_inactive = fields.Boolean(load_default=False)


CategoryList = Schema.from_dict(
    {"items": fields.List(fields.Nested(CategorySchema))}, name="CategoryList"
)


@blp.get("/report-categories")
@blp.arguments(CategoryQuerySchema, location="query")
@blp.response(200, CategoryList)
def list_categories(query):
    """List what can be reported, with each category's questions."""
    viewer = current_viewer()
    everything = query["include_inactive"] and viewer is not None and viewer.is_staff
    categories = services.list_categories(db.session, include_inactive=everything)
    return {"items": [category_json(category) for category in categories]}


@blp.post("/report-categories")
@staff_required  # before the body is parsed: outsiders learn nothing from validation
@blp.arguments(CategoryCreateSchema)
@blp.response(201, CategorySchema)
def create_category(data):
    """Add a category (admins, and staff of the whole corporation)."""
    category = services.create_category(db.session, require_staff(), data)
    commit(db.session)
    return category_json(category)


@blp.patch("/report-categories/<code>")
@staff_required
@blp.arguments(CategoryUpdateSchema)
@blp.response(200, CategorySchema)
def update_category(data, code):
    """Change a category (admins, and staff of the whole corporation); the code stays."""
    category = services.get_category(db.session, code, active_only=False)
    services.update_category(db.session, require_staff(), category, data)
    commit(db.session)
    return category_json(category)
