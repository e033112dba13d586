"""WTForms of the volunteering pages: activities, shifts, check-in and attendance."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FloatField,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.accounts.services import find_user_by_email
from app.core.forms import REQUIRED
from app.core.i18n import local_zone
from app.core.themes import theme_choices
from app.extensions import db
from app.volunteering.schemas import MAX_CAPACITY, MAX_ID, PLACES_RANGE
from app.volunteering.services.shifts import DATE_RANGE, EARLIEST, LATEST

STATUS_LABELS = {
    "draft": _l("Draft: only the organisers see it"),
    "published": _l("Published: everyone can sign up"),
    "cancelled": _l("Cancelled: everyone signed up is told"),
    "completed": _l("Completed"),
}
EMAILS = re.compile(r"[\s,;]+")


def to_utc(day: date, moment: time) -> datetime:
    """Return a Dutch wall-clock date and time as an aware UTC datetime."""
    return datetime.combine(day, moment, tzinfo=local_zone()).astimezone(UTC)


class CoordinateField(FloatField):
    """A latitude or longitude; a decimal comma is read as a point (52,0131)."""

    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [valuelist[0].strip().replace(",", ".")]
        super().process_formdata(valuelist)


class ShiftFields(Form):
    """One shift: a day, start and end time in Dutch time, places and an optional task."""

    row_optional = True  # a row of the new-activity form may stay empty
    day = DateField(_l("Date"), [Optional()])
    start = TimeField(_l("From"), [Optional()])
    end = TimeField(_l("Until"), [Optional()])  # before the start: the next day (see the page)
    capacity = IntegerField(
        _l("Places"),
        [Optional(), NumberRange(min=1, max=MAX_CAPACITY, message=PLACES_RANGE)],
        default=None,
    )
    task = StringField(
        _l("Task (optional)"),
        [Optional(), Length(max=120)],
        description=_l("For example “pouring coffee”."),
    )

    def is_empty(self) -> bool:
        """Tell whether nothing was filled in."""
        fields = (self.day, self.start, self.end, self.capacity, self.task)
        return not any((f.raw_data or [""])[0].strip() for f in fields)

    def validate(self, extra_validators=None) -> bool:
        """Check the row; a filled-in row (or a required one) needs day, times and places."""
        valid = super().validate(extra_validators)
        if self.row_optional and self.is_empty():
            return valid
        if self.day.data and not EARLIEST.year <= self.day.data.year < LATEST.year:
            self.day.errors = [*self.day.errors, str(DATE_RANGE)]
            valid = False
        for field in (self.day, self.start, self.end, self.capacity):
            if field.data is None and not field.errors:
                field.errors = [*field.errors, str(REQUIRED.message)]
                valid = False
        return valid

    def service_data(self) -> dict:
        """Return the shift as service input, with UTC times."""
        starts_at = to_utc(self.day.data, self.start.data)
        ends_at = to_utc(self.day.data, self.end.data)
        if self.end.data < self.start.data:
            ends_at = to_utc(self.day.data + timedelta(days=1), self.end.data)
        return {
            "starts_at": starts_at,
            "ends_at": ends_at,
            "capacity": self.capacity.data,
            "task": (self.task.data or "").strip(),
        }

    def fill(self, shift) -> None:
        """Show a saved shift in Dutch time."""
        start, end = (
            shift.starts_at.astimezone(local_zone()),
            shift.ends_at.astimezone(local_zone()),
        )
        self.day.data, self.start.data, self.end.data = start.date(), start.time(), end.time()
        self.capacity.data, self.task.data = shift.capacity, shift.task


class ShiftForm(FlaskForm, ShiftFields):
    """Add one shift to an activity."""

    row_optional = False


class ShiftEditForm(ShiftForm):
    """Change one shift; lowering the places needs an explicit choice."""

    overflow = BooleanField(
        _l("If fewer places than volunteers: move the last to sign up back to the waitlist"),
    )

    def changes(self) -> dict:
        """Return the changes as service input."""
        return {**self.service_data(), "overflow": "waitlist" if self.overflow.data else "refuse"}


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class ActivityForm(FlaskForm):
    """An activity's details; staff also name its organisers by e-mail address."""

    title = StringField(_l("Title"), [REQUIRED, Length(min=3, max=120)])
    description = TextAreaField(
        _l("What are we going to do?"),
        [REQUIRED, Length(max=5000)],
    )
    theme = RadioField(_l("Theme"), [REQUIRED], choices=[])
    location = StringField(
        _l("Where"),
        [REQUIRED, Length(max=200)],
        description=_l("An address or a place people know, like “the playground on the square”."),
    )
    lat = CoordinateField(_l("Latitude (optional)"), [Optional(), NumberRange(-90, 90)])
    lon = CoordinateField(_l("Longitude (optional)"), [Optional(), NumberRange(-180, 180)])
    requirements = TextAreaField(
        _l("Good to know (optional)"),
        [Optional(), Length(max=2000)],
        description=_l("One per line, like “minimum age 16” or “bring gloves”."),
    )
    proposal = SelectField(
        _l("Idea it helps carry out (optional)"), choices=[], coerce=str, default=""
    )
    organisers = TextAreaField(
        _l("Organisers (optional)"),
        [Optional(), Length(max=2000)],
        description=_l(
            "E-mail addresses of residents or colleagues who run this activity, one per line."
        ),
    )
    status = RadioField(_l("Status"), [REQUIRED], choices=[])

    def __init__(self, *args, ideas=(), statuses=("draft", "published"), staff=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.theme.choices = theme_choices()
        self.proposal.choices = [SelectChoice("", _l("None"))] + [
            SelectChoice(str(idea_id), label) for idea_id, label in ideas
        ]
        self.status.choices = [SelectChoice(s, STATUS_LABELS[s]) for s in statuses]
        self.organiser_ids: list[int] = []
        if not staff:
            del self.organisers

    def validate_organisers(self, field) -> None:
        """Look the organisers up by e-mail address; an unknown address is an error."""
        unknown, self.organiser_ids = [], []
        for email in EMAILS.split(field.data or ""):
            if not email:
                continue
            user = find_user_by_email(db.session, email)
            if user is None:
                unknown.append(email)
            elif user.id not in self.organiser_ids:
                self.organiser_ids.append(user.id)
        if unknown:
            raise ValidationError(
                _l("No account has this e-mail address: %(emails)s", emails=", ".join(unknown))
            )

    def details(self) -> dict:
        """Return the details as service input."""
        data = {
            "title": " ".join(self.title.data.split()),
            "description": self.description.data.strip(),
            "theme": self.theme.data,
            "location": self.location.data.strip(),
            "lat": self.lat.data,
            "lon": self.lon.data,
            "requirements": _lines(self.requirements.data),
            "proposal": int(self.proposal.data) if self.proposal.data else None,
            "status": self.status.data,
        }
        if "organisers" in self:
            data["organisers"] = self.organiser_ids
        return data

    def fill(self, activity, organisers: list) -> None:
        """Show a saved activity's details."""
        self.requirements.data = "\n".join(activity.requirements or [])
        self.proposal.data = str(activity.proposal_id or "")
        if "organisers" in self:
            self.organisers.data = "\n".join(user.email for user in organisers)


class NewActivityForm(ActivityForm):
    """A new activity: its neighbourhood and its first shifts (empty rows are skipped)."""

    neighbourhood = SelectField(_l("Neighbourhood"), [REQUIRED], choices=[])
    shifts = FieldList(FormField(ShiftFields), min_entries=3, max_entries=10)

    def __init__(self, *args, neighbourhoods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.neighbourhood.choices = [SelectChoice(n.slug, n.name) for n in neighbourhoods]

    def validate_shifts(self, field) -> None:
        """Ask for at least one shift."""
        if all(entry.form.is_empty() for entry in field.entries):
            raise ValidationError(_l("Add at least one shift."))

    def service_data(self) -> dict:
        """Return the new activity as service input."""
        data = self.details()
        if not data.get("organisers"):
            data.pop("organisers", None)  # staff may run it alone; a resident runs what they add
        shifts = [e.form.service_data() for e in self.shifts.entries if not e.form.is_empty()]
        return {**data, "neighbourhood": self.neighbourhood.data, "shifts": shifts}


class CheckInForm(FlaskForm):
    """Check a volunteer in: by the button next to their name, or by their code."""

    user_id = HiddenField()
    code = StringField(
        _l("Volunteer's code"),
        [Length(max=200)],
        description=_l("Scan the QR code in their app, or type or paste the code below it."),
    )

    def validate_code(self, field) -> None:
        """Ask for a code when no volunteer was chosen."""
        if not (field.data or "").strip() and self.volunteer_id() is None:
            raise ValidationError(REQUIRED.message)

    def volunteer_id(self) -> int | None:
        """Return the volunteer chosen by button, or None when a code was given."""
        text = self.user_id.data or ""
        if not (text.isascii() and text.isdigit()) or int(text) > MAX_ID:
            return None
        return int(text)


class AttendanceForm(FlaskForm):
    """After the shift: tick who came; the others are recorded as not having come."""

    attended = SelectMultipleField(
        _l("Who came?"),
        choices=[],
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validate_choice=True,
    )

    def __init__(self, *args, volunteers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.attended.choices = [(s.user_id, s.user.display_name) for s in volunteers]
