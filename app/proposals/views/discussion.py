"""Pages and forms for comments, flags, progress updates and moderation (/beheer/moderatie)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime, gettext
from flask_login import login_required
from markupsafe import Markup, escape

from app.accounts.auth import current_viewer, require_login, staff_required
from app.core.forms import ButtonForm, run_form
from app.extensions import db
from app.neighbourhoods.permissions import can_manage
from app.proposals import forms_discussion as forms
from app.proposals.lifecycle import STATUS_LABELS
from app.proposals.limits import comments_per_user, flags_per_user
from app.proposals.models import Status
from app.proposals.services import comments, moderation, moderation_queue, updates
from app.proposals.services.proposals import get_proposal

blueprint = Blueprint("discussion", __name__)
IDEA = "/ideeen/<int(max=2147483647):proposal_id>"
COMMENT = "/reacties/<int(max=2147483647):comment_id>"
QUEUE_PAGE_SIZE = 20
LOG_PAGE_SIZE = 50


@blueprint.app_template_filter("with_line_breaks")
def with_line_breaks(text: str | None) -> Markup:
    """Escape plain text and keep its line breaks."""
    return escape(text or "").replace("\n", Markup("<br>\n"))


@blueprint.app_context_processor
def discussion_helpers() -> dict:
    """Give the idea page's discussion and progress parts what they need to draw forms."""
    return {
        "flag_reasons": forms.FLAG_REASONS,
        "update_statuses": forms.UPDATE_STATUSES,
        "comment_max_length": comments.MAX_BODY,
        "update_max_length": updates.MAX_BODY,
        "may_flag": lambda author_id: comments.may_flag(current_viewer(), author_id),
        "may_post_update": _may_post_update,
        "idea_status_label": lambda status: STATUS_LABELS.get(Status(status), status),
        "format_datetime": format_datetime,
    }


def _may_post_update(proposal) -> bool:
    viewer = current_viewer()
    return bool(
        viewer
        and viewer.is_staff
        and proposal.status in updates.UPDATABLE
        and can_manage(db.session, viewer, proposal.neighbourhood)
    )


def _back(proposal_id: int, anchor: str = "reacties"):
    return redirect(url_for("proposals.show", proposal_id=proposal_id) + f"#{anchor}")


def _refused(form, proposal_id: int, anchor: str = "reacties"):
    """Tell what was wrong (the idea page is drawn elsewhere, so by flash) and go back."""
    for message in form.form_errors:
        flash(message)
    for name, messages in form.errors.items():
        if name is not None:
            label = getattr(form, name).label.text if name != "csrf_token" else ""
            for message in messages:
                flash(f"{label}: {message}" if label else message)
    return _back(proposal_id, anchor)


# Comments and reports, posted from the idea page


@blueprint.post(f"{IDEA}/reacties")
@login_required
@comments_per_user
def post_comment(proposal_id: int):
    """Post a reaction, or a reply to one."""
    user, form = require_login(), forms.CommentForm()
    proposal = get_proposal(db.session, user, proposal_id)
    posted = form.validate_on_submit() and run_form(
        form,
        lambda: comments.post_comment(db.session, user, proposal, form.body.data, form.parent.data),
    )
    if not posted:
        return _refused(form, proposal_id)
    flash(gettext("Thank you for your reaction."))
    return _back(proposal_id, f"reactie-{posted.id}")


@blueprint.post(f"{COMMENT}/bewerken")
@login_required
def edit_comment(comment_id: int):
    """Change one's reaction (within 15 minutes)."""
    user, form = require_login(), forms.EditCommentForm()
    comment = comments.get_comment(db.session, user, comment_id)
    anchor = f"reactie-{comment.id}"
    if not form.validate_on_submit() or not run_form(
        form, lambda: comments.edit_comment(db.session, user, comment, form.body.data)
    ):
        return _refused(form, comment.proposal_id, anchor)
    flash(gettext("Your reaction is changed."))
    return _back(comment.proposal_id, anchor)


@blueprint.post(f"{COMMENT}/verwijderen")
@login_required
def delete_comment(comment_id: int):
    """Delete one's reaction."""
    user, form = require_login(), ButtonForm()
    comment = comments.get_comment(db.session, user, comment_id)
    proposal_id = comment.proposal_id
    if not form.validate_on_submit() or not run_form(
        form, lambda: comments.delete_comment(db.session, user, comment) or True
    ):
        return _refused(form, proposal_id)
    flash(gettext("Your reaction is deleted."))
    return _back(proposal_id)


