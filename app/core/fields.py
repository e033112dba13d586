"""Marshmallow fields shared by the features' schemas."""

from __future__ import annotations

from marshmallow import fields


class Trimmed(fields.String):
    """A string with surrounding white space removed; blank counts as missing when required."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        text = " ".join(text.split()) if self.metadata.get("collapse") else text.strip()
        if not text and self.required:
            raise self.make_error("required")
        return text
