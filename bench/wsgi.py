"""Bench-only WSGI entry: the real app, as wsgi.py builds it, plus two baseline routes.

/__bare is the JSON route of a bare Flask app (the baseline: Flask and gunicorn only); /__hooks
is a bare JSON route inside the real app, so it pays for the app's request hooks and nothing
else. All three are served by the same gunicorn workers: `gunicorn bench.wsgi:app`.
"""

from flask import Flask

from bench.harness import add_hooks_route, bare_json
from wsgi import app as leefbaar

bare = Flask("bare")
bare.add_url_rule("/__bare", "bare_json", bare_json)
add_hooks_route(leefbaar)


def app(environ, start_response):
    """Send /__bare to the bare app and everything else to Leefbaar."""
    target = bare if environ.get("PATH_INFO") == "/__bare" else leefbaar
    return target(environ, start_response)
