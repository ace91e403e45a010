"""Emails written from templates, in the recipient's language: :func:`notify`.

A message is one text template, ``<name>.txt``, that sets its subject at the top::

    {% set subject = _("Réservation acceptée : %(resource)s", resource=booking.resource.name) %}
    {{ _("Bonjour %(name)s,", name=recipient.name) }}
    …

and may have an HTML twin, ``<name>.html``; without one, the HTML part is made from the text
(paragraphs, clickable links) inside ``notifications/email/layout.html``. Both are rendered under
``speaking(recipient.locale)``: translations, dates and numbers come out in that language, and
the message says which (``Content-Language``, ``<html lang>``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, render_template
from flask_babel import format_time
from jinja2 import TemplateNotFound
from markupsafe import Markup, escape
from sqlalchemy import event, select
from sqlalchemy.orm import Session, SessionTransaction

from app.core.i18n import current_language, format_day, html_language, speaking
from app.extensions import db
from app.models import User, Venue, VenueMembership
from app.models.types import VenueRole
from app.notifications.links import absolute_url
from app.notifications.mail import queue
from app.notifications.models import OutboxMessage

_URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:!?)\]]")

# French content (venue and resource names, purposes) in an email in another language: the text
# templates wrap it, with ``french_part(…)``, between two private-use characters; the text part
# drops them, the HTML part turns them into ``<span lang="fr">`` (WCAG 3.1.2).
_FRENCH_START, _FRENCH_END = "\ue000", "\ue001"


def french_part(text: object) -> str:
    """``text`` marked as French when the message is written in another language."""
    if text is None or text == "":
        return ""
    if current_language() == "fr":
        return str(text)
    return f"{_FRENCH_START}{text}{_FRENCH_END}"


def plain(text: str) -> str:
    """The words alone, without the marks of French parts."""
    return text.replace(_FRENCH_START, "").replace(_FRENCH_END, "")


@dataclass(frozen=True)
class Recipient:
    """Someone to write to: a user, or an address without an account (a newcomer)."""

    email: str
    locale: str = "fr"
    name: str = ""
    user_id: int | None = None
    daily_digest: bool = False
    venue_messages_off: bool = False


def recipient_of(who: User | Recipient | str) -> Recipient | None:
    """None for an account that is closed or has no address: nobody to write to."""
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if isinstance(who, User):
        if not who.active or not who.email:
            return None
        locale = who.locale if who.locale in current_app.config["LANGUAGES"] else default
        return Recipient(who.email, locale, who.name, who.id, who.daily_digest, who.venue_messages_off)
    if isinstance(who, str):
        return Recipient(who, default)
    return who


def venue_staff(venue: Venue, besides: User | None = None, session: Session | None = None) -> list[User | Recipient]:
    """Who answers for a venue: its active managers (not the one acting), else the venue's address
    (read in ``session``: a sender's, expanding an intent; ``db.session`` by default)."""
    managers = list(
        (session or db.session).scalars(
            select(User)
            .join(VenueMembership, VenueMembership.user_id == User.id)
            .where(
                VenueMembership.venue_id == venue.id,
                VenueMembership.role == VenueRole.MANAGER,
                User.active.is_(True),
            )
            .order_by(User.id)
        )
    )  # one query, however many managers (venue.managers loads each one apart)
    if not managers and venue.email:
        return [Recipient(venue.email)]
    return [user for user in managers if besides is None or user.id != besides.id]


def period_text(starts_at: datetime, ends_at: datetime) -> str:
    """ "lundi 29 mars 2027, 10:00 – 12:00" (or over two days), in Paris time and the current language."""
    start_day, end_day = format_day(starts_at, "full"), format_day(ends_at, "full")
    start_time, end_time = format_time(starts_at, "short"), format_time(ends_at, "short")
    if start_day == end_day:
        return f"{start_day}, {start_time} – {end_time}"
    return f"{start_day}, {start_time} – {end_day}, {end_time}"


def text_to_html(text: str) -> Markup:
    """Paragraphs and line breaks of a plain-text email, with its links made clickable."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [
            _URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', str(escape(line)))
            .replace(_FRENCH_START, '<span lang="fr">')
            .replace(_FRENCH_END, "</span>")
            for line in block.splitlines()
        ]
        paragraphs.append("<p>" + "<br>\n".join(lines) + "</p>")
    return Markup("\n".join(paragraphs))


def render(template_name: str, locale: str, **context) -> tuple[str, str, str]:
    """Subject, text and HTML of a message, written in ``locale``."""
    with speaking(locale):
        context = {
            "period_text": period_text,
            "absolute_url": absolute_url,
            "french_part": french_part,
            "locale": locale,
            **context,
        }
        current_app.update_template_context(context)
        env = current_app.jinja_env
        module = env.get_template(f"{template_name}.txt").make_module(context)
        subject = plain(" ".join(str(getattr(module, "subject", "")).split()))
        if not subject:
            raise ValueError(f"{template_name}.txt does not set a subject")
        marked = re.sub(r"\n{3,}", "\n\n", str(module).strip()) + "\n"
        try:
            html = env.get_template(f"{template_name}.html").render(context, subject=subject)
        except TemplateNotFound:
            html = html_version(subject, marked)
    return subject, plain(marked), html


def html_version(subject: str, text: str) -> str:
    """The HTML part of a text email: the same words, in the layout, with the links clickable."""
    return render_template(
        "notifications/email/layout.html", subject=subject, body=text_to_html(text), lang=html_language()
    )


# Addresses whose other emails of the current transaction are said by one message already written.
_COVERED = "notifications.covered"


def covered_addresses() -> frozenset[str]:
    """The addresses covered so far in the current transaction (written into an intent)."""
    return frozenset(db.session.info.get(_COVERED, ()))


def covered_for_this_transaction(email: str) -> None:
    """The rest of the current transaction's emails to ``email`` are not written: the caller
    wrote the one message that says it all (a newcomer's acceptance, with their sessions)."""
    db.session.info.setdefault(_COVERED, set()).add(email.lower())


@event.listens_for(Session, "after_transaction_end")
def _uncover(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_COVERED, None)


def notify(
    who: User | Recipient | str,
    template_name: str,
    *,
    digest: bool = False,
    expanding: bool = False,
    covered: frozenset[str] | set[str] = frozenset(),
    **context,
) -> OutboxMessage | None:
    """Write one email to ``who`` in their language and queue it with the current transaction.

    ``expanding``: written by a sender expanding an intent (``app.notifications.intents``): the row
    is returned for the sender to write, and ``covered`` gives the addresses covered in the
    transaction that wrote the intent.

    ``digest=True`` marks a message about a manager's venues: they may receive it in their daily
    digest instead (when they chose it: ``User.daily_digest``), or not at all
    (``User.venue_messages_off``). Returns the queued row, or None when there is
    nobody to write to (a closed account, or an address covered for this transaction).
    """
    recipient = recipient_of(who)
    covered = covered if expanding else db.session.info.get(_COVERED, ())
    if recipient is None or recipient.email.lower() in covered:
        return None
    if digest and recipient.venue_messages_off:  # a manager who follows the desk instead
        return None
    held = digest and recipient.daily_digest and recipient.user_id is not None
    # A held message is only ever read inside the digest: no greeting, no signature of its own.
    subject, text, html = render(template_name, recipient.locale, recipient=recipient, in_digest=held, **context)
    return queue(
        recipient.email,
        subject,
        text,
        html,
        locale=recipient.locale,
        kind=template_name,
        recipient_id=recipient.user_id,
        held=held,
        expanding=expanding,
    )
