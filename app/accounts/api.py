"""JSON API for authentication and one's own account."""

from __future__ import annotations

from flask import g, url_for
from flask_babel import get_locale, gettext
from flask_login import current_user, login_required
from flask_smorest import Blueprint
from flask_wtf.csrf import generate_csrf

from app.accounts import schemas, services
from app.accounts.auth import end_session, start_session
from app.accounts.limits import (
    password_check_per_user,
    reset_per_account,
    reset_per_ip,
    signup_per_ip,
    throttle_login,
)
from app.core.db import commit
from app.core.errors import Unauthenticated
from app.core.urls import public_url
from app.extensions import db

blp = Blueprint("accounts_api", __name__, url_prefix="/api/v1", description="Accounts")


def reset_link(token: str) -> str:
    """Return the page where a reset token is used, on the configured public address."""
    return public_url(url_for("accounts.reset_password", token=token))


@blp.get("/auth/csrf")
@blp.response(200, schemas.CsrfSchema)
def csrf_token():
    """Get a CSRF token to send as X-CSRFToken with every change."""
    return {"csrf_token": generate_csrf()}


@blp.post("/auth/register")
@signup_per_ip
@blp.arguments(schemas.RegisterSchema)
@blp.response(201, schemas.MeSchema)
def register(data):
    """Create a resident account and log in; the language defaults to the one of the request."""
    user = services.register(db.session, **{"language": str(get_locale()), **data})
    commit(db.session)
    start_session(user)
    return user


@blp.post("/auth/login")
@throttle_login
@blp.arguments(schemas.LoginSchema)
@blp.response(200, schemas.MeSchema)
def login(data):
    """Log in; wrong e-mail and wrong password get the same answer."""
    try:
        user = services.authenticate(db.session, data["email"], data["password"])
    except Unauthenticated:
        g.login_failed = True
        raise
    commit(db.session)
    start_session(user)
    return user


@blp.post("/auth/logout")
@blp.response(204)
def logout():
    """Log out; every copy of this login cookie stops working."""
    if current_user.is_authenticated:
        services.end_all_sessions(db.session, current_user)
        commit(db.session)
    end_session()


@blp.post("/auth/password-reset")
@reset_per_account
@reset_per_ip
@blp.arguments(schemas.PasswordResetRequestSchema)
@blp.response(202, schemas.AcceptedSchema)
def request_password_reset(data):
    """Mail a reset link if the address is known; the answer is the same either way."""
    services.request_password_reset(db.session, data["email"], reset_link)
    commit(db.session)
    return {"detail": gettext("If there is an account for this address, we have sent a link.")}


@blp.post("/auth/password-reset/<token>")
@blp.arguments(schemas.PasswordResetSchema)
@blp.response(204)
def reset_password(data, token):
    """Choose a new password with the token from the reset mail."""
    services.reset_password(db.session, token, data["password"])
    commit(db.session)
    end_session()


@blp.get("/me")
@login_required
@blp.response(200, schemas.MeSchema)
def me():
    """Show one's own account."""
    return current_user


@blp.patch("/me")
@login_required
@blp.arguments(schemas.MeUpdateSchema)
@blp.response(200, schemas.MeSchema)
def update_me(data):
    """Edit display name, language or home neighbourhood."""
    user = services.update_profile(db.session, current_user, data)
    commit(db.session)
    return user


@blp.post("/me/password")
@login_required
@password_check_per_user
@blp.arguments(schemas.PasswordChangeSchema)
@blp.response(204)
def change_password(data):
    """Change the password; other devices are logged out, this one stays logged in."""
    user = current_user._get_current_object()
    try:
        services.change_password(db.session, user, data["current_password"], data["new_password"])
    except services.WrongPassword:
        g.login_failed = True
        raise
    commit(db.session)
    start_session(user)


@blp.post("/me/sessions/revoke")
@login_required
@blp.response(204)
def revoke_sessions():
    """Log out everywhere, this device included."""
    services.end_all_sessions(db.session, current_user)
    commit(db.session)
    end_session()
