"""Rate limits of Open311 POSTs: per API key, and per client address for refused keys.

OPEN311_POST_LIMIT and OPEN311_BAD_KEY_LIMIT (e.g. FLASK_OPEN311_POST_LIMIT="60/minute")
override the defaults. The key itself is never a limiter key: its hash is.
"""

from __future__ import annotations

import hashlib

from flask import current_app, request
from flask_limiter.util import get_remote_address

from app.extensions import limiter

POST_LIMIT = "60/minute"
BAD_KEY_LIMIT = "20/minute"
POST_ONLY = ["POST"]


def _key_bucket() -> str:
    """Count requests per API key (its hash); without a key, per client address."""
    key = request.form.get("api_key") or request.args.get("api_key")
    if not key:
        return "open311-nokey:" + get_remote_address()
    return "open311-key:" + hashlib.sha256(key.encode()).hexdigest()


def _refused(response) -> bool:
    return response.status_code == 403


per_key = limiter.limit(
    lambda: current_app.config.get("OPEN311_POST_LIMIT", POST_LIMIT),
    key_func=_key_bucket,
    methods=POST_ONLY,
)
bad_keys_per_address = limiter.limit(
    lambda: current_app.config.get("OPEN311_BAD_KEY_LIMIT", BAD_KEY_LIMIT),
    key_func=lambda: "open311-refused:" + get_remote_address(),
    deduct_when=_refused,
    methods=POST_ONLY,
)
