"""Input and output schemas of the accounts API."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from app.core.fields import Trimmed

NAME_LENGTH = validate.Length(1, 80, error=_l("Use 1 to 80 characters."))
LANGUAGE = validate.OneOf(("nl", "en"), error=_l("Must be one of: nl, en."))


class CsrfSchema(Schema):
    """A CSRF token for the X-CSRFToken header."""

    csrf_token = fields.String()


class RegisterSchema(Schema):
    """Create an account."""

    email = Trimmed(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, validate=validate.Length(max=1024))
    display_name = Trimmed(required=True, validate=NAME_LENGTH, metadata={"collapse": True})
    language = fields.String(validate=LANGUAGE)


class LoginSchema(Schema):
    """Log in with e-mail address and password."""

    email = Trimmed(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, validate=validate.Length(max=1024))


class AcceptedSchema(Schema):
    """A request was accepted; what happens next is told in words."""

    detail = fields.String()


class PasswordResetRequestSchema(Schema):
    """Ask for a password reset link."""

    email = Trimmed(required=True, validate=validate.Length(max=254))


class PasswordResetSchema(Schema):
    """Set a new password with a reset link."""

    password = fields.String(required=True, validate=validate.Length(max=1024))


class PasswordChangeSchema(Schema):
    """Change the password while logged in."""

    current_password = fields.String(required=True, validate=validate.Length(max=1024))
    new_password = fields.String(required=True, validate=validate.Length(max=1024))


class MeUpdateSchema(Schema):
    """Edit one's own profile; only the fields sent change."""

    display_name = Trimmed(validate=NAME_LENGTH, metadata={"collapse": True})
    language = fields.String(validate=LANGUAGE)
    home_neighbourhood = fields.String(allow_none=True, validate=validate.Length(max=80))


class MeSchema(Schema):
    """The logged-in user's own account."""

    id = fields.Integer()
    email = fields.String()
    display_name = fields.String()
    role = fields.String()
    verified = fields.Boolean()
    language = fields.String()
    home_neighbourhood = fields.Function(
        lambda user: user.home_neighbourhood.slug if user.home_neighbourhood else None
    )
    household = fields.Function(
        lambda user: user.household.address_line if user.household else None
    )
    created_at = fields.DateTime()
