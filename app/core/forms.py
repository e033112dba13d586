"""Helpers that connect WTForms pages to services."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import DataRequired

from app.core.db import commit
from app.core.errors import DomainError
from app.extensions import db

T = TypeVar("T")
REQUIRED = DataRequired(message=_l("Please fill this in."))


class ButtonForm(FlaskForm):
    """A form that is only a button (log out, new code): it carries the CSRF token."""


def show_domain_error(form: FlaskForm, error: DomainError) -> None:
    """Put a service's error messages on the matching form fields (or on the form)."""
    placed = False
    for name, messages in (error.errors or {}).items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, *messages]
            placed = True
    if not placed:
        form.form_errors.append(error.message)


def run_form(form: FlaskForm, action: Callable[[], T]) -> T | None:
    """Run a submitted form's service call and commit; on a DomainError show it on the form.

    Returns the service's result, or None when it refused (then nothing was written).
    """
    try:
        result = action()
        commit(db.session)
    except DomainError as error:
        db.session.rollback()
        show_domain_error(form, error)
        return None
    return result
