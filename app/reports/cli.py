"""`flask reports seed-categories`: add the standard Dutch report categories."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from app.core.db import commit, write_intent
from app.extensions import db
from app.reports.catalogue import seed_categories

reports_cli = AppGroup("reports", help="Report categories and reports.")


@reports_cli.command("seed-categories")
def seed_categories_command() -> None:
    """Add the standard categories that are missing; existing ones stay as they are."""
    with write_intent():
        added = seed_categories(db.session)
        commit(db.session)
    click.echo(f"{added} categories added.")


def init_cli(app: Flask) -> None:
    """Register the reports commands."""
    app.cli.add_command(reports_cli)
