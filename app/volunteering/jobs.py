"""Scheduled work of volunteering: reminders the day before and shortly before a shift."""

from __future__ import annotations

import logging

from huey import crontab

from app.core.db import commit, write_intent
from app.core.jobs import periodic_task
from app.extensions import db
from app.volunteering.services.reminders import send_due_reminders

log = logging.getLogger(__name__)


def remind_due_shifts() -> int:
    """Send the shift reminders that are due (each one once) in one transaction; return how many."""
    # SQLite: take the write lock up front, so a second worker waits and then sees the marks.
    with write_intent():
        sent = send_due_reminders(db.session)
        commit(db.session)
    if sent:
        log.info("Sent %d shift reminders", sent)
    return sent


@periodic_task(crontab(minute="*/5"))
def send_shift_reminders() -> None:
    """Every five minutes, send the shift reminders that are due."""
    remind_due_shifts()
