"""The volunteer's own shifts, hours and check-in code."""

from __future__ import annotations

from flask_login import login_required

from app.accounts.auth import require_login
from app.extensions import db
from app.volunteering import schemas
from app.volunteering.api import blp
from app.volunteering.services import attendance, signups, tokens


@blp.get("/me/signups")
@login_required
@blp.response(200, schemas.MySignupsSchema)
def my_signups():
    """List my upcoming shifts (soonest first) and past ones (latest first), with status."""
    user = require_login()
    upcoming = signups.my_signups(db.session, user, past=False)
    past = signups.my_signups(db.session, user, past=True)
    return {
        "upcoming": signups.with_positions(db.session, upcoming),
        "past": signups.with_positions(db.session, past),
    }


@blp.get("/me/volunteering")
@login_required
@blp.response(200, schemas.VolunteeringSchema)
def my_volunteering():
    """Show my credited hours, what I have done, and the code of my check-in QR code."""
    user = require_login()
    summary = attendance.volunteering_summary(db.session, user)
    signups.with_positions(db.session, summary["history"])
    return {**summary, "check_in_code": tokens.pass_token(user)}
