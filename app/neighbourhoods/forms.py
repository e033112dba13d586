"""WTForms for the neighbourhood pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from app.core.forms import REQUIRED


class VerifyForm(FlaskForm):
    """Type the invite code from the letter."""

    code = StringField(
        _l("Code from the letter"),
        [REQUIRED, Length(max=20)],
        description=_l("Eight letters and digits, like KM7Q-X3PD."),
    )


class NeighbourhoodForm(FlaskForm):
    """Add or edit a neighbourhood."""

    name = StringField(_l("Name"), [REQUIRED, Length(min=2, max=80)])
    description = TextAreaField(_l("Description"), [Optional(), Length(max=5000)])
    focus = BooleanField(_l("Focus neighbourhood"))
    focus_reason = TextAreaField(
        _l("Why is this a focus neighbourhood?"), [Optional(), Length(max=1000)]
    )

    def changes(self) -> dict:
        """Return the submitted values as service input."""
        return {
            "name": " ".join(self.name.data.split()),
            "description": (self.description.data or "").strip(),
            "focus": self.focus.data,
            "focus_reason": (self.focus_reason.data or "").strip(),
        }


class ImportForm(FlaskForm):
    """Upload a CSV file of homes."""

    file = FileField(
        _l("CSV file"),
        [FileRequired(message=_l("Choose a CSV file."))],
        description=_l("Columns: straat, huisnummer, toevoeging, postcode, plaats, complex."),
    )
