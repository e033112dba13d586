"""WTForms for the idea and round pages."""

from __future__ import annotations

import re
from datetime import UTC

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from app.core.forms import REQUIRED
from app.core.i18n import local_zone
from app.core.themes import theme_choices
from app.proposals.models import VoteStyle, VoteUnit

EURO = re.compile(r"^\s*(\d{1,8})(?:[.,](\d{1,2}))?\s*$")


def euros_to_cents(text: str) -> int:
    """Read an amount as people type it ('1250', '1250,50', '€ 12.5') into cents."""
    match = EURO.match(text.replace("€", ""))
    if not match:
        raise ValidationError(_l("Write an amount in euros, like 1250 or 1250,50."))
    return int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0"))


def cents_to_euros(cents: int | None) -> str:
    """Write cents as an amount to edit: 125050 becomes '1250,50'."""
    if cents is None:
        return ""
    whole, part = divmod(cents, 100)
    return f"{whole},{part:02d}" if part else str(whole)


class EuroField(StringField):
    """An amount in euros, stored as cents; empty means none."""

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        self.raw_text = text
        self.data = euros_to_cents(text) if text else None

    def _value(self):
        return getattr(self, "raw_text", None) or cents_to_euros(self.data)


class LocalDateTimeField(DateTimeLocalField):
    """A date and time as people in the Netherlands read it, stored in UTC."""

    def process_data(self, value):
        self.data = value.astimezone(local_zone()).replace(tzinfo=None) if value else value

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None:
            self.data = self.data.replace(tzinfo=local_zone()).astimezone(UTC)


class ProposalForm(FlaskForm):
    """Write or edit an idea."""

    title = StringField(
        _l("Title"),
        [REQUIRED, Length(min=5, max=120)],
        description=_l("Say in a few words what you want, like “Benches by the playground”."),
    )
    body = TextAreaField(
        _l("Your idea"),
        [REQUIRED, Length(max=5000)],
        description=_l("What is the problem, what would you like to do, and who helps?"),
    )
    theme = RadioField(_l("Theme"), [REQUIRED], choices=[])
    neighbourhood = SelectField(_l("Neighbourhood"), [REQUIRED], choices=[])
    round = SelectField(_l("Budget round"), [Optional()], choices=[], coerce=str)
    budget = EuroField(
        _l("Money needed (optional)"),
        description=_l("In euros. Leave empty if your idea costs nothing."),
    )

    def __init__(self, *args, neighbourhoods=(), rounds=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.theme.choices = theme_choices()
        self.neighbourhood.choices = [SelectChoice(n.slug, n.name) for n in neighbourhoods]
        self.round.choices = [SelectChoice("", _l("No round"))] + [
            SelectChoice(str(r.id), f"{r.title} ({r.neighbourhood.name})") for r in rounds
        ]

    def changes(self) -> dict:
        """Return the submitted values as service input."""
        return {
            "title": " ".join(self.title.data.split()),
            "body": self.body.data.strip(),
            "theme": self.theme.data,
            "neighbourhood": self.neighbourhood.data,
            "round": int(self.round.data) if self.round.data else None,
            "budget_cents": self.budget.data,
        }


class RoundForm(FlaskForm):
    """Start or edit a budget round."""

    neighbourhood = SelectField(_l("Neighbourhood"), [REQUIRED], choices=[])
    title = StringField(_l("Title"), [REQUIRED, Length(min=3, max=120)])
    description = TextAreaField(_l("Description"), [Optional(), Length(max=5000)])
    budget = EuroField(_l("Budget"), [REQUIRED], description=_l("In euros."))
    submission_opens_at = LocalDateTimeField(_l("Ideas can be sent in from"), [REQUIRED])
    submission_closes_at = LocalDateTimeField(_l("Ideas can be sent in until"), [REQUIRED])
    voting_opens_at = LocalDateTimeField(_l("Voting opens"), [REQUIRED])
    voting_closes_at = LocalDateTimeField(_l("Voting closes"), [REQUIRED])
    style = RadioField(
        _l("How people vote"),
        choices=[
            SelectChoice(VoteStyle.APPROVAL.value, _l("Each resident picks a number of ideas")),
            SelectChoice(
                VoteStyle.BUDGET.value, _l("Each resident picks ideas that fit in the budget")
            ),
        ],
        default=VoteStyle.APPROVAL.value,
    )
    votes_per_resident = IntegerField(
        _l("Votes per resident"), [Optional(), NumberRange(min=1, max=100)], default=3
    )
    vote_unit = RadioField(
        _l("Who votes"),
        choices=[
            SelectChoice(VoteUnit.PERSON.value, _l("Every verified resident")),
            SelectChoice(VoteUnit.HOUSEHOLD.value, _l("One vote per home")),
        ],
        default=VoteUnit.PERSON.value,
    )
    hide_counts = BooleanField(_l("Keep the number of votes secret until voting closes"))

    def __init__(self, *args, neighbourhoods=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.neighbourhood.choices = [SelectChoice(n.slug, n.name) for n in neighbourhoods]

    def changes(self, *, with_neighbourhood: bool) -> dict:
        """Return the submitted values as service input."""
        data = {
            "title": " ".join(self.title.data.split()),
            "description": (self.description.data or "").strip(),
            "budget_cents": self.budget.data,
            "submission_opens_at": self.submission_opens_at.data,
            "submission_closes_at": self.submission_closes_at.data,
            "voting_opens_at": self.voting_opens_at.data,
            "voting_closes_at": self.voting_closes_at.data,
            "style": self.style.data,
            "votes_per_resident": self.votes_per_resident.data,
            "vote_unit": self.vote_unit.data,
            "hide_counts": self.hide_counts.data,
        }
        if with_neighbourhood:
            data["neighbourhood"] = self.neighbourhood.data
        return data
