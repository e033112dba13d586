"""Login sessions (Flask-Login with a per-user session version) and role guards."""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import redirect, request, session, url_for
from flask_babel import gettext
from flask_login import current_user, login_user, logout_user

from app.accounts.models import User
from app.core.errors import Forbidden, Unauthenticated
from app.core.problems import wants_problem_json
from app.extensions import db, login_manager


@login_manager.user_loader
def load_user(token: str) -> User | None:
    """Load the user of a login cookie, refusing cookies of an older session version."""
    user_id, _, version = token.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return user


@login_manager.unauthorized_handler
def unauthorized():
    """Send people to the login page; answer the API with a 401 problem."""
    if wants_problem_json() or request.method != "GET":
        raise Unauthenticated(gettext("You need to log in to do this."))
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


def start_session(user: User) -> None:
    """Log the user in on this device with a fresh, long-lived session cookie."""
    session.clear()
    session.permanent = True
    login_user(user)


def end_session() -> None:
    """Forget the login on this device."""
    logout_user()
    session.clear()


def _guard(check: Callable[[], User]) -> Callable[[Callable], Callable]:
    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            check()
            return view(*args, **kwargs)

        return guarded

    return decorate


def staff_required(view: Callable) -> Callable:
    """Allow a view only to staff and admins (401 for visitors, 403 for residents)."""
    return _guard(require_staff)(view)


def require_login() -> User:
    """Return the logged-in user, or raise Unauthenticated."""
    if not current_user.is_authenticated:
        raise Unauthenticated(gettext("You need to log in to do this."))
    return current_user._get_current_object()


def require_staff() -> User:
    """Return the logged-in staff member or admin, or raise."""
    user = require_login()
    if not user.is_staff:
        raise Forbidden(gettext("Only staff of the housing corporation can do this."))
    return user


def require_admin() -> User:
    """Return the logged-in admin, or raise."""
    user = require_login()
    if not user.is_admin:
        raise Forbidden(gettext("Only administrators can do this."))
    return user


def current_viewer() -> User | None:
    """Return the logged-in user, or None for a visitor."""
    return current_user._get_current_object() if current_user.is_authenticated else None
