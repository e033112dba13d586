"""My volunteering (/account/vrijwilligerswerk): shifts, hours, check-in code, calendar address."""

from __future__ import annotations

import segno
from flask import render_template, request, url_for
from flask_babel import gettext
from flask_login import login_required
from markupsafe import Markup

from app.accounts.auth import require_login
from app.core.forms import ButtonForm
from app.extensions import db
from app.volunteering import permissions
from app.volunteering.models import SignupStatus
from app.volunteering.services import attendance, signups, tokens
from app.volunteering.services import calendar as calendar_service
from app.volunteering.views import blueprint
from app.volunteering.views.pages import run_button


def qr_code(text: str, title: str) -> Markup:
    """Return a QR code as inline SVG: no style attributes, so the strict CSP allows it."""
    svg = segno.make(text, error="m").svg_inline(
        border=4, dark="#000", light="#fff", omitsize=True, svgclass="qr-code", title=title
    )
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S704  (segno escapes)


@blueprint.get("/account/vrijwilligerswerk")
@login_required
def mine():
    """Show my shifts, my hours, my check-in code and my calendar address."""
    user = require_login()
    upcoming = signups.my_signups(db.session, user, past=False)
    past = signups.my_signups(db.session, user, past=True)
    return render_template(
        "volunteering/mine.html",
        upcoming=signups.with_positions(db.session, upcoming),
        past=[s for s in past if s.status == SignupStatus.CONFIRMED],
        summary=attendance.volunteering_summary(db.session, user),
        code=tokens.pass_token(user),
        qr=qr_code(tokens.pass_token(user), gettext("Your check-in code")),
        calendar=calendar_service.feed_address(tokens.calendar_feed(db.session, user)),
        organises=permissions.can_create(db.session, user),
        button=ButtonForm(),
    )


@blueprint.post("/account/vrijwilligerswerk/agenda")
@login_required
def calendar():
    """Make or renew the private calendar address, or switch it off."""
    user = require_login()

    def act() -> str:
        if request.form.get("action") == "off":
            tokens.revoke_calendar(db.session, user)
            return gettext("Your calendar address is switched off. It no longer works.")
        tokens.renew_calendar(db.session, user)
        return gettext("Your calendar address is ready. Add it to your calendar app.")

    return run_button(act, url_for("volunteering.mine") + "#agenda")
