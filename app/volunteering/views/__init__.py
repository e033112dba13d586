"""Pages of volunteering."""

from flask import Flask


def init_views(app: Flask) -> None:
    """Register the volunteering pages (filled in this session)."""
