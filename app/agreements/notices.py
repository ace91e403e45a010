"""The emails of an agreement's life: ready to accept, accepted (to countersign), signed, voided.

Each email is written with :func:`app.notifications.notify` (text and HTML, in its recipient's
language, templates in ``agreements/email/``) into the outbox, inside the transaction that makes
the change: the commit sends it, a rollback drops it. They are written at the very end of that
transaction, once its outcome is known, so that a version issued then replaced in the same
transaction announces nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from app.agreements import txn
from app.agreements.models import Agreement, AgreementStatus
from app.extensions import db
from app.notifications import notify
from app.notifications.compose import venue_staff
from app.notifications.links import absolute_url
from app.notifications.reminders import record_once, reminder
from app.notifications.settings import setting

EMAILS = "agreements/email/"


def agreement_link(agreement: Agreement) -> str:
    return absolute_url("agreements.show", agreement_id=agreement.id)


def _at_commit(agreement: Agreement, still_true, template: str, *, borrower: bool = False, venue: bool = False) -> None:
    """Write ``template`` to the borrower and/or the venue just before the commit, if ``still_true(agreement)`` then."""

    def write():
        if not still_true(agreement):
            return
        context = {"agreement": agreement, "link": agreement_link(agreement)}
        if borrower:
            notify(agreement.borrower, EMAILS + template, **context)
        if venue:
            for person in venue_staff(agreement.venue):
                notify(person, EMAILS + template, digest=True, **context)

    txn.before_commit(write)


def _is_current(agreement: Agreement) -> bool:
    return agreement.is_current


def issued(agreement: Agreement) -> None:
    """A version is ready to be read and accepted by the borrower."""
    _at_commit(agreement, _is_current, "issued", borrower=True)


def accepted(agreement: Agreement) -> None:
    """The borrower accepted: the venue's managers countersign."""
    _at_commit(agreement, _is_current, "accepted", venue=True)


def signed(agreement: Agreement) -> None:
    """Countersigned: the final version can be downloaded by both parties."""
    _at_commit(agreement, _is_current, "signed", borrower=True, venue=True)


def voided(agreement: Agreement) -> None:
    """Every booking of the agreement was cancelled: no version replaces it."""
    # Not when a booking of it came back approved within the same transaction (a new version then).
    _at_commit(agreement, lambda a: a.next_version is None, "voided", borrower=True)


@reminder("agreement_waiting")
def agreements_waiting(now: datetime) -> int:
    since = now - timedelta(days=setting("AGREEMENT_REMINDER_DAYS"))
    waiting = db.session.scalars(
        select(Agreement)
        .where(Agreement.status == AgreementStatus.ISSUED, Agreement.issued_at <= since)
        .order_by(Agreement.issued_at, Agreement.id)
    ).all()
    count = 0
    for agreement in waiting:
        if record_once("agreement_waiting", agreement.id, now):
            notify(
                agreement.borrower,
                EMAILS + "reminder_agreement_waiting",
                agreement=agreement,
                link=absolute_url("agreements.show", agreement_id=agreement.id),
            )
            count += 1
    return count
