"""A kit's deposit kept at its return: invoiced by the venue and settled by the deposit itself. No request here.

When a kit's return check records a deposit given back smaller than the one received (the notes say
why: missing or damaged contents), the venue issues, in the return's transaction (``issuing``
calls ``settle`` just before the commit), an invoice to the booking's buyer for the part kept: one
line (source ``kept_deposit``, the booking), numbered in the venue's invoice sequence, audited and
emailed like the others. It is paid at once: a payment "retenue sur caution" for its whole amount,
recorded by the manager who took the kit back.

- **VAT.** The part kept repairs a damage (a missing or broken item); it is no consideration for a
  service, so it lies outside the scope of VAT (EN 16931 category ``O``), whatever the venue's
  identity: no VAT is added even by a venue subject to it (see ``docs/billing.md``).
- **At most one.** A deposit given back in full bills nothing. ``settle`` compares what the return
  check says was kept with what is billed for it and not credited: equal, it does nothing (a
  repeated call, a re-submitted form); different (a corrected return check), the old invoice is
  credited in full (an issued invoice is never changed) and the new amount invoiced, settled the
  same way; nothing kept any more, the credit note alone (the venue gives that part back).
"""

from __future__ import annotations

from datetime import datetime

from app.billing import issuing, notices, payments, sources
from app.billing.models import DocumentKind, Invoice, PaymentMethod
from app.bookings.kits import check_of, deposit_kept
from app.core.clock import paris_today
from app.models import Booking, KitCheckKind, User

CORRECTED = "Montant de la caution conservée corrigé"


def billed_cents(booking: Booking) -> int:
    """What is invoiced for the booking's kept deposit, net of its credit notes."""
    return sum(left for _line, left in issuing.outstanding_net(sources.KEPT_DEPOSIT, booking.id))


def settle(booking: Booking, actor: User | None, now: datetime) -> list[Invoice]:
    """Bring the kept deposit's documents in line with the return check; returns those issued."""
    kept = deposit_kept(booking)
    billed = billed_cents(booking)
    if kept == billed:
        return []
    identity = issuing.identity_of(booking.resource.venue_id)
    if identity is None:  # a venue without its billing identity issues nothing
        return []
    documents: list[Invoice] = []
    if billed:
        documents += issuing.credit_source(sources.KEPT_DEPOSIT, booking.id, 100, actor, CORRECTED, now)
    if kept:
        back = check_of(booking, KitCheckKind.RETURN)
        notes = back.condition_notes if back else ""
        line = sources.line_for_kept_deposit(booking, kept, notes)
        document = issuing._new_document(DocumentKind.INVOICE, identity, booking, [line], now, due_now=True)
        issuing._record(document, actor, "issued", notes, bookings=[booking.id], kept_deposit=True)
        notices.issued(document)
        payments.record_payment(
            document,
            PaymentMethod.DEPOSIT,
            document.total_cents,
            paris_today(now),
            f"Caution de la réservation n° {booking.id}",
            actor,
        )
        documents.append(document)
    return documents


def invoice_of(booking: Booking) -> Invoice | None:
    """The invoice of the booking's kept deposit that stands (not credited), if any."""
    standing = issuing.outstanding_net(sources.KEPT_DEPOSIT, booking.id)
    return standing[-1][0].invoice if standing else None
