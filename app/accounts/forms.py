"""WTForms for the account pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import Length

from app.core.forms import REQUIRED

# SelectChoice, not tuples: WTForms 3.3 deprecates tuple choices.
LANGUAGE_CHOICES = [SelectChoice("nl", "Nederlands"), SelectChoice("en", "English")]


class RegisterForm(FlaskForm):
    """Create an account."""

    display_name = StringField(_l("Your name"), [REQUIRED, Length(max=80)])
    email = EmailField(_l("E-mail address"), [REQUIRED, Length(max=254)])
    password = PasswordField(
        _l("Password"),
        [REQUIRED, Length(max=1024)],
        description=_l("At least 10 characters. A short sentence is easy to remember."),
    )


class LoginForm(FlaskForm):
    """Log in."""

    email = EmailField(_l("E-mail address"), [REQUIRED, Length(max=254)])
    password = PasswordField(_l("Password"), [REQUIRED, Length(max=1024)])
    next = HiddenField()


class ResetRequestForm(FlaskForm):
    """Ask for a reset link."""

    email = EmailField(_l("E-mail address"), [REQUIRED, Length(max=254)])


class ResetForm(FlaskForm):
    """Choose a new password from a reset link."""

    password = PasswordField(
        _l("New password"),
        [REQUIRED, Length(max=1024)],
        description=_l("At least 10 characters."),
    )


class ProfileForm(FlaskForm):
    """Edit one's profile."""

    display_name = StringField(_l("Your name"), [REQUIRED, Length(max=80)])
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    home_neighbourhood = SelectField(_l("Your neighbourhood"), choices=[])


class PasswordChangeForm(FlaskForm):
    """Change one's password."""

    current_password = PasswordField(_l("Current password"), [REQUIRED, Length(max=1024)])
    password = PasswordField(
        _l("New password"),
        [REQUIRED, Length(max=1024)],
        description=_l("At least 10 characters."),
    )
