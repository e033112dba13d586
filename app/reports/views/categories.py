"""Staff pages to manage report categories (/beheer/categorieen)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from marshmallow import ValidationError

from app.accounts.auth import require_staff, staff_required
from app.core.errors import RuleViolation
from app.core.forms import run_form
from app.extensions import db
from app.reports.category_forms import CategoryForm
from app.reports.permissions import check_can_manage_categories
from app.reports.schemas import CategoryCreateSchema, CategoryUpdateSchema
from app.reports.services import categories as services

blueprint = Blueprint("report_categories", __name__, url_prefix="/beheer/categorieen")


@blueprint.before_request
@staff_required
def _managers_only() -> None:
    check_can_manage_categories(db.session, require_staff())


def _validated(form: CategoryForm, new: bool) -> dict:
    """Check the form with the API's schema; put a question's errors on its own fields."""
    schema = CategoryCreateSchema() if new else CategoryUpdateSchema()
    try:
        return schema.load(form.data_for_service(new=new))
    except ValidationError as error:
        errors = dict(error.messages)
        filled = [e for e in form.questions.entries if (e.data["code"] or "").strip()]
        for index, messages in (errors.pop("questions", None) or {}).items():
            if not isinstance(messages, dict) or not isinstance(index, int):
                continue
            for name, texts in messages.items():
                target = getattr(filled[index].form, "options" if name == "values" else name)
                target.errors = [*target.errors, *[str(t) for t in _flat(texts)]]
        message = gettext("Some of what you entered is not valid.")
        raise RuleViolation(message, errors=errors) from None


def _flat(messages) -> list:
    if isinstance(messages, dict):
        return [text for value in messages.values() for text in _flat(value)]
    return list(messages) if isinstance(messages, list) else [messages]


@blueprint.get("")
def index():
    """List every category, also the inactive ones."""
    categories = services.list_categories(db.session, include_inactive=True)
    return render_template("reports/categories.html", categories=categories)


@blueprint.route("/nieuw", methods=["GET", "POST"])
def create():
    """Add a category."""
    form = CategoryForm()
    if request.method == "GET":
        form.active.data, form.handling_days.data, form.nearby_metres.data = True, 5, 50
    if form.validate_on_submit() and run_form(
        form, lambda: services.create_category(db.session, require_staff(), _validated(form, True))
    ):
        flash(gettext("The category is added."))
        return redirect(url_for(".index"))
    return render_template("reports/category_form.html", form=form, category=None)


@blueprint.route("/<code>", methods=["GET", "POST"])
def edit(code: str):
    """Change a category; its code stays."""
    category = services.get_category(db.session, code, active_only=False)
    form = CategoryForm()
    if request.method == "GET":
        form.fill(category)
    change = lambda: services.update_category(  # noqa: E731
        db.session, require_staff(), category, _validated(form, False)
    )
    if form.validate_on_submit() and run_form(form, change):
        flash(gettext("The category is saved."))
        return redirect(url_for(".index"))
    return render_template("reports/category_form.html", form=form, category=category)
