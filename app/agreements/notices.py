"""The emails of an agreement's life: ready to accept, accepted (to countersign), signed, voided.

The transaction that makes the change writes, at its very end (once its outcome is known, so that
a version issued then replaced in the same transaction announces nothing), one outbox intent
(``app.notifications.intents``): which agreement, which email, to the borrower and/or the venue's
managers. It commits with the change or not at all, and costs the request no lookup and no
rendering. The outbox's sender expands it (``_expand``): the recipients, their languages and digest
choices read then, each email written with :func:`app.notifications.notify` (text and HTML,
templates in ``agreements/email/``), unless the agreement has moved on since (a newer version, or
a voided one that came back, announces itself).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.agreements import txn
from app.agreements.models import Agreement, AgreementStatus
from app.core.i18n import gettext
from app.core.i18n import lazy_gettext as _l
from app.extensions import db
from app.notifications import intents, notify
from app.notifications.compose import covered_addresses, venue_staff
from app.notifications.links import absolute_url
from app.notifications.reminders import record_once, reminder
from app.notifications.settings import setting

EMAILS = "agreements/email/"
NOTICES = "agreement"
# What each notice tells, as the coordinators' outbox page names an intent not yet written.
TEMPLATE_LABELS = {
    "issued": _l("convention émise"),
    "accepted": _l("convention acceptée"),
    "signed": _l("convention signée"),
    "voided": _l("convention annulée"),
}


def agreement_link(agreement: Agreement) -> str:
    return absolute_url("agreements.show", agreement_id=agreement.id)


def _is_current(agreement: Agreement) -> bool:
    return agreement.is_current


def _not_replaced(agreement: Agreement) -> bool:
    return agreement.next_version is None


# Whether each email still makes sense for its agreement: at the commit, and again when it is sent.
STILL_TRUE = {"issued": _is_current, "accepted": _is_current, "signed": _is_current, "voided": _not_replaced}


def _at_commit(agreement: Agreement, template: str, *, borrower: bool = False, venue: bool = False) -> None:
    """Write the intent of ``template`` to the borrower and/or the venue just before the commit, if it still makes sense then."""

    def write():
        if not STILL_TRUE[template](agreement):
            return
        payload = {
            "agreement": agreement.id,
            "label": agreement.label,  # (for the coordinators' outbox page)
            "template": template,
            "borrower": borrower,
            "venue": venue,
            "covered": sorted(covered_addresses()),
        }
        intents.write(NOTICES, payload, f"{template} {agreement.label}")

    txn.before_commit(write)


@intents.describer(NOTICES)
def _describe(intent: dict) -> str:
    """« Avis sur la convention FNT-2027-0007 : convention émise »."""
    said = TEMPLATE_LABELS.get(intent["template"], intent["template"])
    label = intent.get("label") or f"n° {intent['agreement']}"
    return gettext("Avis sur la convention %(label)s : %(said)s", label=label, said=said)


@intents.expander(NOTICES)
def _expand(session: Session, intent: dict) -> list:
    """The emails of an intent, as of now: none when the agreement is gone (an erasure) or has moved on."""
    agreement = session.get(Agreement, intent["agreement"])
    template = intent["template"]
    if agreement is None or not STILL_TRUE[template](agreement):
        return []
    context = {"agreement": agreement, "link": agreement_link(agreement)}
    covered = frozenset(intent["covered"])
    recipients = [(agreement.borrower, False)] if intent["borrower"] else []
    if intent["venue"]:
        recipients += [(person, True) for person in venue_staff(agreement.venue, session=session)]
    made = []
    for person, digest in recipients:
        row = notify(person, EMAILS + template, digest=digest, expanding=True, covered=covered, **context)
        if row is not None:
            made.append(row)
    return made


def issued(agreement: Agreement) -> None:
    """A version is ready to be read and accepted by the borrower."""
    _at_commit(agreement, "issued", borrower=True)


def accepted(agreement: Agreement) -> None:
    """The borrower accepted: the venue's managers countersign."""
    _at_commit(agreement, "accepted", venue=True)


def signed(agreement: Agreement) -> None:
    """Countersigned: the final version can be downloaded by both parties."""
    _at_commit(agreement, "signed", borrower=True, venue=True)


def voided(agreement: Agreement) -> None:
    """Every booking of the agreement was cancelled: no version replaces it."""
    # Not when a booking of it came back approved within the same transaction (a new version then).
    _at_commit(agreement, "voided", borrower=True)


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
