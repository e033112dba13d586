"""Idea pages: the list, writing and editing, the detail page with voting and following."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from marshmallow import ValidationError

from app.accounts.auth import current_viewer
from app.core.assets import add_nav_item
from app.core.db import commit, utcnow
from app.core.errors import DomainError
from app.core.forms import ButtonForm, run_form
from app.core.themes import THEME_LABELS
from app.extensions import db
from app.neighbourhoods.models import Neighbourhood
from app.neighbourhoods.services import list_neighbourhoods
from app.proposals.forms import ProposalForm
from app.proposals.lifecycle import ROLE_LABELS, STATUS_LABELS
from app.proposals.limits import ideas_per_user
from app.proposals.models import Proposal
from app.proposals.schemas.proposals import ProposalQuerySchema
from app.proposals.services import comments, updates, votes
from app.proposals.services import proposals as services
from app.proposals.services import rounds as round_services

blueprint = Blueprint("proposals", __name__)
IDEA = "/ideeen/<int(max=2147483647):proposal_id>"
PAGE_SIZE = 20


@blueprint.record_once
def _register(state) -> None:
    add_nav_item(state.app, "proposals.index", _l("Ideas"), "idea", 20)
    state.app.jinja_env.globals.update(
        status_labels=STATUS_LABELS, theme_labels=THEME_LABELS, corporation_roles=ROLE_LABELS
    )


def _filters() -> tuple[dict, list[str]]:
    """Read the list filters from the query string; bad ones are dropped with a message."""
    try:
        return ProposalQuerySchema().load(request.args), []
    except ValidationError as error:
        clean = {k: v for k, v in request.args.items() if k not in error.messages}
        return ProposalQuerySchema().load(clean), [gettext("Some filters were not valid.")]


def _neighbourhoods() -> list[Neighbourhood]:
    """Return every neighbourhood by name."""
    return list_neighbourhoods(db.session)


@blueprint.get("/ideeen")
def index():
    """List ideas with filters, search and sorting."""
    filters, problems = _filters()
    cursor, limit = filters.pop("cursor"), min(filters.pop("limit"), PAGE_SIZE)
    try:
        page = services.list_proposals(db.session, current_viewer(), filters, cursor, limit)
    except DomainError as error:
        page, problems = {"items": [], "next_cursor": None}, [*problems, error.message]
    return render_template(
        "proposals/index.html",
        page=page,
        filters=filters,
        problems=problems,
        neighbourhoods=_neighbourhoods(),
        now=utcnow(),
    )


def _form(proposal: Proposal | None = None) -> ProposalForm:
    form = ProposalForm(
        obj=proposal,
        neighbourhoods=_neighbourhoods(),
        rounds=round_services.open_for_submission(db.session),
    )
    if request.method == "GET":
        if proposal is not None:
            form.neighbourhood.data = proposal.neighbourhood.slug
            form.round.data = str(proposal.round_id or "")
            form.budget.data = proposal.budget_cents
        elif current_user.home_neighbourhood is not None:
            form.neighbourhood.data = current_user.home_neighbourhood.slug
    return form


@blueprint.route("/ideeen/nieuw", methods=["GET", "POST"])
@login_required
@ideas_per_user
def create():
    """Write a new idea; it is saved as a draft to check before sending it in."""
    form = _form()
    if form.validate_on_submit() and (
        created := run_form(
            form, lambda: services.create_proposal(db.session, current_user, form.changes())
        )
    ):
        flash(gettext("Your idea is saved as a draft. Check it, then send it in."))
        return redirect(url_for("proposals.show", proposal_id=created.id))
    page = render_template("proposals/form.html", form=form, proposal=None)
    return page, 422 if form.errors else 200


@blueprint.route(f"{IDEA}/bewerken", methods=["GET", "POST"])
@login_required
def edit(proposal_id: int):
    """Change one's idea while it is a draft or waiting for review."""
    proposal = services.get_proposal(db.session, current_user, proposal_id)
    form = _form(proposal)
    if form.validate_on_submit() and run_form(
        form,
        lambda: services.update_proposal(db.session, current_user, proposal, _edits(form)),
    ):
        flash(gettext("Saved."))
        return redirect(url_for("proposals.show", proposal_id=proposal.id))
    page = render_template("proposals/form.html", form=form, proposal=proposal)
    return page, 422 if form.errors else 200


def _edits(form: ProposalForm) -> dict:
    changes = form.changes()
    changes.pop("neighbourhood")  # an idea stays in the neighbourhood it was written for
    return changes


@blueprint.get(IDEA)
def show(proposal_id: int):
    """Show an idea with its votes, progress updates and comments."""
    viewer = current_viewer()
    proposal = services.get_proposal(db.session, viewer, proposal_id)
    return render_template(
        "proposals/show.html",
        proposal=proposal,
        now=utcnow(),
        can_vote=votes.may_vote(viewer, proposal, utcnow()),
        following=services.is_following(db.session, viewer, proposal),
        revisions=services.revisions(db.session, proposal),
        comments=comments.list_comments(db.session, viewer, proposal),
        updates=updates.list_updates(db.session, proposal),
        button=ButtonForm(),
    )


def _act(proposal_id: int, action, done: str):
    """Run one button's service call for an idea, then go back to the idea."""
    if ButtonForm().validate_on_submit():
        proposal = services.get_proposal(db.session, current_user, proposal_id)
        try:
            action(proposal)
            commit(db.session)
            flash(done)
        except DomainError as error:
            db.session.rollback()
            flash(error.message)
    return redirect(url_for("proposals.show", proposal_id=proposal_id))


@blueprint.post(f"{IDEA}/insturen")
@login_required
def submit(proposal_id: int):
    """Send one's draft in for review."""
    return _act(
        proposal_id,
        lambda p: services.submit_proposal(db.session, current_user, p),
        gettext("Your idea is sent in. Staff will look at it soon."),
    )


@blueprint.post(f"{IDEA}/intrekken")
@login_required
def withdraw(proposal_id: int):
    """Take one's idea back."""
    return _act(
        proposal_id,
        lambda p: services.withdraw_proposal(db.session, current_user, p),
        gettext("Your idea is withdrawn."),
    )


@blueprint.post(f"{IDEA}/stem")
@login_required
def vote(proposal_id: int):
    """Vote for an idea, or take the vote back."""
    if request.form.get("action") == "retract":
        action, done = votes.retract_vote, gettext("Your vote is taken back.")
    else:
        action, done = votes.cast_vote, gettext("Thank you for voting!")
    return _act(proposal_id, lambda p: action(db.session, current_user, p), done)


@blueprint.post(f"{IDEA}/volgen")
@login_required
def follow(proposal_id: int):
    """Follow an idea, or stop following it."""
    if request.form.get("action") == "unfollow":
        action, done = services.unfollow, gettext("You no longer follow this idea.")
    else:
        action, done = services.follow, gettext("You follow this idea now.")
    return _act(proposal_id, lambda p: action(db.session, current_user, p), done)
