"""Accounts: registration, login sessions, passwords, profile and roles."""

from flask import Flask

from app.accounts import auth, cli, models  # noqa: F401  (auth registers the user loader)
from app.accounts.api import blp
from app.accounts.views import blueprint
from app.extensions import api as rest_api
from app.extensions import login_manager


def init_feature(app: Flask) -> None:
    """Register the accounts API, pages and CLI."""
    login_manager.login_view = "accounts.login"
    rest_api.register_blueprint(blp)
    app.register_blueprint(blueprint)
    app.cli.add_command(cli.users_cli)
