"""Outgoing e-mail: queued after commit, sent by a job over SMTP (or logged in development)."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app

from app.core.db import on_commit
from app.core.jobs import task

log = logging.getLogger(__name__)


def queue_mail(session, to: str, subject: str, body: str) -> None:
    """Send a plain-text mail once the current transaction has committed."""
    on_commit(session, lambda: send_mail(to, subject, body))


@task(retries=5, retry_delay=60)
def send_mail(to: str, subject: str, body: str) -> None:
    """Deliver one mail with the configured SMTP server, or log it when none is set."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    if not config.get("MAIL_SERVER"):
        log.info("Mail (no MAIL_SERVER set, not sent):\n%s", message.as_string())
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(message)
