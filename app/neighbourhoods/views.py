"""Neighbourhood pages for everyone, address verification, and the staff pages."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import func, select

from app.accounts.auth import require_staff, staff_required
from app.core.api import paginate
from app.core.db import commit
from app.core.errors import DomainError
from app.core.forms import show_domain_error
from app.extensions import db
from app.neighbourhoods import forms, services
from app.neighbourhoods.api import verify_limit
from app.neighbourhoods.imports import household_rows
from app.neighbourhoods.models import Household, Neighbourhood
from app.neighbourhoods.permissions import check_can_manage, manageable

blueprint = Blueprint("neighbourhoods", __name__)
FIRST_DATA_LINE = 2  # line 1 of an uploaded file names the columns


@blueprint.get("/wijken")
def index():
    """List all neighbourhoods."""
    neighbourhoods = db.session.scalars(select(Neighbourhood).order_by(Neighbourhood.name))
    return render_template("neighbourhoods/index.html", neighbourhoods=list(neighbourhoods))


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
    if form.validate_on_submit():
        try:
            household = services.verify_household(db.session, current_user, form.code.data)
            commit(db.session)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            flash(
                gettext(
                    "Thank you! Your account is linked to %(address)s.",
                    address=household.address_line,
                )
            )
            return redirect(url_for("accounts.account"))
    return render_template("neighbourhoods/verify.html", verify_form=form), 422


@blueprint.route("/beheer/wijken", methods=["GET", "POST"])
@staff_required
def manage_index():
    """List the neighbourhoods this staff member manages, with a form to add one."""
    form = forms.NeighbourhoodForm()
    if form.validate_on_submit():
        try:
            neighbourhood = services.create_neighbourhood(db.session, current_user, form.changes())
            commit(db.session)
            return redirect(url_for("neighbourhoods.manage", slug=neighbourhood.slug))
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
    query = manageable(db.session, current_user, select(Neighbourhood).order_by(Neighbourhood.name))
    neighbourhoods = list(db.session.scalars(query))
    return render_template(
        "neighbourhoods/manage_index.html", form=form, neighbourhoods=neighbourhoods
    ), 422 if form.errors else 200


def _manage_page(neighbourhood: Neighbourhood, form=None, import_form=None, status: int = 200):
    check_can_manage(db.session, current_user, neighbourhood)
    query = select(Household).where(Household.neighbourhood_id == neighbourhood.id)
    page = paginate(db.session, query, (Household.id,), request.args.get("cursor"), 50)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    return render_template(
        "neighbourhoods/manage.html",
        neighbourhood=neighbourhood,
        page=page,
        total=total,
        form=form or forms.NeighbourhoodForm(obj=neighbourhood),
        import_form=import_form or forms.ImportForm(formdata=None),
        button=forms.ButtonForm(),
    ), status


@blueprint.route("/beheer/wijken/<slug>", methods=["GET", "POST"])
@staff_required
def manage(slug: str):
    """Edit a neighbourhood and see its homes."""
    neighbourhood = services.get_neighbourhood(db.session, slug)
    form = forms.NeighbourhoodForm(obj=neighbourhood)
    if form.validate_on_submit():
        try:
            services.update_neighbourhood(db.session, current_user, neighbourhood, form.changes())
            commit(db.session)
            flash(gettext("Saved."))
            return redirect(url_for("neighbourhoods.manage", slug=slug))
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
            return _manage_page(services.get_neighbourhood(db.session, slug), form=form, status=422)
    return _manage_page(neighbourhood, form=form, status=422 if form.errors else 200)


@blueprint.post("/beheer/wijken/<slug>/adressen")
@staff_required
def import_households(slug: str):
    """Import homes from an uploaded CSV file."""
    neighbourhood = services.get_neighbourhood(db.session, slug)
    form = forms.ImportForm()
    if form.validate_on_submit():
        try:
            rows = household_rows(request)
            added = services.import_households(
                db.session, current_user, neighbourhood, rows, first_row=FIRST_DATA_LINE
            )
            commit(db.session)
            flash(gettext("%(n)d addresses added.", n=len(added)))
            return redirect(url_for("neighbourhoods.manage", slug=slug))
        except DomainError as error:
            db.session.rollback()
            return render_template(
                "neighbourhoods/import_errors.html",
                neighbourhood=neighbourhood,
                error=error,
                first_line=FIRST_DATA_LINE,
            ), error.status
    return _manage_page(neighbourhood, import_form=form, status=422)


@blueprint.post("/beheer/adressen/<int(max=2147483647):household_id>/code")
@staff_required
def issue_code(household_id: int):
    """Make a new invite code and show it once, ready to print."""
    if not forms.ButtonForm().validate_on_submit():
        return redirect(url_for("neighbourhoods.manage_index"))
    staff = require_staff()
    household = services.get_household(db.session, staff, household_id)
    issued = services.issue_invite_code(db.session, staff, household)
    commit(db.session)
    return render_template("neighbourhoods/invite_code.html", issued=issued, household=household)
