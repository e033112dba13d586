"""Budget round pages: public overview and results, staff pages to start, edit and close."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from app.accounts.auth import staff_required
from app.core.db import commit, utcnow
from app.core.errors import DomainError
from app.core.forms import ButtonForm, run_form
from app.extensions import db
from app.neighbourhoods.services import manageable_neighbourhoods
from app.proposals.forms import RoundForm
from app.proposals.services import rounds as services

blueprint = Blueprint("rounds", __name__)
ROUND = "<int(max=2147483647):round_id>"


@blueprint.get("/buurtbudget")
def index():
    """List the budget rounds."""
    page = services.list_rounds(db.session, {}, request.args.get("cursor"), 20)
    return render_template("proposals/rounds.html", page=page, now=utcnow())


@blueprint.get(f"/buurtbudget/{ROUND}")
def show(round_id: int):
    """Show a round, its windows and its results."""
    voting_round = services.get_round(db.session, round_id)
    results = services.round_results(db.session, voting_round)
    return render_template(
        "proposals/round.html", voting_round=voting_round, results=results, now=utcnow()
    )


def _round_form(voting_round=None) -> RoundForm:
    form = RoundForm(obj=voting_round, neighbourhoods=_managed())
    if request.method == "GET" and voting_round is None:
        local = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
        tomorrow = datetime.now(local).date() + timedelta(days=1)
        start = datetime.combine(tomorrow, time(9), tzinfo=local)  # tomorrow, 09:00 Dutch time
        form.submission_opens_at.process_data(start)
        form.submission_closes_at.process_data(start + timedelta(weeks=4))
        form.voting_opens_at.process_data(start + timedelta(weeks=5))
        form.voting_closes_at.process_data(start + timedelta(weeks=7))
    elif request.method == "GET":
        form.budget.data = voting_round.budget_cents
    return form


def _managed():
    return manageable_neighbourhoods(db.session, current_user)


@blueprint.route("/beheer/rondes", methods=["GET", "POST"])
@staff_required
def manage_index():
    """List rounds for staff, with a form to start one."""
    form = _round_form()
    if form.validate_on_submit() and (
        created := run_form(
            form,
            lambda: services.create_round(
                db.session, current_user, form.changes(with_neighbourhood=True)
            ),
        )
    ):
        flash(gettext("The round is saved."))
        return redirect(url_for("rounds.show", round_id=created.id))
    page = services.list_rounds(db.session, {}, request.args.get("cursor"), 50)
    html = render_template("proposals/rounds_manage.html", form=form, page=page, now=utcnow())
    return html, 422 if form.errors else 200


@blueprint.route(f"/beheer/rondes/{ROUND}", methods=["GET", "POST"])
@staff_required
def manage(round_id: int):
    """Edit a round; vote rules are fixed once voting opened."""
    voting_round = services.get_round(db.session, round_id)
    form = _round_form(voting_round)
    if form.validate_on_submit() and run_form(
        form,
        lambda: services.update_round(
            db.session, current_user, voting_round, form.changes(with_neighbourhood=False)
        ),
    ):
        flash(gettext("Saved."))
        return redirect(url_for("rounds.manage", round_id=round_id))
    html = render_template(
        "proposals/round_manage.html",
        form=form,
        voting_round=voting_round,
        button=ButtonForm(),
        now=utcnow(),
    )
    return html, 422 if form.errors else 200


@blueprint.post(f"/beheer/rondes/{ROUND}/afsluiten")
@staff_required
def close(round_id: int):
    """Close a round whose voting has ended: select ideas by votes within the budget."""
    if ButtonForm().validate_on_submit():
        voting_round = services.get_round(db.session, round_id)
        try:
            services.close_round(db.session, voting_round, current_user)
            commit(db.session)
            flash(gettext("The round is closed. The selected ideas are marked."))
        except DomainError as error:
            db.session.rollback()
            flash(error.message)
    return redirect(url_for("rounds.show", round_id=round_id))
