"""Neighbourhood pages for everyone, address verification, and the staff pages."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from app.accounts.auth import staff_required
from app.core.db import commit
from app.core.errors import DomainError
from app.core.forms import ButtonForm, run_form
from app.extensions import db
from app.neighbourhoods import forms, services
from app.neighbourhoods.api import verify_limit
from app.neighbourhoods.imports import household_rows
from app.neighbourhoods.models import Neighbourhood

blueprint = Blueprint("neighbourhoods", __name__)
FIRST_DATA_LINE = 2  # line 1 of an uploaded file names the columns


@blueprint.get("/wijken")
def index():
    """List all neighbourhoods."""
    neighbourhoods = services.list_neighbourhoods(db.session)
    return render_template("neighbourhoods/index.html", neighbourhoods=neighbourhoods)


@blueprint.get("/wijken/<slug>")
def show(slug: str):
    """Show one neighbourhood."""
    neighbourhood = services.get_neighbourhood(db.session, slug)
    return render_template("neighbourhoods/show.html", neighbourhood=neighbourhood)


@blueprint.post("/account/adres")
@login_required
@verify_limit
def verify():
    """Link the account to a home with the code from the letter."""
    form = forms.VerifyForm()
    if form.validate_on_submit() and (
        household := run_form(
            form, lambda: services.verify_household(db.session, current_user, form.code.data)
        )
    ):
        flash(
            gettext(
                "Thank you! Your account is linked to %(address)s.", address=household.address_line
            )
        )
        return redirect(url_for("accounts.account"))
    return render_template("neighbourhoods/verify.html", verify_form=form), 422


@blueprint.route("/beheer/wijken", methods=["GET", "POST"])
@staff_required
def manage_index():
    """List the neighbourhoods this staff member manages, with a form to add one."""
    form = forms.NeighbourhoodForm()
    if form.validate_on_submit() and (
        created := run_form(
            form, lambda: services.create_neighbourhood(db.session, current_user, form.changes())
        )
    ):
        return redirect(url_for("neighbourhoods.manage", slug=created.slug))
    neighbourhoods = services.manageable_neighbourhoods(db.session, current_user)
    page = render_template(
        "neighbourhoods/manage_index.html", form=form, neighbourhoods=neighbourhoods
    )
    return page, 422 if form.errors else 200


def _manage_page(neighbourhood: Neighbourhood, form=None, import_form=None):
    page, total = services.list_households(
        db.session, current_user, neighbourhood, request.args.get("cursor"), 50
    )
    html = render_template(
        "neighbourhoods/manage.html",
        neighbourhood=neighbourhood,
        page=page,
        total=total,
        form=form or forms.NeighbourhoodForm(obj=neighbourhood),
        import_form=import_form or forms.ImportForm(formdata=None),
        button=ButtonForm(),
    )
    return html, 422 if (form and form.errors) or (import_form and import_form.errors) else 200


@blueprint.route("/beheer/wijken/<slug>", methods=["GET", "POST"])
@staff_required
def manage(slug: str):
    """Edit a neighbourhood and see its homes."""
    neighbourhood = services.get_neighbourhood(db.session, slug)
    form = forms.NeighbourhoodForm(obj=neighbourhood)
    if form.validate_on_submit() and run_form(
        form,
        lambda: services.update_neighbourhood(
            db.session, current_user, neighbourhood, form.changes()
        ),
    ):
        flash(gettext("Saved."))
        return redirect(url_for("neighbourhoods.manage", slug=slug))
    return _manage_page(neighbourhood, form=form)


@blueprint.post("/beheer/wijken/<slug>/adressen")
@staff_required
def import_households(slug: str):
    """Import homes from an uploaded CSV file; refused rows are listed with their lines."""
    neighbourhood = services.get_neighbourhood(db.session, slug)
    form = forms.ImportForm()
    if not form.validate_on_submit():
        return _manage_page(neighbourhood, import_form=form)
    try:
        added = services.import_households(
            db.session,
            current_user,
            neighbourhood,
            household_rows(request),
            first_row=FIRST_DATA_LINE,
        )
        commit(db.session)
    except DomainError as error:
        db.session.rollback()
        return render_template(
            "neighbourhoods/import_errors.html",
            neighbourhood=neighbourhood,
            error=error,
            first_line=FIRST_DATA_LINE,
        ), error.status
    flash(gettext("%(n)d addresses added.", n=len(added)))
    return redirect(url_for("neighbourhoods.manage", slug=slug))


@blueprint.post("/beheer/adressen/<int(max=2147483647):household_id>/code")
@staff_required
def issue_code(household_id: int):
    """Make a new invite code and show it once, ready to print."""
    if not ButtonForm().validate_on_submit():
        return redirect(url_for("neighbourhoods.manage_index"))
    household = services.get_household(db.session, current_user, household_id)
    issued = services.issue_invite_code(db.session, current_user, household)
    commit(db.session)
    return render_template("neighbourhoods/invite_code.html", issued=issued, household=household)
