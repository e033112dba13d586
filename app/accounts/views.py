"""Account pages: register, log in and out, password reset, profile."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.exceptions import BadRequest
from wtforms import SelectChoice

from app.accounts import forms, services
from app.accounts.api import reset_link
from app.accounts.auth import end_session, start_session
from app.accounts.limits import (
    password_check_per_user,
    reset_per_account,
    reset_per_ip,
    signup_per_ip,
    throttle_login,
)
from app.accounts.models import neighbourhood_model
from app.core.assets import add_nav_item
from app.core.db import commit
from app.core.forms import ButtonForm, run_form
from app.core.i18n import remember_language
from app.core.urls import safe_next
from app.extensions import db

blueprint = Blueprint("accounts", __name__)


@blueprint.record_once
def _register_nav(state) -> None:
    add_nav_item(state.app, "accounts.account", _l("Account"), "account", 90)


@blueprint.route("/registreren", methods=["GET", "POST"])
@signup_per_ip
def register():
    """Create an account."""
    form = forms.RegisterForm()
    if form.validate_on_submit() and (
        user := run_form(
            form,
            lambda: services.register(
                db.session,
                email=form.email.data,
                password=form.password.data,
                display_name=form.display_name.data,
                language=str(get_locale()),
            ),
        )
    ):
        start_session(user)
        flash(gettext("Welcome, %(name)s! Your account is ready.", name=user.display_name))
        return redirect(url_for("accounts.account"))
    return render_template("accounts/register.html", form=form)


@blueprint.route("/inloggen", methods=["GET", "POST"])
@throttle_login
def login():
    """Log in; failed attempts count against the login limits."""
    form = forms.LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = run_form(
            form, lambda: services.authenticate(db.session, form.email.data, form.password.data)
        )
        if user:
            start_session(user)
            return redirect(safe_next(form.next.data))
        g.login_failed = True
    return render_template("accounts/login.html", form=form), 401 if form.form_errors else 200


def _end_everywhere(message: str):
    services.end_all_sessions(db.session, current_user)
    commit(db.session)
    end_session()
    flash(message)
    return redirect(url_for("pages.home"))


@blueprint.route("/uitloggen", methods=["GET", "POST"])
def logout():
    """Ask to confirm, then log out on every device (one session version per user)."""
    form = ButtonForm()
    if not current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    if form.validate_on_submit():
        return _end_everywhere(gettext("You are logged out."))
    return render_template("accounts/logout.html", form=form)


@blueprint.post("/account/overal-uitloggen")
@login_required
def logout_everywhere():
    """Log out on every device, this one included."""
    if ButtonForm().validate_on_submit():
        return _end_everywhere(gettext("You are logged out on all your devices."))
    return redirect(url_for("accounts.account"))


@blueprint.route("/wachtwoord-vergeten", methods=["GET", "POST"])
@reset_per_account
@reset_per_ip
def forgot_password():
    """Ask for a reset link by e-mail."""
    form = forms.ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(db.session, form.email.data, reset_link)
        commit(db.session)
        return render_template("accounts/reset_sent.html", email=form.email.data)
    return render_template("accounts/forgot_password.html", form=form)


@blueprint.route("/wachtwoord-vergeten/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password from the link in the reset mail."""
    form = forms.ResetForm()
    if form.validate_on_submit() and run_form(
        form, lambda: services.reset_password(db.session, token, form.password.data)
    ):
        end_session()
        flash(gettext("Your password has been changed. You can log in now."))
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form)


@blueprint.post("/taal")
def choose_language():
    """Remember the chosen language: in the account when logged in, else in a cookie."""
    language = request.form.get("language", "")
    if language not in current_app.config["LANGUAGES"]:
        raise BadRequest()
    if current_user.is_authenticated:
        services.update_profile(db.session, current_user, {"language": language})
        commit(db.session)
    response = redirect(safe_next(request.form.get("next")))
    remember_language(response, language)
    return response


def _profile_form(user=None) -> forms.ProfileForm:
    """Build the profile form; filled from the user, or from the submitted data."""
    defaults = {}
    if user is not None:
        home = user.home_neighbourhood
        defaults = {
            "display_name": user.display_name,
            "language": user.language,
            "home_neighbourhood": home.slug if home else "",
        }
    form = forms.ProfileForm(**defaults)
    neighbourhood = neighbourhood_model()
    names = db.session.execute(select(neighbourhood.slug, neighbourhood.name).order_by("name"))
    form.home_neighbourhood.choices = [
        SelectChoice("", gettext("No choice")),
        *(SelectChoice(slug, name) for slug, name in names),
    ]
    return form


def _account_page(profile=None, password_form=None, status: int = 200):
    page = render_template(
        "accounts/account.html",
        profile=profile or _profile_form(current_user),
        password_form=password_form or forms.PasswordChangeForm(formdata=None),
        confirm_form=ButtonForm(),
    )
    return page, status


@blueprint.get("/account")
@login_required
def account():
    """Show one's account with the forms to change it."""
    return _account_page()


@blueprint.post("/account/profiel")
@login_required
def update_profile():
    """Save the profile form."""
    form = _profile_form()
    if not form.validate_on_submit():
        return _account_page(profile=form, status=422)
    changes = {name: form[name].data for name in ("display_name", "language")}
    changes["home_neighbourhood"] = form.home_neighbourhood.data or None
    services.update_profile(db.session, current_user, changes)
    commit(db.session)
    flash(gettext("Your profile has been saved."))
    return redirect(url_for("accounts.account"))


@blueprint.post("/account/wachtwoord")
@login_required
@password_check_per_user
def change_password():
    """Save a new password; other devices are logged out, this one stays logged in."""
    form = forms.PasswordChangeForm()
    if form.validate_on_submit():
        user = run_form(
            form,
            lambda: services.change_password(
                db.session,
                current_user._get_current_object(),
                form.current_password.data,
                form.password.data,
            ),
        )
        if user:
            start_session(user)
            flash(gettext("Your password has been changed. Other devices are logged out."))
            return redirect(url_for("accounts.account"))
        g.login_failed = bool(form.current_password.errors)  # a wrong guess counts
    return _account_page(password_form=form, status=422)
