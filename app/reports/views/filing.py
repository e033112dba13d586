"""Filing a report (/melden) and adding photos to one, photos processed before the database."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import select

from app.accounts.auth import require_login
from app.core.errors import RuleViolation
from app.core.forms import run_form
from app.core.uploads import ProcessedPhoto, prepare_photos, save_photos
from app.extensions import db
from app.neighbourhoods.models import Complex, Neighbourhood
from app.reports import forms
from app.reports.services import categories
from app.reports.services import reports as services
from app.reports.views import REPORT, blueprint
from app.reports.views.maps import outlines, shows_map
from app.reports.views.pages import neighbourhoods, render_report


@dataclass
class PhotoIntake:
    """The photos of a form, processed before anything else; or why they were refused."""

    photos: list[ProcessedPhoto] = field(default_factory=list)
    error: str | None = None
    sent: int = 0


def page_photos_first(view: Callable) -> Callable:
    """Process a form's photos before the view loads the user (and takes a write lock).

    The page counterpart of reports.inputs.photos_first: a refused photo becomes a message
    on the form instead of an error page. Visitors' uploads are not even looked at.
    """

    @functools.wraps(view)
    def prepared(*args, **kwargs):
        intake = PhotoIntake()
        if request.method == "POST" and "_user_id" in session:
            files = [file for file in request.files.getlist("photos") if file.filename]
            try:
                intake = PhotoIntake(prepare_photos(files), None, len(files))
            except RuleViolation as error:
                intake = PhotoIntake([], error.message, len(files))
        return view(*args, intake=intake, **kwargs)

    return prepared


def _complexes() -> list[Complex]:
    query = select(Complex).join(Complex.neighbourhood).order_by(Neighbourhood.name, Complex.name)
    return list(db.session.scalars(query))


def _report_form() -> forms.ReportForm:
    form = forms.ReportForm(
        categories=categories.list_categories(db.session),
        neighbourhoods=neighbourhoods(),
        complexes=_complexes(),
    )
    if not form.is_submitted() and request.args.get("categorie") in form.categories:
        form.category.data = request.args["categorie"]
    return form


def _file_report(user, form: forms.ReportForm, photos: list[ProcessedPhoto]):
    report = services.create_report(db.session, user, form.service_data())
    save_photos(db.session, photos, owner_type="report", owner_id=report.id, uploader_id=user.id)
    return report


def _form_page(form: forms.ReportForm, intake: PhotoIntake):
    failed = form.is_submitted()
    html = render_template(
        "reports/create.html",
        form=form,
        photos_lost=failed and intake.sent > 0,
        home=current_user.household,
        outlines=outlines(),
    )
    return html, 422 if failed else 200


@blueprint.route("/melden", methods=["GET", "POST"])
@page_photos_first
@login_required
@shows_map
def create(intake: PhotoIntake):
    """Report a defect or nuisance: one form in five steps."""
    user, form = require_login(), _report_form()
    valid = form.validate_on_submit()
    if intake.error:
        form.photos.errors = [*form.photos.errors, intake.error]
    elif valid and (report := run_form(form, lambda: _file_report(user, form, intake.photos))):
        flash(gettext("Thank you. Your report is received. You can follow it here."))
        return redirect(url_for("reports.show", report_id=report.id))
    return _form_page(form, intake)


@blueprint.post(f"{REPORT}/fotos")
@page_photos_first
@login_required
@shows_map
def add_photos(report_id: int, intake: PhotoIntake):
    """Add photos to a report (its reporter, or staff who handle it)."""
    user, form = require_login(), forms.PhotosForm()
    report = services.get_report(db.session, user, report_id)
    if intake.error:
        form.photos.errors = [intake.error]
    elif form.validate_on_submit() and run_form(
        form, lambda: services.add_photos(db.session, user, report, intake.photos)
    ):
        flash(gettext("The photos are added."))
        return redirect(url_for("reports.show", report_id=report.id) + "#fotos")
    return render_report(report, 422, photos_form=form)
