"""Input and output schemas of the neighbourhoods API."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, post_load, validate, validates

from app.core.fields import Trimmed

POSTCODE = re.compile(r"^([1-9][0-9]{3}) ?([A-Z]{2})$")
ADDITION = re.compile(r"^[A-Z0-9]{0,10}$")
MAX_IMPORT_ROWS = 5000
MAX_BOUNDARY_POINTS = 20_000


def normalize_postcode(value: str) -> str:
    """Return a Dutch postcode as '1234AB', or raise ValidationError."""
    match = POSTCODE.match(value.strip().upper())
    if not match or match.group(2) in ("SA", "SD", "SS"):
        raise ValidationError(str(_l("Enter a Dutch postcode, like 1234 AB.")))
    return match.group(1) + match.group(2)


def _check_position(position) -> None:
    if (
        not isinstance(position, list)
        or len(position) not in (2, 3)
        or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in position)
        or not (-180 <= position[0] <= 180 and -90 <= position[1] <= 90)
    ):
        raise ValidationError(str(_l("Each point must be [longitude, latitude].")))


def _check_polygon(rings) -> int:
    if not isinstance(rings, list) or not rings:
        raise ValidationError(str(_l("A polygon needs at least one ring.")))
    points = 0
    for ring in rings:
        if not isinstance(ring, list) or len(ring) < 4 or ring[0] != ring[-1]:
            raise ValidationError(str(_l("Each ring needs 4 or more points and must be closed.")))
        for position in ring:
            _check_position(position)
        points += len(ring)
    return points


def validate_boundary(value: dict) -> None:
    """Accept a GeoJSON Polygon or MultiPolygon geometry in WGS 84."""
    kind, coordinates = value.get("type"), value.get("coordinates")
    if kind == "Polygon":
        points = _check_polygon(coordinates)
    elif kind == "MultiPolygon" and isinstance(coordinates, list) and coordinates:
        points = sum(_check_polygon(polygon) for polygon in coordinates)
    else:
        raise ValidationError(str(_l("Give a GeoJSON Polygon or MultiPolygon.")))
    if points > MAX_BOUNDARY_POINTS:
        raise ValidationError(str(_l("This boundary has too many points.")))


class WholeNumber(fields.Integer):
    """An integer sent as a number or as digits (CSV); 1.5 is refused, not cut down to 1."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class NeighbourhoodCreateSchema(Schema):
    """Add a neighbourhood."""

    name = Trimmed(required=True, validate=validate.Length(2, 80), metadata={"collapse": True})
    description = Trimmed(validate=validate.Length(max=5000))
    boundary = fields.Dict(allow_none=True, validate=validate_boundary)
    focus = fields.Boolean()
    focus_reason = Trimmed(validate=validate.Length(max=1000))


class NeighbourhoodUpdateSchema(NeighbourhoodCreateSchema):
    """Change a neighbourhood; only the fields sent change. The slug stays."""

    name = Trimmed(validate=validate.Length(2, 80), metadata={"collapse": True})


class ComplexSchema(Schema):
    """A complex in a neighbourhood."""

    id = fields.Integer()
    name = fields.String()


class NeighbourhoodSchema(Schema):
    """A neighbourhood as anyone may see it."""

    slug = fields.String()
    name = fields.String()
    description = fields.String()
    focus = fields.Boolean()
    focus_reason = fields.String()
    boundary = fields.Dict(allow_none=True)
    complexes = fields.List(fields.Nested(ComplexSchema))


class HouseholdRowSchema(Schema):
    """One home to import."""

    street = Trimmed(required=True, validate=validate.Length(1, 120), metadata={"collapse": True})
    number = WholeNumber(required=True, validate=validate.Range(1, 99999))
    addition = Trimmed(load_default="", validate=validate.Length(max=10))
    postcode = fields.String(required=True)
    city = Trimmed(required=True, validate=validate.Length(1, 80), metadata={"collapse": True})
    complex = Trimmed(load_default=None, allow_none=True, validate=validate.Length(max=120))

    @validates("postcode")
    def _postcode(self, value: str, **kwargs) -> None:
        normalize_postcode(value)

    @validates("addition")
    def _addition(self, value: str, **kwargs) -> None:
        if not ADDITION.match(value.upper()):
            raise ValidationError(str(_l("Use up to 10 letters or digits, like A or 2.")))

    @post_load
    def _normalize(self, data: dict, **kwargs) -> dict:
        data["postcode"] = normalize_postcode(data["postcode"])
        data["addition"] = data["addition"].upper()
        data["complex"] = data.get("complex") or None
        return data


class HouseholdImportSchema(Schema):
    """A batch of homes; all are added or none."""

    households = fields.List(
        fields.Nested(HouseholdRowSchema),
        required=True,
        validate=validate.Length(1, MAX_IMPORT_ROWS, error=_l("Send 1 to 5000 homes at a time.")),
    )


class HouseholdSchema(Schema):
    """A home, as staff see it."""

    id = fields.Integer()
    street = fields.String()
    number = fields.Integer()
    addition = fields.String()
    postcode = fields.String()
    city = fields.String()
    address = fields.String(attribute="address_line")
    neighbourhood = fields.Function(lambda household: household.neighbourhood.slug)
    complex = fields.Function(lambda h: h.complex.name if h.complex else None)


class HouseholdListSchema(Schema):
    """The result of an import."""

    items = fields.List(fields.Nested(HouseholdSchema))


class InviteCodeSchema(Schema):
    """A fresh invite code, shown once so it can be printed on a letter."""

    code = fields.String()
    household_id = fields.Integer()
    address = fields.String()
    expires_at = fields.DateTime()


class VerifySchema(Schema):
    """An invite code typed by a resident."""

    code = Trimmed(required=True, validate=validate.Length(4, 20))
