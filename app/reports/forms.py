"""WTForms for the report pages: filing a report, the reporter's forms and the staff forms."""

from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    MultipleFileField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from app.core.errors import RuleViolation
from app.core.forms import REQUIRED
from app.reports.lifecycle import STATUS_LABELS
from app.reports.models import Category
from app.reports.services.categories import check_answers, localized


class CoordinateField(StringField):
    """A latitude or longitude as a number; a comma works as the decimal sign too."""

    def process_formdata(self, valuelist):
        self.raw_text = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if self.raw_text:
            try:
                self.data = float(self.raw_text.replace(",", "."))
            except ValueError:
                raise ValueError(_l("Write a number, like 52.0115.")) from None

    def _value(self):
        raw = getattr(self, "raw_text", None)
        return raw if raw is not None else ("" if self.data is None else f"{self.data:.6f}")


def answer_name(category: Category, code: str) -> str:
    """Return the form name of one answer; each category has its own, so they never mix."""
    return f"answer-{category.code}-{code}"


class ReportForm(FlaskForm):
    """File a report: category, photos, place, description and the category's questions."""

    category = RadioField(
        _l("What do you want to report?"),
        [InputRequired(message=_l("Choose what you want to report."))],
        choices=[],
    )
    photos = MultipleFileField(
        _l("Choose photos"),
        description=_l("Up to 5 photos. A photo helps us to fix it quickly."),
    )
    neighbourhood = SelectField(_l("Neighbourhood"), [Optional()], choices=[])
    complex = SelectField(
        _l("At one of our buildings?"),
        [Optional()],
        choices=[],
        description=_l("Choose the building complex if it is there."),
    )
    lat = CoordinateField(_l("Latitude (north)"), [Optional(), NumberRange(-90, 90)])
    lon = CoordinateField(_l("Longitude (east)"), [Optional(), NumberRange(-180, 180)])
    description = TextAreaField(
        _l("What is wrong?"),
        [REQUIRED, Length(max=4000)],
        description=_l("Say what you see and where exactly, like “behind the blue door”."),
    )

    def __init__(self, *args, categories=(), neighbourhoods=(), complexes=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.categories = {category.code: category for category in categories}
        self.category.choices = [
            SelectChoice(code, localized(c)) for code, c in self.categories.items()
        ]
        self.neighbourhood.choices = [SelectChoice("", _l("My own neighbourhood"))] + [
            SelectChoice(n.slug, n.name) for n in neighbourhoods
        ]
        self.complex.choices = [SelectChoice("", _l("No, somewhere else"))] + [
            SelectChoice(str(c.id), f"{c.name} ({c.neighbourhood.name})") for c in complexes
        ]
        self.answers: dict = {}
        self.answer_errors: dict[str, list[str]] = {}

    def chosen(self) -> Category | None:
        """Return the chosen category, if any."""
        return self.categories.get(self.category.data or "")

    def validate_lon(self, field) -> None:
        """Ask for both coordinates or neither."""
        if (self.lat.data is None) != (field.data is None):
            raise ValidationError(_l("Give both numbers, or leave both empty."))

    def validate(self, extra_validators=None) -> bool:
        """Check the fields, then the answers to the chosen category's questions."""
        valid = super().validate(extra_validators)
        category = self.chosen()
        if category is None:
            return valid
        given = {}
        for question in category.questions or []:
            name = answer_name(category, question["code"])
            values = [value for value in request.form.getlist(name) if value.strip()]
            if values:
                multi = question["datatype"] == "multivaluelist"
                given[question["code"]] = values if multi else values[0]
        self.answers = given
        try:
            self.answers = check_answers(category, given)
        except RuleViolation as error:
            self.answer_errors = (error.errors or {}).get("attributes", {})
            return False
        return valid

    def service_data(self) -> dict:
        """Return the report as create_report takes it."""
        data = {
            "category": self.category.data,
            "description": self.description.data.strip(),
            "attributes": self.answers,
        }
        if self.complex.data:
            data["complex"] = int(self.complex.data)
        if self.lat.data is not None and self.lon.data is not None:
            data.update(lat=self.lat.data, lon=self.lon.data)
        if self.neighbourhood.data:
            data["neighbourhood"] = self.neighbourhood.data
        return data


class PhotosForm(FlaskForm):
    """Add photos to a report."""

    photos = MultipleFileField(_l("Choose photos"))


class ReopenForm(FlaskForm):
    """The reporter says the problem is back, or was never fixed."""

    reason = TextAreaField(
        _l("What is still wrong?"), [REQUIRED, Length(max=2000)], id="reopen-reason"
    )


class FeedbackForm(FlaskForm):
    """The reporter's verdict on the fix."""

    fixed = RadioField(
        _l("Is the problem fixed?"),
        [InputRequired(message=_l("Please choose an answer."))],
        choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))],
    )
    satisfaction = RadioField(
        _l("How happy are you with how we handled it?"),
        [InputRequired(message=_l("Please choose an answer."))],
        choices=[SelectChoice(str(n), str(n)) for n in range(1, 6)],
    )
    remark = TextAreaField(_l("Anything else? (optional)"), [Length(max=2000)])

    def service_data(self) -> dict:
        """Return the feedback as give_feedback takes it."""
        return {
            "fixed": self.fixed.data == "yes",
            "satisfaction": int(self.satisfaction.data),
            "remark": (self.remark.data or "").strip(),
        }


