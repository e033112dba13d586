"""Marshmallow fields shared by the features' schemas."""

from __future__ import annotations

from datetime import UTC

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate


class Trimmed(fields.String):
    """A string with surrounding white space removed; blank counts as missing when required."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        text = " ".join(text.split()) if self.metadata.get("collapse") else text.strip()
        if not text and self.required:
            raise self.make_error("required")
        return text


class StrictInteger(fields.Integer):
    """A JSON integer: "12", 1.5 and true are refused rather than converted."""

    def __init__(self, **kwargs) -> None:
        super().__init__(strict=True, **kwargs)

    def _validated(self, value):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._validated(value)


def moment(**kwargs) -> fields.AwareDateTime:
    """Return an ISO 8601 date-time field; a time without a zone is taken as UTC."""
    return fields.AwareDateTime(default_timezone=UTC, **kwargs)


def text(minimum: int | None = None, maximum: int | None = None) -> validate.Length:
    """Return a length check of typed text, with its message in the reader's language."""
    if minimum is None:
        return validate.Length(max=maximum, error=_l("Write at most {max} characters."))
    return validate.Length(minimum, maximum, error=_l("Write {min} to {max} characters."))


def between(minimum: float, maximum: float) -> validate.Range:
    """Return a range check of a number, with its message in the reader's language."""
    return validate.Range(minimum, maximum, error=_l("Give a number from {min} to {max}."))
