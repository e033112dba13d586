"""`flask rounds close`: close rounds whose voting has ended (the job worker also does this)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from app.extensions import db
from app.proposals.jobs import close_rounds
from app.proposals.services import rounds

rounds_cli = AppGroup("rounds", help="Budget rounds.")


@rounds_cli.command("close")
@click.option("--round", "round_id", type=int, help="Close only this round.")
def close_command(round_id: int | None) -> None:
    """Select ideas by votes within the budget for each round whose voting has ended."""
    due = [rounds.get_round(db.session, round_id)] if round_id else rounds.due_rounds(db.session)
    db.session.rollback()  # end the read; each round is closed in its own write transaction
    for voting_round, closed in close_rounds(due):
        state = "closed" if closed else "was already closed"
        click.echo(f"Round {voting_round.id} ({voting_round.title}): {state}.")
    if not due:
        click.echo("No rounds to close.")


def init_cli(app: Flask) -> None:
    """Register `flask rounds`."""
    app.cli.add_command(rounds_cli)
