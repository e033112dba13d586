"""Rate-limit keys and limits for the account endpoints (Flask-Limiter)."""

from __future__ import annotations

from flask import current_app, g, request
from flask_limiter.util import get_remote_address

from app.extensions import limiter


def _submitted_email() -> str:
    data = request.get_json(silent=True) if request.is_json else request.form
    email = data.get("email") if isinstance(data, dict) or hasattr(data, "get") else None
    return email.strip().lower() if isinstance(email, str) else ""


def account_key() -> str:
    """Key failed logins by the account they target (falling back to the client address)."""
    return "account:" + (_submitted_email() or get_remote_address())


def login_failed(response) -> bool:
    """Count only failed attempts against the login limits."""
    return bool(g.get("login_failed"))


def _limit(name: str):
    return lambda: current_app.config[name]


POST_ONLY = ["POST"]

login_per_account = limiter.limit(
    _limit("LOGIN_LIMIT_PER_ACCOUNT"),
    key_func=account_key,
    deduct_when=login_failed,
    scope="login-account",
    methods=POST_ONLY,
)
login_per_ip = limiter.limit(
    _limit("LOGIN_LIMIT_PER_IP"), deduct_when=login_failed, scope="login-ip", methods=POST_ONLY
)
signup_per_ip = limiter.limit(_limit("SIGNUP_LIMIT_PER_IP"), scope="signup-ip", methods=POST_ONLY)
reset_per_account = limiter.limit(
    _limit("SIGNUP_LIMIT_PER_IP"), key_func=account_key, scope="reset-account", methods=POST_ONLY
)


def throttle_login(view):
    """Apply the per-account and per-IP failed-login limits to a view."""
    return login_per_account(login_per_ip(view))
