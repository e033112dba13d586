"""Leefbaar: the resident participation app. create_app() builds the Flask application."""

from __future__ import annotations

import importlib
import logging
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import INSTANCE_PATH, PROJECT_ROOT, config_class
from app.core.security import JsonRequest
from app.features import FEATURES


def create_app(config: str | dict[str, Any] | None = None) -> Flask:
    """Build the app: config, extensions, features, errors, CLI."""
    overrides = config if isinstance(config, dict) else {}
    settings = config_class(config if isinstance(config, str) else overrides.get("APP_CONFIG"))
    settings.prepare()

    app = Flask(
        __name__,
        instance_path=str(INSTANCE_PATH),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.request_class = JsonRequest
    app.config.from_object(settings)
    app.config.from_prefixed_env()
    app.config.update(overrides)
    _configure_logging(app)
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies:  # client addresses and https come from the reverse proxy's X-Forwarded-* headers
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    from app import core

    core.init_core(app)
    _ping_idle_connections(app)
    for name in FEATURES:
        importlib.import_module(name).init_feature(app)

    from app.demo import init_demo

    init_demo(app)
    return app


def _ping_idle_connections(app: Flask) -> None:
    """Have the database pools check connections that sat idle before they are used."""
    from app.core.db import ping_when_idle
    from app.extensions import db

    with app.app_context():
        for engine in db.engines.values():
            ping_when_idle(engine, app.config["DB_PING_AFTER_IDLE_SECONDS"])


def _configure_logging(app: Flask) -> None:
    """Log to stderr with the request id on every line, unless logging is set up already."""
    from app.core.security import RequestIdFilter

    root = logging.getLogger()
    if root.handlers:
        return
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")
    )
    root.addHandler(handler)
    root.setLevel(logging.INFO)
