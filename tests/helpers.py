"""The tests' shared helpers, each defined once (the rows and worlds they work on are in ``tests.factories``):

- the test settings and the scratch databases (``make_test_config``, ``scratch_database``);
- a client that sends CSRF tokens like a browser (``BrowserLikeClient``), logging in (``log_in``),
  and what htmx sends (``HTMX``, ``htmx_get``, ``htmx_post``);
- Paris wall-clock moments (``moment``, ``local``, ``next_weekday``);
- reading answers back as a person would (``page_text``, ``text_of``, ``fragment``, ``pdf_text``),
  the database (``status_of``, ``audit_actions``) and the mail outbox (``Outbox``, ``link_in``);
- an image file (``image_bytes``);
- the browser tests' pages (``browser_page``, ``read_from_database``, ``assert_no_axe_violations``).
"""

from __future__ import annotations

import contextvars
import email
import email.policy
import html
import io
import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from html.parser import HTMLParser
from pathlib import Path

import sqlalchemy as sa
from flask.testing import FlaskClient

from app.core.clock import PARIS

# --- Test settings and scratch databases -----------------------------------------------------------

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")


def _postgres_admin_url(url: str) -> sa.URL:
    from app.config import normalise_database_url

    return sa.make_url(normalise_database_url(url))


@contextmanager
def scratch_database(prefix: str, sqlite_folder: Path) -> Iterator[str]:
    """The URL of a new, empty database of the kind this run tests, dropped afterwards:
    on PostgreSQL a database of its own (``<prefix>_<random>``), else a SQLite file."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{sqlite_folder / (prefix + '.db')}"
        return
    admin_url = _postgres_admin_url(TEST_DATABASE_URL)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        # A test database is thrown away: its commits need not wait for the disk.
        connection.exec_driver_sql(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def make_test_config(database_url: str, instance_dir: Path, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "RATELIMIT_ENABLED": False,
        "OUTBOX_DIR": str(instance_dir / "outbox"),
        "MAIL_ECHO": False,
        "SMTP_HOST": "",
        "CHECK_MIGRATIONS": False,
        # Cheap hashes: the suite logs in hundreds of times. Production's cost is tested once
        # (tests/auth/test_auth.py::test_production_password_hashing).
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 8,
        "ARGON2_PARALLELISM": 1,
    }
    config.update(overrides)
    return config


# --- The client ------------------------------------------------------------------------------------

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


def log_in(client, user) -> None:
    """Log ``user`` in through the log-in form, with the factories' password; it must succeed (the
    form answers 303 to the page that follows)."""
    from tests.factories import PASSWORD

    response = client.login(user.email, PASSWORD)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]


HTMX = {"HX-Request": "true"}


def htmx_get(client, url: str, target: str):
    return client.get(
        url, headers={"HX-Request": "true", "HX-Target": target, "HX-Current-URL": f"http://localhost{url}"}
    )


def htmx_post(client, url: str, data: dict | None = None, *, target: str, page: str):
    """What htmx sends for an inline action: the CSRF header from the page, HX-Target of the row."""
    token = csrf_token_from(client.get(page).get_data(as_text=True))
    return client.post(
        url,
        data=data or {},
        headers={
            "HX-Request": "true",
            "HX-Target": target,
            "HX-Current-URL": f"http://localhost{page}",
            "X-CSRFToken": token,
        },
    )


# --- Paris wall-clock time -------------------------------------------------------------------------


def moment(day: date, hour: int, minute: int = 0) -> datetime:
    """A Paris wall-clock date and time as an aware UTC moment (as ``app.core.clock.paris_to_utc``)."""
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS).astimezone(UTC)


def local(day: date, hour: int, minute: int = 0) -> str:
    """A Paris wall-clock date and time as a ``datetime-local`` field or a query string holds it."""
    return f"{day:%Y-%m-%d}T{hour:02d}:{minute:02d}"


def next_weekday(day: date, weekday: int) -> date:
    """``day`` itself if it falls on ``weekday`` (Monday is 0), else the first such day after it."""
    return day + timedelta(days=(weekday - day.weekday()) % 7)


# --- Reading answers back --------------------------------------------------------------------------


def page_text(response) -> str:
    """The page as a person reads it: the HTML of a response with its entities (such as &#39;) decoded."""
    return html.unescape(response.get_data(as_text=True))


def text_of(fragment: str) -> str:
    """What a reader sees: tags removed, entities decoded, spaces (non-breaking ones too) collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def fragment(response) -> str:
    html = response.get_data(as_text=True)
    assert "<html" not in html, "an htmx fragment request got the whole page"
    return html


def pdf_text(data: bytes) -> str:
    """The text of every page, whitespace folded (what a reader sees, whatever the line breaks)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def status_of(booking):
    """A booking's status as the database has it now."""
    from app.extensions import db
    from app.models import Booking

    db.session.expire_all()
    return db.session.get(Booking, booking.id).status


def audit_actions(subject_type: str, subject_id: int) -> list[str]:
    from app.extensions import db
    from app.models import AuditEntry

    db.session.expire_all()
    return [
        entry.action
        for entry in db.session.scalars(
            db.select(AuditEntry)
            .where(AuditEntry.subject_type == subject_type, AuditEntry.subject_id == subject_id)
            .order_by(AuditEntry.id)
        )
    ]


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (64, 48), mode: str = "RGB", **save) -> bytes:
    """A real image file made by Pillow."""
    from PIL import Image

    out = io.BytesIO()
    Image.new(mode, size, (200, 30, 30) if mode == "RGB" else 128).save(out, format=fmt, **save)
    return out.getvalue()


