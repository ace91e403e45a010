"""Test helpers: a client that sends CSRF tokens like a browser, and the mail outbox."""

from __future__ import annotations

import contextvars
import email
import email.policy
import re
from pathlib import Path

from flask.testing import FlaskClient

_CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
_CSRF_HEADER = re.compile(r'"X-CSRFToken":\s*"([^"]+)"')


def csrf_token_from(html: str) -> str:
    match = _CSRF_INPUT.search(html) or _CSRF_HEADER.search(html)
    if not match:
        raise AssertionError("no CSRF token in the page")
    return next(group for group in match.groups() if group)


class BrowserLikeClient(FlaskClient):
    """A client that behaves like a separate browser talking to a separate server.

    Each request runs in a fresh context, so it gets its own application context,
    ``g`` and database session, as in production (Flask would otherwise reuse the
    test's application context). Before each request the test's own transaction is
    committed: what the test wrote is visible to the request, and no lock is held.
    It also fills in CSRF tokens the way a browser does: from the page holding the form.
    """

    def open(self, *args, **kwargs):
        from flask import has_app_context

        from app.extensions import db

        if has_app_context():
            db.session.commit()
        return contextvars.Context().run(super().open, *args, **kwargs)

    def submit(self, url: str, data: dict | None = None, *, page: str | None = None, **kwargs):
        """GET ``page`` (default ``url``), take its CSRF token, then POST ``data`` to ``url``."""
        form_page = self.get(page or url)
        token = csrf_token_from(form_page.get_data(as_text=True))
        payload = {"csrf_token": token, **(data or {})}
        return self.post(url, data=payload, **kwargs)

    def login(self, email: str, password: str, *, follow_redirects: bool = False, **fields):
        return self.submit(
            "/compte/connexion", {"email": email, "password": password, **fields}, follow_redirects=follow_redirects
        )

    def logout(self):
        return self.submit("/compte/deconnexion", page="/")


class Outbox:
    """Emails written as .eml files by the development delivery."""

    def __init__(self, folder: Path):
        self.folder = folder

    def messages(self) -> list[email.message.EmailMessage]:
        if not self.folder.exists():
            return []
        files = sorted(self.folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
        return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in files]

    def last(self) -> email.message.EmailMessage:
        messages = self.messages()
        assert messages, "no email was sent"
        return messages[-1]

    @staticmethod
    def text(message: email.message.EmailMessage) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()
