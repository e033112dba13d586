"""The status workflow of a report: forward steps for staff, closing, and reopening."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.core.errors import Conflict
from app.reports.models import Status

S = Status
# The open steps in order; staff may skip ahead but never step back (only reopen goes back).
OPEN_STEPS = (S.SUBMITTED, S.ACKNOWLEDGED, S.PLANNED, S.IN_PROGRESS)
CLOSED = frozenset(
    {S.RESOLVED, S.DUPLICATE, S.REFERRED, S.NOT_OUR_RESPONSIBILITY, S.CLOSED_UNRESOLVED}
)
REOPEN_DAYS = 14  # after `resolved`, the reporter may reopen or give feedback this long

STATUS_LABELS = {
    S.SUBMITTED: _l("Received"),
    S.ACKNOWLEDGED: _l("Seen by staff"),
    S.PLANNED: _l("Planned"),
    S.IN_PROGRESS: _l("Being fixed"),
    S.RESOLVED: _l("Fixed"),
    S.DUPLICATE: _l("Already reported"),
    S.REFERRED: _l("Passed on"),
    S.NOT_OUR_RESPONSIBILITY: _l("Not for the housing corporation"),
    S.CLOSED_UNRESOLVED: _l("Closed without a fix"),
}


def is_open(status: str) -> bool:
    """Tell whether a report in this status still needs work."""
    return status not in CLOSED


def allowed_next(current: str) -> list[Status]:
    """Return the statuses staff may move a report to from `current`."""
    if current in CLOSED:
        return []
    later = OPEN_STEPS[OPEN_STEPS.index(Status(current)) + 1 :]
    return [*later, *sorted(CLOSED)]


def check_move(current: str, wanted: str) -> None:
    """Raise Conflict (409) unless staff may move a report from `current` to `wanted`."""
    if wanted in allowed_next(current):
        return
    if current in CLOSED:
        message = gettext("This report is closed. Reopen it first to change its status.")
    else:
        message = gettext(
            "A report cannot go from “%(current)s” back to “%(wanted)s”. Reopen it instead.",
            current=STATUS_LABELS[Status(current)],
            wanted=STATUS_LABELS[Status(wanted)],
        )
    raise Conflict(message)
