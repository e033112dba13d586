"""`flask volunteering remind`: send the shift reminders that are due (the job worker does too)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from app.volunteering.jobs import remind_due_shifts

volunteering_cli = AppGroup("volunteering", help="Volunteering: activities and shifts.")


@volunteering_cli.command("remind")
def remind_command() -> None:
    """Signal the reminders due 24 hours and 2 hours before shifts, each one once."""
    sent = remind_due_shifts()
    click.echo(f"Shift reminders sent: {sent}.")


def init_cli(app: Flask) -> None:
    """Register `flask volunteering`."""
    app.cli.add_command(volunteering_cli)
