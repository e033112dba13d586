"""Blinker signals that features emit after commit; push and others subscribe to them.

Receivers get plain ids and values (never ORM objects, which belong to a finished session).
"""

from __future__ import annotations

from blinker import Namespace
from sqlalchemy.orm import Session

from app.core.db import on_commit

leefbaar_signals = Namespace()

proposal_status_changed = leefbaar_signals.signal("proposal-status-changed")
proposal_update_posted = leefbaar_signals.signal("proposal-update-posted")
comment_posted = leefbaar_signals.signal("comment-posted")
content_hidden = leefbaar_signals.signal("content-hidden")


def emit_after_commit(session: Session, signal, **payload) -> None:
    """Send the signal once the current transaction commits; a rollback drops it."""
    on_commit(session, lambda: signal.send(None, **payload))


report_submitted = leefbaar_signals.signal("report-submitted")
report_status_changed = leefbaar_signals.signal("report-status-changed")

volunteer_signed_up = leefbaar_signals.signal("volunteer-signed-up")
volunteer_promoted = leefbaar_signals.signal("volunteer-promoted")
volunteer_waitlisted = leefbaar_signals.signal("volunteer-waitlisted")
shift_changed = leefbaar_signals.signal("shift-changed")
shift_cancelled = leefbaar_signals.signal("shift-cancelled")
shift_reminder_due = leefbaar_signals.signal("shift-reminder-due")
