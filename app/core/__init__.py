"""Shared kernel: extensions, security, errors, i18n, jobs, PWA shell. Imports no feature."""

from __future__ import annotations

from flask import Flask

from app.core import assets, idempotency, media, pages, pwa, uploads  # noqa: F401  (models)
from app.core.errors import register_error_handlers
from app.core.i18n import init_i18n
from app.core.jobs import init_jobs
from app.core.security import init_security
from app.extensions import api, csrf, db, limiter, login_manager, migrate


def init_core(app: Flask) -> None:
    """Bind the extensions and shared machinery to the app, in a safe order."""
    init_security(app)  # first: request ids and write intent precede every other hook
    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    init_i18n(app)
    api.init_app(app)
    init_jobs(app)
    register_error_handlers(app)
    assets.init_assets(app)
    app.register_blueprint(pwa.blueprint)
    app.register_blueprint(pages.blueprint)
    media.init_media(app)