class StatusFields(FlaskForm):
    """A new status with its note and the details some statuses need."""

    status = SelectField(_l("New status"), [REQUIRED], choices=[])
    note = TextAreaField(_l("Note"), [Length(max=2000)])
    visibility = RadioField(
        _l("Who sees the note?"),
        choices=[
            SelectChoice("public", _l("The reporter and followers")),
            SelectChoice("internal", _l("Only staff (internal)")),
        ],
        default="public",
    )
    expected_on = DateField(
        _l("Expected date"), [Optional()], description=_l("Needed for “Planned”.")
    )
    duplicate_of = IntegerField(
        _l("Number of the original report"),
        [Optional(), NumberRange(min=1, max=2_147_483_647)],
        description=_l("Needed for “Already reported”."),
    )
    referred_to = StringField(
        _l("Passed on to"), [Length(max=120)], description=_l("Needed for “Passed on”.")
    )

    def service_data(self) -> dict:
        """Return the change as change_status takes it."""
        data = {
            "status": self.status.data,
            "note": (self.note.data or "").strip(),
            "public": self.visibility.data != "internal",
            "expected_on": self.expected_on.data,
            "duplicate_of": self.duplicate_of.data,
        }
        if (self.referred_to.data or "").strip():
            data["referred_to"] = self.referred_to.data.strip()
        return data


class StatusForm(StatusFields):
    """A staff member moves one report on (or adds a note to it)."""

    def __init__(self, *args, current: str = "", allowed=(), **kwargs) -> None:
        fresh = kwargs.get("formdata", True) is None
        super().__init__(*args, **kwargs)
        keep = SelectChoice(
            current, _l("Keep “%(status)s” (only add a note)", status=label(current))
        )
        self.status.choices = [keep] + [SelectChoice(s.value, label(s)) for s in allowed]
        if fresh or not self.is_submitted():  # a fresh form proposes the next step
            self.status.data = allowed[0].value if allowed else current


class BulkForm(StatusFields):
    """A staff member moves the chosen reports of the queue on, all together."""

    reports = SelectMultipleField(_l("Reports"), choices=[], coerce=int, validate_choice=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.status.choices = [SelectChoice("", _l("Choose a status"))] + [
            SelectChoice(status.value, text) for status, text in STATUS_LABELS.items()
        ]


class AssignForm(FlaskForm):
    """Give a report to a staff member and/or a contractor."""

    assignee = SelectField(_l("Staff member"), [Optional()], choices=[])
    contractor = StringField(_l("Contractor (optional)"), [Length(max=120)])

    def __init__(self, *args, staff_members=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.assignee.choices = [SelectChoice("", _l("Nobody"))] + [
            SelectChoice(str(member.id), member.display_name) for member in staff_members
        ]

    def service_data(self) -> dict:
        """Return the assignment as assign takes it."""
        return {
            "assignee": int(self.assignee.data) if self.assignee.data else None,
            "contractor": (self.contractor.data or "").strip(),
        }


def label(status: str) -> str:
    """Return a status in words."""
    return str(STATUS_LABELS.get(status, status))
