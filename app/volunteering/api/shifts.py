"""Shifts: change and cancel them, sign up and cancel, attendee lists, check-in, attendance."""

from __future__ import annotations

from flask_login import login_required

from app.accounts.auth import require_login
from app.core.db import commit
from app.extensions import db
from app.volunteering import schemas
from app.volunteering.api import SHIFT, blp
from app.volunteering.models import Shift
from app.volunteering.services import attendance, signups
from app.volunteering.services import shifts as services


def _shift(shift_id: int, user, *, lock: bool = False) -> Shift:
    return services.get_shift(db.session, user, shift_id, lock=lock)


def _with_position(signup):
    return signups.with_positions(db.session, [signup])[0]


def _annotated(shift: Shift, user) -> Shift:
    mine = signups.my_signups_by_shift(db.session, user, [shift.id]).get(shift.id)
    shift.my_signup = _with_position(mine) if mine and mine.status in signups.ACTIVE else None
    return shift


@blp.patch(SHIFT)
@login_required
@blp.arguments(schemas.ShiftUpdateSchema)
@blp.response(200, schemas.ShiftSchema)
def update_shift(changes, shift_id):
    """Change a shift's times, task or capacity; raising it confirms people who wait."""
    user = require_login()
    services.update_shift(db.session, user, _shift(shift_id, user, lock=True), changes)
    commit(db.session)
    return _annotated(_shift(shift_id, user), user)


@blp.post(f"{SHIFT}/cancel")
@login_required
@blp.response(200, schemas.ShiftSchema)
def cancel_shift(shift_id):
    """Cancel a shift; everyone signed up is told (its organisers)."""
    user = require_login()
    services.cancel_shift(db.session, user, _shift(shift_id, user, lock=True))
    commit(db.session)
    return _annotated(_shift(shift_id, user), user)


@blp.post(f"{SHIFT}/signup")
@login_required
@blp.response(201, schemas.SignupSchema)
@blp.alt_response(200, schema=schemas.SignupSchema, description="Already signed up")
def sign_up(shift_id):
    """Take a place while there is one, else join the waitlist; twice gives the same signup."""
    signup, created = signups.sign_up(db.session, require_login(), shift_id)
    _with_position(signup)
    commit(db.session, keep_loaded=True)  # the answer is what was just written
    return signup, 201 if created else 200


@blp.delete(f"{SHIFT}/signup")
@login_required
@blp.response(200, schemas.SignupSchema)
def cancel_signup(shift_id):
    """Give up your place or leave the waitlist; the first who waits moves up at once."""
    signup = signups.cancel_signup(db.session, require_login(), shift_id)
    commit(db.session, keep_loaded=True)
    signup.waitlist_position = None
    return signup


@blp.get(f"{SHIFT}/attendees")
@login_required
@blp.response(200, schemas.AttendeeSchema(many=True))
def list_attendees(shift_id):
    """List who is confirmed and who waits, with check-in and attendance (its organisers)."""
    user = require_login()
    return attendance.attendees(db.session, user, _shift(shift_id, user))


@blp.post(f"{SHIFT}/check-in")
@login_required
@blp.arguments(schemas.CheckInSchema)
@blp.response(200, schemas.AttendeeSchema)
def check_in(data, shift_id):
    """Check a confirmed volunteer in, by user id or by their QR code (its organisers)."""
    user = require_login()
    shift = _shift(shift_id, user, lock=True)
    if "code" in data:
        signup = attendance.check_in_by_code(db.session, user, shift, data["code"])
    else:
        signup = attendance.check_in(db.session, user, shift, data["user_id"])
    commit(db.session)
    return _with_position(signup)


@blp.post(f"{SHIFT}/attendance")
@login_required
@blp.arguments(schemas.AttendanceSchema)
@blp.response(200, schemas.AttendeeSchema(many=True))
def confirm_attendance(data, shift_id):
    """Confirm who came once the shift started: hours for them, no-show for the others."""
    user = require_login()
    attended = set(data["attended"]) if "attended" in data else None
    shift = _shift(shift_id, user, lock=True)
    rows = attendance.confirm_attendance(db.session, user, shift, attended)
    commit(db.session)
    return signups.with_positions(db.session, rows)