def _report(form, action: Callable, proposal_id: int, anchor: str):
    reported = form.validate_on_submit() and run_form(form, action)
    if not reported:
        return _refused(form, proposal_id, anchor)
    if reported[1]:
        flash(gettext("Thank you for your report. Staff will look at it."))
    else:
        flash(gettext("You had already reported this. Staff will look at it."))
    return _back(proposal_id, anchor)


@blueprint.post(f"{COMMENT}/melden")
@login_required
@flags_per_user
def flag_comment(comment_id: int):
    """Report a reaction."""
    user, form = require_login(), forms.FlagForm()
    comment = comments.get_comment(db.session, user, comment_id)
    return _report(
        form,
        lambda: moderation.flag_comment(db.session, user, comment, form.reason.data),
        comment.proposal_id,
        f"reactie-{comment.id}",
    )


@blueprint.post(f"{IDEA}/melden")
@login_required
@flags_per_user
def flag_proposal(proposal_id: int):
    """Report an idea."""
    user, form = require_login(), forms.FlagForm()
    proposal = get_proposal(db.session, user, proposal_id)
    return _report(
        form,
        lambda: moderation.flag_proposal(db.session, user, proposal, form.reason.data),
        proposal_id,
        "reacties",
    )


@blueprint.post(f"{IDEA}/voortgang")
@staff_required
def post_update(proposal_id: int):
    """Post news about an idea (staff)."""
    staff, form = require_login(), forms.UpdateForm()
    proposal = moderation.moderatable_proposal(db.session, staff, proposal_id)
    if not form.validate_on_submit() or not run_form(
        form, lambda: updates.post_update(db.session, staff, proposal, form.service_data())
    ):
        return _refused(form, proposal_id, "voortgang")
    flash(gettext("The news is posted."))
    return _back(proposal_id, "voortgang")


# Moderation pages (staff)


def _queue_page(failed: tuple[str, forms.DecisionForm] | None = None):
    page = moderation_queue.moderation_queue(
        db.session, current_viewer(), request.args.get("cursor"), QUEUE_PAGE_SIZE
    )
    html = render_template(
        "proposals/moderation.html",
        page=page,
        failed=failed,
        decision_labels=forms.DECISION_LABELS,
        reason_labels=dict(forms.FLAG_REASONS),
    )
    return html, 422 if failed else 200


@blueprint.get("/beheer/moderatie")
@staff_required
def moderation_page():
    """Show what waits for a decision: submitted ideas and reported items."""
    return _queue_page()


def _decide(kind: str, item_id: int, action: Callable):
    form = forms.DecisionForm()
    if form.validate_on_submit() and run_form(
        form, lambda: action(form.decision.data, (form.reason.data or "").strip())
    ):
        flash(gettext("Your decision is saved."))
        return redirect(url_for("discussion.moderation_page"))
    return _queue_page(failed=(f"{kind}-{item_id}", form))


@blueprint.post("/beheer/moderatie/ideeen/<int(max=2147483647):item_id>")
@staff_required
def decide_on_proposal(item_id: int):
    """Save a decision about an idea."""
    staff = require_login()
    proposal = moderation.moderatable_proposal(db.session, staff, item_id)
    return _decide(
        "proposal",
        item_id,
        lambda decision, reason: moderation.decide_on_proposal(
            db.session, staff, proposal, decision, reason
        ),
    )


@blueprint.post("/beheer/moderatie/reacties/<int(max=2147483647):item_id>")
@staff_required
def decide_on_comment(item_id: int):
    """Save a decision about a reaction."""
    staff = require_login()
    comment = moderation.moderatable_comment(db.session, staff, item_id)
    return _decide(
        "comment",
        item_id,
        lambda decision, reason: moderation.decide_on_comment(
            db.session, staff, comment, decision, reason
        ),
    )


@blueprint.get("/beheer/moderatie/logboek")
@staff_required
def moderation_log_page():
    """Show who decided what, newest first."""
    page = moderation_queue.moderation_log(
        db.session, current_viewer(), request.args.get("cursor"), LOG_PAGE_SIZE
    )
    return render_template(
        "proposals/moderation_log.html", page=page, decision_labels=forms.LOG_LABELS
    )
