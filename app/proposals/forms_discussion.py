"""WTForms behind the comment, report, progress and moderation forms.

The idea page renders these forms by hand (it includes _comments.html and _updates.html with
only its own variables), so the field names here are the names used in those templates.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.core.forms import REQUIRED
from app.proposals.lifecycle import STATUS_LABELS
from app.proposals.models import FlagReason
from app.proposals.services.comments import MAX_BODY as MAX_COMMENT
from app.proposals.services.moderation import Decision
from app.proposals.services.updates import MAX_BODY as MAX_UPDATE
from app.proposals.services.updates import NEW_STATUSES

FLAG_REASONS = [
    (FlagReason.SPAM.value, _l("Spam or advertising")),
    (FlagReason.OFFENSIVE.value, _l("Offensive or hurtful")),
    (FlagReason.OFF_TOPIC.value, _l("Not about this idea")),
    (FlagReason.PRIVACY.value, _l("Shares private information")),
]
DECISION_LABELS = {
    Decision.PUBLISH: _l("Publish"),
    Decision.REJECT: _l("Reject"),
    Decision.HIDE: _l("Hide"),
    Decision.RESTORE: _l("Show again"),
    Decision.DISMISS_FLAGS: _l("Reports are unfounded"),
}
LOG_LABELS = {**DECISION_LABELS, "auto_hide": _l("Hidden by reports")}
UPDATE_STATUSES = [("", _l("No change")), *((s.value, STATUS_LABELS[s]) for s in NEW_STATUSES)]


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class CommentForm(FlaskForm):
    """Write a comment, or a reply (parent: the top-level comment's id)."""

    body = TextAreaField(_l("Your reaction"), [REQUIRED, Length(max=MAX_COMMENT)])
    parent = IntegerField(validators=[Optional()])


class EditCommentForm(FlaskForm):
    """Change the text of one's comment."""

    body = TextAreaField(_l("Your reaction"), [REQUIRED, Length(max=MAX_COMMENT)])


class FlagForm(FlaskForm):
    """Report an idea or a comment."""

    reason = SelectField(_l("What is wrong?"), choices=_choices(FLAG_REASONS))


class DecisionForm(FlaskForm):
    """A staff decision about an idea or a comment."""

    decision = RadioField(
        _l("Decision"),
        [InputRequired(message=_l("Choose a decision."))],
        choices=_choices((d.value, label) for d, label in DECISION_LABELS.items()),
    )
    reason = TextAreaField(_l("Reason (the author sees it)"), [Optional(), Length(max=2000)])


class UpdateForm(FlaskForm):
    """Staff's news about an idea."""

    body = TextAreaField(_l("What is the news?"), [REQUIRED, Length(max=MAX_UPDATE)])
    progress = IntegerField(
        _l("Progress in percent (optional)"),
        [Optional(), NumberRange(0, 100, message=_l("Give a percentage from 0 to 100."))],
    )
    status = SelectField(_l("New status"), choices=_choices(UPDATE_STATUSES))

    def service_data(self) -> dict:
        """Return the submitted values as service input."""
        return {
            "body": self.body.data or "",
            "progress": self.progress.data,
            "status": self.status.data or None,
        }
