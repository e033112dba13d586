"""The organiser's check-in page of a shift: check people in, then confirm who came."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext, ngettext
from flask_login import login_required

from app.accounts.auth import require_login
from app.accounts.models import User
from app.core.db import utcnow
from app.core.forms import run_form
from app.extensions import db
from app.volunteering.forms import AttendanceForm, CheckInForm
from app.volunteering.models import Attendance, Shift, Signup, SignupStatus
from app.volunteering.services import attendance, shifts
from app.volunteering.services.attendance import CHECK_IN_OPENS
from app.volunteering.views import SHIFT, blueprint


def _confirmed(people: list[Signup]) -> list[Signup]:
    return [p for p in people if p.status == SignupStatus.CONFIRMED]


def _came(shift: Shift, confirmed: list[Signup]) -> list[int]:
    """Return who to tick: as recorded once confirmed, else who was checked in."""
    if shift.attendance_confirmed_at is not None:
        return [p.user_id for p in confirmed if p.attendance == Attendance.ATTENDED]
    return [p.user_id for p in confirmed if p.checked_in_at is not None]


def render_check_in(shift: Shift, user: User, status: int = 200, **given):
    """Draw the check-in page (its organisers); a form that failed comes in `given`."""
    people = attendance.attendees(db.session, user, shift)
    confirmed, now = _confirmed(people), utcnow()
    page = render_template(
        "volunteering/check_in.html",
        shift=shift,
        activity=shift.activity,
        confirmed=confirmed,
        waiting=[p for p in people if p.status == SignupStatus.WAITLISTED],
        checked_in=sum(1 for p in confirmed if p.checked_in_at is not None),
        open=shift.cancelled_at is None and now >= shift.starts_at - CHECK_IN_OPENS,
        started=now >= shift.starts_at,
        form=given.get("form") or CheckInForm(formdata=None),
        attendance_form=given.get("attendance_form")
        or AttendanceForm(
            formdata=None, volunteers=confirmed, data={"attended": _came(shift, confirmed)}
        ),
    )
    return page, status


@blueprint.get(f"{SHIFT}/inchecken")
@login_required
def check_in_page(shift_id: int):
    """Show who is coming, with a check-in button each, a code field and the waitlist."""
    user = require_login()
    return render_check_in(shifts.get_shift(db.session, user, shift_id), user)


@blueprint.post(f"{SHIFT}/inchecken")
@login_required
def check_in(shift_id: int):
    """Check a volunteer in by the button next to their name, or by their code."""
    user = require_login()
    shift = shifts.get_shift(db.session, user, shift_id, lock=True)
    form = CheckInForm()

    def act() -> Signup:
        volunteer = form.volunteer_id()
        if volunteer is None:
            return attendance.check_in_by_code(db.session, user, shift, form.code.data.strip())
        return attendance.check_in(db.session, user, shift, volunteer)

    if form.validate_on_submit() and (signup := run_form(form, act)):
        flash(gettext("%(name)s is checked in.", name=signup.user.display_name))
        return redirect(url_for("volunteering.check_in_page", shift_id=shift.id))
    return render_check_in(shift, user, 422, form=form)


@blueprint.post(f"{SHIFT}/aanwezigheid")
@login_required
def confirm_attendance(shift_id: int):
    """Record who came (hours for them) and who did not, once the shift has started."""
    user = require_login()
    shift = shifts.get_shift(db.session, user, shift_id, lock=True)
    form = AttendanceForm(volunteers=_confirmed(attendance.attendees(db.session, user, shift)))
    came = set(form.attended.data or [])
    if form.validate_on_submit() and (
        run_form(form, lambda: attendance.confirm_attendance(db.session, user, shift, came))
        is not None
    ):
        flash(
            ngettext(
                "Attendance is saved: %(num)d volunteer came.",
                "Attendance is saved: %(num)d volunteers came.",
                len(came),
            )
        )
        return redirect(url_for("volunteering.check_in_page", shift_id=shift.id))
    return render_check_in(shift, user, 422, attendance_form=form)
