"""`flask open311 create-key NAME`, `revoke-key NAME` and `list-keys`: partners' API keys."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from app.core.db import commit, write_intent
from app.core.errors import DomainError
from app.extensions import db
from app.open311 import services

open311_cli = AppGroup("open311", help="API keys of Open311 partners.")


@open311_cli.command("create-key")
@click.argument("name")
@click.option("--replace", is_flag=True, help="Give an existing partner a new key.")
@write_intent()
def create_key(name: str, replace: bool) -> None:
    """Create a partner's API key and print it; only its hash is kept."""
    try:
        key, replaced = services.create_key(db.session, name, replace=replace)
        commit(db.session)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(key)
    what = "replaces the old one" if replaced else "is shown only this once"
    click.echo(f"API key for {name.strip()}: keep it safe, it {what}.", err=True)


@open311_cli.command("revoke-key")
@click.argument("name")
@write_intent()
def revoke_key(name: str) -> None:
    """Stop a partner's API key from working; its reports stay attributed to it."""
    try:
        revoked = services.revoke_key(db.session, name)
        commit(db.session)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"The key of {name} is revoked." if revoked else f"{name} had no valid key.")


@open311_cli.command("list-keys")
def list_keys() -> None:
    """List the partners and whether their keys work."""
    for partner in services.list_partners(db.session):
        state = f"revoked {partner.revoked_at:%Y-%m-%d}" if partner.revoked_at else "active"
        click.echo(f"{partner.name}\t{state}\tcreated {partner.created_at:%Y-%m-%d}")


def init_cli(app: Flask) -> None:
    """Register the Open311 commands."""
    app.cli.add_command(open311_cli)
