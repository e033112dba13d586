"""Fixtures of the accounts tests: an app that mails to the local SMTP server, translations."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from email.message import EmailMessage

import pytest
from flask import Flask
from flask_babel import force_locale, gettext
from markupsafe import escape

from tests.conftest import ApiClient

SESSION_COOKIE = "leefbaar_session"


@pytest.fixture
def mail_app(app, make_app, smtp_server) -> Iterator[Flask]:
    """An app that delivers mail to the local SMTP server (smtp_server), context pushed.

    It is built after the default app on purpose: jobs (and so mail) run in the app built last.
    """
    host, port, _ = smtp_server
    application = make_app(MAIL_SERVER=host, MAIL_PORT=port)
    with application.app_context():
        yield application


@pytest.fixture
def outbox(smtp_server) -> list[EmailMessage]:
    """The messages the local SMTP server received."""
    return smtp_server[2].messages


@pytest.fixture
def mail_api(mail_app) -> ApiClient:
    """An API client of the mailing app."""
    return ApiClient(mail_app.test_client())


@pytest.fixture
def make_mail_api(mail_app) -> Callable[[], ApiClient]:
    """Make more API clients (other devices) of the mailing app."""
    return lambda: ApiClient(mail_app.test_client())


def reset_token(message: EmailMessage) -> str:
    """Return the token of the reset link in a mail."""
    match = re.search(r"/wachtwoord-vergeten/(\S+)", message.get_content())
    assert match, message.get_content()
    return match.group(1)


def english(message: str, **variables) -> str:
    """Return a message in English (the source language)."""
    with force_locale("en"):
        return gettext(message, **variables)


def dutch(message: str, **variables) -> str:
    """Return the Dutch translation of a message; fail if it is not translated."""
    with force_locale("nl"):
        translated = gettext(message, **variables)
    assert translated != english(message, **variables), f"no Dutch for {message!r}"
    return translated


def shows(response, text: str) -> bool:
    """Tell whether an HTML page shows this text."""
    return str(escape(text)).encode() in response.data