# --- The mail outbox -------------------------------------------------------------------------------


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


def link_in(outbox: Outbox, to: str, pattern: str) -> str:
    """The path of the link matching ``pattern`` in the last email to ``to`` that has one."""
    texts = [outbox.text(m) for m in outbox.messages() if m["To"] == to]
    url = [match.group(0) for text in texts if (match := re.search(r"http://\S+" + pattern + r"\S*", text))][-1]
    return "/" + url.split("/", 3)[3]


# --- The browser tests (tests/e2e) -----------------------------------------------------------------

BENIGN_CONSOLE_ERRORS = ("Failed to load resource", "htmx:sendAbort", "htmx:afterRequest")


def watch_errors(page) -> list[str]:
    """The JavaScript errors and CSP violations the page will see (filled as they come)."""
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # HTTP error statuses (a 422 form, a 404) are not script errors; CSP violations and exceptions are.
    # htmx also logs, as errors, a request it aborted on purpose because a newer one replaced it
    # (data-hx-sync "replace"): not an error either (a failed request logs htmx:responseError/sendError).
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and not message.text.startswith(BENIGN_CONSOLE_ERRORS)
            else None
        ),
    )
    return errors


@contextmanager
def browser_page(browser, base_url: str):
    """A page in a context of its own (its own cookies: one person), failing the test on any
    JavaScript error or CSP violation it saw."""
    context = browser.new_context(base_url=base_url, locale="fr-FR", timezone_id="Europe/Paris")
    page = context.new_page()
    errors = watch_errors(page)
    yield page
    context.close()
    assert errors == [], f"JavaScript errors or CSP violations in the page: {errors}"


def read_from_database(query):
    """Run ``query`` on fresh data from the test's session, then end its transaction: on SQLite an
    open transaction would hold the lock the live server needs."""
    from app.extensions import db

    db.session.expire_all()
    try:
        return query()
    finally:
        db.session.commit()


AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],  # only the violations are read: the others need no detail
}


def assert_no_axe_violations(page, label: str = "") -> None:
    """axe-core, WCAG 2.0, 2.1 A and AA and 2.2 AA rules (target size among them): no violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=AXE_OPTIONS)
    violations = results.response["violations"]
    summary = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    assert violations == [], f"{label}: accessibility violations: {summary}"


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Announcements(HTMLParser):
    """Collects the text of what a screen reader reads out by itself when an htmx response lands: a
    live region (``aria-live``, ``role=status`` or ``alert``, or an element swapped into one, given
    by id) and an element that takes the focus (``autofocus``). Nested ones count once."""

    def __init__(self, live_ids: tuple[str, ...]):
        super().__init__(convert_charrefs=True)
        self.live_ids = live_ids
        self.found: list[str] = []
        self._depth = 0  # open elements inside the one being read (0: none)

    def handle_starttag(self, tag, attrs):
        if tag in _VOID:
            return
        if self._depth:
            self._depth += 1
            return
        a = dict(attrs)
        if (
            a.get("role") in ("status", "alert")
            or a.get("aria-live", "off") != "off"
            or "autofocus" in a
            or a.get("id") in self.live_ids
        ):
            self._depth = 1
            self.found.append("")

    def handle_endtag(self, tag):
        if self._depth and tag not in _VOID:
            self._depth -= 1

    def handle_data(self, data):
        if self._depth:
            self.found[-1] += data


def announcements(html: str, live_ids: tuple[str, ...] = ()) -> list[str]:
    """What an htmx response has read out (see :class:`_Announcements`), empty ones left out."""
    parser = _Announcements(live_ids)
    parser.feed(html)
    return [" ".join(text.split()) for text in parser.found if text.strip()]
