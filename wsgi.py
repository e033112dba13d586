"""WSGI entry point: `gunicorn wsgi:app` or `flask --app wsgi run`.

Defaults to the production configuration, so a server started without APP_CONFIG refuses to
run without its secrets instead of silently using development settings (`make` sets
APP_CONFIG=development).
"""

import os

from app import create_app

app = create_app(os.environ.get("APP_CONFIG", "production"))
