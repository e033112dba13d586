"""Rate-limit keys and limits for the account endpoints (Flask-Limiter)."""

from __future__ import annotations

from flask import current_app, g, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

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

# Shared limits: the API and the HTML form of one action draw from one budget, so an attacker
# cannot double the attempts by alternating between them.
login_per_account = limiter.shared_limit(
    _limit("LOGIN_LIMIT_PER_ACCOUNT"),
    "login-account",
    key_func=account_key,
    deduct_when=login_failed,
    methods=POST_ONLY,
)
login_per_ip = limiter.shared_limit(
    _limit("LOGIN_LIMIT_PER_IP"), "login-ip", deduct_when=login_failed, methods=POST_ONLY
)
signup_per_ip = limiter.shared_limit(_limit("SIGNUP_LIMIT_PER_IP"), "signup-ip", methods=POST_ONLY)
reset_per_ip = limiter.shared_limit(_limit("SIGNUP_LIMIT_PER_IP"), "reset-ip", methods=POST_ONLY)
reset_per_account = limiter.shared_limit(
    _limit("RESET_LIMIT_PER_ACCOUNT"), "reset-account", key_func=account_key, methods=POST_ONLY
)


password_check_per_user = limiter.shared_limit(
    _limit("LOGIN_LIMIT_PER_ACCOUNT"),
    "password-check",
    key_func=lambda: "user:" + (current_user.get_id() or "").split(":")[0],
    deduct_when=login_failed,
    methods=POST_ONLY,
)


def throttle_login(view):
    """Apply the per-account and per-IP failed-login limits to a view."""
    return login_per_account(login_per_ip(view))
