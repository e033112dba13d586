"""Marshmallow fields shared by the features' schemas."""

from __future__ import annotations

from datetime import UTC

from marshmallow import fields


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
