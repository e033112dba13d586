"""Rate limits on writing ideas, comments and flags, shared by the API and the pages."""

from __future__ import annotations

from flask import current_app
from flask_login import current_user

from app.extensions import limiter


def _user_key() -> str:
    # Views that use these limits require a login first; the id part only, not the session.
    return "user:" + (current_user.get_id() or "-").split(":")[0]


def _per_user(setting: str, scope: str):
    return limiter.shared_limit(
        lambda: current_app.config[setting], scope, key_func=_user_key, methods=["POST"]
    )


# One budget per person for each kind of writing, whether it comes through the API or a form.
ideas_per_user = _per_user("IDEA_LIMIT_PER_USER", "ideas-user")
comments_per_user = _per_user("COMMENT_LIMIT_PER_USER", "comments-user")
flags_per_user = _per_user("FLAG_LIMIT_PER_USER", "flags-user")
