"""`flask users ...`: create accounts and change roles from the command line."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.accounts import services
from app.accounts.models import Role
from app.core.db import commit, write_intent
from app.core.errors import DomainError
from app.extensions import db

users_cli = AppGroup("users", help="Manage user accounts.")
ROLE_CHOICE = click.Choice([role.value for role in Role])


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=ROLE_CHOICE, default=Role.RESIDENT.value, show_default=True)
@click.option("--name", "display_name", required=True, help="Display name.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@write_intent()
def create_user(email: str, role: str, display_name: str, password: str) -> None:
    """Create an account with the given role."""
    try:
        user = services.create_user(
            db.session,
            email=email,
            password=password,
            display_name=display_name,
            role=Role(role),
        )
        commit(db.session)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Created {user.email} ({user.role}).")


@users_cli.command("set-role")
@click.argument("email")
@click.argument("role", type=ROLE_CHOICE)
@write_intent()
def set_role(email: str, role: str) -> None:
    """Change the role of an existing account."""
    user = services.find_user_by_email(db.session, email)
    if user is None:
        raise click.ClickException(f"No account with e-mail address {email}.")
    services.set_role(db.session, user, Role(role))
    commit(db.session)
    click.echo(f"{user.email} is now {role}.")
