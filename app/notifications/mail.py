"""Email delivery: SMTP when configured, else ``.eml`` files in ``instance/outbox/``.

The single entry point is :func:`send_email`; callers never talk to SMTP.
"""

from __future__ import annotations

import smtplib
import ssl
import sys
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app


def build_message(to: str | list[str], subject: str, text: str, html: str | None = None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to if isinstance(to, str) else ", ".join(to)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="fnt-partage.local")
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message


def _deliver_smtp(message: EmailMessage) -> None:
    config = current_app.config
    security = config["SMTP_SECURITY"]
    context = ssl.create_default_context()
    if security == "tls":
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            config["SMTP_HOST"], config["SMTP_PORT"], timeout=config["SMTP_TIMEOUT"], context=context
        )
    else:
        client = smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=config["SMTP_TIMEOUT"])
    with client:
        if security == "starttls":
            client.starttls(context=context)
        if config["SMTP_USER"]:
            client.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
        client.send_message(message)


def _deliver_file(message: EmailMessage) -> Path:
    outbox = Path(current_app.config["OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    name = message["Message-ID"].strip("<>").replace("@", "_").replace("/", "_")
    path = outbox / f"{name}.eml"
    path.write_bytes(bytes(message))
    if current_app.config["MAIL_ECHO"]:
        print(f"--- email written to {path} ---\n{message}\n--- end of email ---", file=sys.stderr)
    return path


def send_email(to: str | list[str], subject: str, text: str, html: str | None = None) -> EmailMessage:
    """Send one email now (SMTP if ``SMTP_HOST`` is set, else a file in the outbox folder)."""
    message = build_message(to, subject, text, html)
    if current_app.config["SMTP_HOST"]:
        _deliver_smtp(message)
    else:
        _deliver_file(message)
    return message
