"""The staff queue of reports (/beheer/meldingen), with filters and a bulk status change."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request
from flask_babel import ngettext

from app.accounts.auth import current_viewer, require_staff, staff_required
from app.core.errors import DomainError
from app.core.forms import run_form
from app.extensions import db
from app.neighbourhoods.services import manageable_neighbourhoods
from app.reports import forms
from app.reports.models import Status
from app.reports.services import categories, queue

blueprint = Blueprint("report_queue", __name__)
PAGE_SIZE = 50


def queue_filters() -> dict:
    """Read the queue's filters from the query string: open reports by default."""
    args = request.args
    status = args.get("status", "open")
    return {
        "status": status if status in ("open", "all") or status in set(Status) else "open",
        "category": args.get("categorie", "")[:40],
        "neighbourhood": args.get("wijk", "")[:80],
        "assigned_to_me": args.get("mij") == "1",
    }


def _service_filters(filters: dict) -> dict:
    status = filters["status"]
    return {
        "status": [status] if status not in ("open", "all") else None,
        "open_only": status == "open",
        "category": filters["category"] or None,
        "neighbourhood": filters["neighbourhood"] or None,
        "assigned_to_me": filters["assigned_to_me"],
    }


def _queue_page(form: forms.BulkForm, status: int = 200):
    staff, filters = current_viewer(), queue_filters()
    problem = None
    try:
        page = queue.staff_queue(
            db.session, staff, _service_filters(filters), request.args.get("cursor"), PAGE_SIZE
        )
    except DomainError as error:
        page, problem = {"items": [], "next_cursor": None}, error.message
    html = render_template(
        "reports/queue.html",
        page=page,
        problem=problem,
        filters=filters,
        form=form,
        chosen=set(form.reports.data or []),
        neighbourhoods=manageable_neighbourhoods(db.session, staff),
        categories=categories.list_categories(db.session, include_inactive=True),
    )
    return html, status


@blueprint.get("/beheer/meldingen")
@staff_required
def queue_page():
    """Show the reports waiting for staff, longest unchanged first."""
    return _queue_page(forms.BulkForm(formdata=None))


@blueprint.post("/beheer/meldingen")
@staff_required
def bulk_change():
    """Give the chosen reports a new status, all of them or none."""
    staff, form = require_staff(), forms.BulkForm()
    changed = form.validate_on_submit() and run_form(
        form,
        lambda: queue.bulk_change_status(db.session, staff, form.reports.data, form.service_data()),
    )
    if not changed:
        return _queue_page(form, 422)
    flash(
        ngettext(
            "%(num)d report now has the status “%(status)s”.",
            "%(num)d reports now have the status “%(status)s”.",
            len(changed),
            status=forms.label(form.status.data),
        )
    )
    return redirect(request.full_path.rstrip("?"))
