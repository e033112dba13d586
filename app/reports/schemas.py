"""Input and output schemas of report categories and reports."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.core.api import PageQuerySchema
from app.core.fields import StrictInteger, Trimmed
from app.core.themes import Theme
from app.reports.models import Status
from app.reports.services.categories import DATATYPES

THEMES = validate.OneOf([t.value for t in Theme], error=_l("Choose one of the five themes."))
STATUSES = validate.OneOf([s.value for s in Status], error=_l("This status does not exist."))


class ValueSchema(Schema):
    """One option of a list question."""

    key = fields.String(required=True, validate=validate.Length(1, 40))
    name_nl = fields.String(required=True, validate=validate.Length(1, 80))
    name_en = fields.String(required=True, validate=validate.Length(1, 80))


class QuestionSchema(Schema):
    """An extra question of a category (an Open311 service attribute)."""

    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]{0,39}$"))
    datatype = fields.String(required=True, validate=validate.OneOf(DATATYPES))
    required = fields.Boolean(load_default=False)
    label_nl = fields.String(required=True, validate=validate.Length(1, 200))
    label_en = fields.String(required=True, validate=validate.Length(1, 200))
    values = fields.List(fields.Nested(ValueSchema), load_default=list)

    @validates_schema
    def _lists_have_values(self, data, **kwargs):
        if data["datatype"].endswith("valuelist") and not data.get("values"):
            raise ValidationError(_l("A list question needs options."), "values")


class CategoryUpdateSchema(Schema):
    """Change a category (admins); only the fields sent change."""

    name_nl = Trimmed(validate=validate.Length(1, 80))
    name_en = Trimmed(validate=validate.Length(1, 80))
    theme = fields.String(validate=THEMES)
    icon = fields.String(validate=validate.Regexp(r"^[a-z0-9-]{1,40}$"))
    private = fields.Boolean()
    questions = fields.List(fields.Nested(QuestionSchema))
    handling_days = StrictInteger(validate=validate.Range(1, 365))
    nearby_metres = StrictInteger(validate=validate.Range(5, 2000))
    active = fields.Boolean()
    position = StrictInteger(validate=validate.Range(0, 10_000))


class CategoryCreateSchema(CategoryUpdateSchema):
    """Add a category (admins)."""

    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_-]{1,39}$"))
    name_nl = Trimmed(required=True, validate=validate.Length(1, 80))
    name_en = Trimmed(required=True, validate=validate.Length(1, 80))
    theme = fields.String(required=True, validate=THEMES)


class CategoryBriefSchema(Schema):
    """What a report says about its category."""

    code = fields.String()
    name = fields.String()
    theme = fields.String()
    icon = fields.String()
    private = fields.Boolean()


class CategorySchema(CategoryBriefSchema):
    """A category as residents and partners see it, with its questions."""

    handling_days = fields.Integer()
    questions = fields.List(fields.Dict())
    active = fields.Boolean()


class ReportCreateSchema(Schema):
    """A new report: JSON, or the fields of a multipart form (photos come as files)."""

    category = fields.String(required=True, validate=validate.Length(1, 40))
    description = Trimmed(required=True, validate=validate.Length(1, 4000))
    lat = fields.Float(allow_none=True, validate=validate.Range(-90, 90))
    lon = fields.Float(allow_none=True, validate=validate.Range(-180, 180))
    complex = StrictInteger(allow_none=True)
    neighbourhood = fields.String(validate=validate.Length(1, 80))
    attributes = fields.Dict(keys=fields.String(), load_default=dict)

    @validates_schema
    def _both_or_neither(self, data, **kwargs):
        if (data.get("lat") is None) != (data.get("lon") is None):
            raise ValidationError(_l("Give both latitude and longitude."), "lon")


class ReportQuerySchema(PageQuerySchema):
    """Filters of the report list."""

    mine = fields.Boolean(load_default=False)
    assigned_to_me = fields.Boolean(load_default=False)
    neighbourhood = fields.String(validate=validate.Length(1, 80))
    status = fields.List(fields.String(validate=STATUSES))
    category = fields.String(validate=validate.Length(1, 40))


class NearbyQuerySchema(Schema):
    """A point and a category, to find reports of the same thing nearby."""

    lat = fields.Float(required=True, validate=validate.Range(-90, 90))
    lon = fields.Float(required=True, validate=validate.Range(-180, 180))
    category = fields.String(required=True, validate=validate.Length(1, 40))


class StatusChangeSchema(Schema):
    """A staff member moves a report on, with a note for the reporter or for staff only."""

    status = fields.String(required=True, validate=STATUSES)
    note = Trimmed(load_default="", validate=validate.Length(max=2000))
    public = fields.Boolean(load_default=True)
    expected_on = fields.Date(allow_none=True)
    duplicate_of = StrictInteger(allow_none=True)
    referred_to = Trimmed(validate=validate.Length(max=120))


class AssignSchema(Schema):
    """Give a report to a staff member and/or a contractor."""

    assignee = StrictInteger(allow_none=True)
    contractor = Trimmed(load_default="", validate=validate.Length(max=120))


class ReopenSchema(Schema):
    """Why the reporter reopens a report."""

    reason = Trimmed(required=True, validate=validate.Length(1, 2000))


class FeedbackSchema(Schema):
    """The reporter's verdict on the fix."""

    fixed = fields.Boolean(required=True)
    satisfaction = StrictInteger(required=True, validate=validate.Range(1, 5))
    remark = Trimmed(load_default="", validate=validate.Length(max=2000))


class PhotoSchema(Schema):
    """A photo's addresses."""

    id = fields.String()
    url = fields.String()
    thumbnail_url = fields.String()


class UpdateSchema(Schema):
    """One step on a report's timeline."""

    status = fields.String(allow_none=True)
    status_label = fields.String(allow_none=True)
    note = fields.String()
    public = fields.Boolean()
    author = fields.String(allow_none=True)  # staff only; residents see "housing corporation"
    created_at = fields.DateTime()


class ReportSchema(Schema):
    """A report as the viewer may see it (reporter's name and internal notes: staff only)."""

    id = fields.Integer()
    status = fields.String()
    status_label = fields.String()
    category = fields.Nested(CategoryBriefSchema)
    description = fields.String()
    private = fields.Boolean()
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)
    neighbourhood = fields.String(allow_none=True)
    answers = fields.Dict()
    photos = fields.List(fields.Nested(PhotoSchema))
    expected_on = fields.Date(allow_none=True)
    duplicate_of = fields.Integer(allow_none=True)
    referred_to = fields.String()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    mine = fields.Boolean()
    following = fields.Boolean()
    can_reopen = fields.Boolean()
    can_give_feedback = fields.Boolean()
    updates = fields.List(fields.Nested(UpdateSchema))
    reporter = fields.String(allow_none=True)
    assignee = fields.Integer(allow_none=True)
    contractor = fields.String()
    distance_m = fields.Integer()
