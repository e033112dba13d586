"""Marshmallow schemas of the proposals API, one module per area."""
