"""The emails of an agreement's life: ready to accept, accepted (to countersign), signed, voided.

Each email is written in its recipient's language at the end of the transaction that makes the
change, once its outcome is known (a version issued then replaced in the same transaction announces
nothing), and sent once the transaction has committed (a rolled-back approval sends nothing).
When the notifications outbox lands, :func:`_queue` is the one place to switch to it.
"""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from app.agreements import txn
from app.agreements.models import Agreement
from app.models import User
from app.newcomers.notices import absolute_url, venue_recipients
from app.notifications import send_email


def agreement_link(agreement: Agreement) -> str:
    return absolute_url("agreements.show", agreement_id=agreement.id)


def _queue(to: str, subject: str, text: str) -> None:
    txn.after_commit(lambda: send_email(to, subject, text))


def _at_commit(agreement: Agreement, still_true, *writers) -> None:
    """Write the emails just before the commit, if ``still_true(agreement)`` then."""

    def write_all():
        if still_true(agreement):
            for writer in writers:
                writer()

    txn.before_commit(write_all)


def _to_borrower(agreement: Agreement, write) -> None:
    borrower: User = agreement.borrower
    if not borrower.email:
        return
    with force_locale(borrower.locale):
        subject, text = write()
        _queue(borrower.email, subject, text)


def _to_venue(agreement: Agreement, write) -> None:
    for email, locale in venue_recipients(agreement.venue):
        with force_locale(locale):
            subject, text = write()
            _queue(email, subject, text)


def issued(agreement: Agreement) -> None:
    """A version is ready to be read and accepted by the borrower."""

    def write():
        subject = _("Convention %(number)s à accepter", number=agreement.number)
        lines = [
            _("Bonjour %(name)s,", name=agreement.borrower.name),
            "",
            _("La convention %(number)s (version %(version)s) avec %(venue)s est prête.",
              number=agreement.number, version=agreement.version, venue=agreement.venue.name),
        ]
        if agreement.version > 1:
            lines.append(_("Elle remplace la version précédente, qui est annulée : la réservation a changé."))
        lines += [
            _("Lisez-la puis acceptez-la en ligne :"),
            agreement_link(agreement),
            "",
            _("L'équipe FNT Partage"),
        ]
        return subject, "\n".join(lines)

    _at_commit(agreement, lambda a: a.is_current, lambda: _to_borrower(agreement, write))


def _message(agreement: Agreement, subject: str, greeting: str, *lines: str) -> tuple[str, str]:
    """(subject, text) of a short email: greeting, the lines, the link to the agreement's page."""
    return subject, "\n".join([greeting, "", *lines, agreement_link(agreement)])


def accepted(agreement: Agreement) -> None:
    """The borrower accepted: the venue's managers countersign."""

    def write():
        return _message(
            agreement, _("Convention %(number)s acceptée : à contresigner", number=agreement.number), _("Bonjour,"),
            _("%(name)s a accepté la convention %(number)s (version %(version)s).",
              name=agreement.accepted_name, number=agreement.number, version=agreement.version),
            _("Contresignez-la pour le lieu :"),
        )

    _at_commit(agreement, lambda a: a.is_current, lambda: _to_venue(agreement, write))


def signed(agreement: Agreement) -> None:
    """Countersigned: the final version can be downloaded by both parties."""

    def write():
        return _message(
            agreement, _("Convention %(number)s signée", number=agreement.number), _("Bonjour,"),
            _("La convention %(number)s (version %(version)s) est signée par les deux parties.",
              number=agreement.number, version=agreement.version),
            _("L'exemplaire final, scellé électroniquement, est à télécharger ici :"),
        )

    _at_commit(agreement, lambda a: a.is_current, lambda: _to_borrower(agreement, write),
               lambda: _to_venue(agreement, write))


def voided(agreement: Agreement) -> None:
    """Every booking of the agreement was cancelled: no version replaces it."""

    def write():
        return _message(
            agreement, _("Convention %(number)s annulée", number=agreement.number),
            _("Bonjour %(name)s,", name=agreement.borrower.name),
            _("La convention %(number)s est annulée : ses réservations ont été annulées.", number=agreement.number),
        )

    # Not when a booking of it came back approved within the same transaction (a new version then).
    _at_commit(agreement, lambda a: a.next_version is None, lambda: _to_borrower(agreement, write))
