"""Fixtures of the accounts tests: a local SMTP server, an app that mails to it, translations."""

from __future__ import annotations

import re
import socket
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask_babel import force_locale, gettext
from markupsafe import escape

from tests.conftest import ApiClient

SESSION_COOKIE = "leefbaar_session"


class MailCollector:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.port = 0

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd hook)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp() -> Iterator[MailCollector]:
    """A real SMTP server on 127.0.0.1 that collects the mail it is sent."""
    collector = MailCollector()
    collector.port = _free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=collector.port)
    controller.start()
    yield collector
    controller.stop()


@pytest.fixture
def mail_app(app, make_app, smtp) -> Iterator[Flask]:
    """An app that delivers mail to the local SMTP server.

    It is built after the default app on purpose: jobs (and so mail) run in the app built last.
    """
    application = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
    with application.app_context():
        yield application


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


def dutch(message: str, **variables) -> str:
    """Return the Dutch translation of a message; fail if it is not translated."""
    with force_locale("nl"):
        translated = gettext(message, **variables)
    assert translated != english(message, **variables), f"no Dutch for {message!r}"
    return translated


def english(message: str, **variables) -> str:
    """Return a message in English (the source language)."""
    with force_locale("en"):
        return gettext(message, **variables)


def shows(response, text: str) -> bool:
    """Tell whether an HTML page shows this text."""
    return str(escape(text)).encode() in response.data
