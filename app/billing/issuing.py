"""Issuing invoices and credit notes on the booking engine's signals. No request here.

The receivers run inside the engine's transaction (``app/bookings/signals.py``) and only note
what happened; just before that transaction commits (``Session`` ``before_commit``), when its
changes are all made, the documents are issued in it:

1. credit notes first: for each booking cancelled, or edited after its invoice (times, quantity,
   price), what was billed for it and not yet credited is credited: all of it, or, when the
   borrower cancels less than 48 hours before the start, half of it (the agreement's clause:
   ``app.agreements.snapshot``); a venue that cancels credits everything. One credit note per
   invoice and transaction;
2. then invoices: the bookings approved in this transaction that still hold their slot, cost
   something, and have nothing billed, one invoice per venue, borrower and organisation (the
   occurrences of a series approved together share one).

3. then, for each kit returned in this transaction, the part of its deposit kept, if any, is
   invoiced and settled by the deposit (``app.billing.deposits``).

So a booking approved then cancelled in one transaction bills nothing, and an approval never
waits for, nor fails because of, a PDF (rendered later: ``app.billing.storage``). A venue that has
not set its billing identity issues nothing (its managers are told on the identity page). Amounts
come from the bookings in the database: the tariffs are amounts before VAT; a venue subject to VAT
adds it at its rate, computed on the document's net total (EN 16931).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from app.agreements.snapshot import FREE_CANCELLATION_HOURS, LATE_CANCELLATION_SHARE
from app.billing import numbering, sources
from app.billing.models import BillingIdentity, DocumentKind, Invoice, InvoiceLine, InvoicingSchedule
from app.bookings.signals import booking_approved, booking_cancelled, booking_edited, booking_returned
from app.core.clock import PARIS
from app.extensions import db
from app.models import AuditEntry, Booking, BookingStatus, OrganisationKind, User, utcnow

_TO_INVOICE = "billing.to_invoice"
_TO_CREDIT = "billing.to_credit"
_TO_SETTLE_DEPOSIT = "billing.to_settle_deposit"
BILLED_CHANGES = {"starts_at", "ends_at", "quantity", "price_cents"}


class FrozenInvoice(RuntimeError):
    """An issued invoice or credit note was about to be changed or deleted."""


# --- parties and amounts ----------------------------------------------------------------------------


def identity_of(venue_id: int) -> BillingIdentity | None:
    return db.session.get(BillingIdentity, venue_id)


def seller_of(identity: BillingIdentity) -> dict:
    """The seller as the document states it, copied when it is issued."""
    return {
        "name": identity.legal_name,
        "street": identity.street,
        "postal_code": identity.postal_code,
        "city": identity.city,
        "siret": identity.siret,
        "vat_exempt": identity.vat_exempt,
        "vat_number": identity.vat_number,
        "vat_rate_basis_points": 0 if identity.vat_exempt else identity.vat_rate_basis_points,
        "exemption_wording": identity.exemption_wording if identity.vat_exempt else "",
        "iban": identity.iban,
        "bic": identity.bic,
        "payment_terms_days": identity.payment_terms_days,
        "legal_mentions": identity.legal_mentions,
        "email": identity.venue.email,
    }


def buyer_of(booking: Booking) -> tuple[dict, bool]:
    """The buyer (the organisation the member books for, else the member) and whether it is a business."""
    person = booking.requester
    organisation = booking.organisation
    if organisation is not None:
        party = {
            "name": organisation.name,
            "street": organisation.street,
            "postal_code": organisation.postal_code,
            "city": organisation.city,
            "siret": organisation.siret,
            "email": organisation.email or person.email,
            "contact": person.name,
        }
        return party, organisation.kind == OrganisationKind.COMPANY
    return {
        "name": person.name,
        "street": "",
        "postal_code": "",
        "city": "",
        "siret": "",
        "email": person.email,
        "contact": "",
    }, False


def vat_of(net_cents: int, rate_basis_points: int) -> int:
    """VAT on a net amount, rounded half up to the cent."""
    return (net_cents * rate_basis_points + 5000) // 10000


def transfer_reference(venue_id: int, number: str) -> str:
    """The structured reference a transfer carries: the ISO 11649 creditor reference (``RF`` and
    two check digits) of the venue and the number, so that a bank statement names the invoice."""
    from stdnum.iso11649 import format as format_rf

    body = f"V{venue_id}{number.replace('-', '')}".upper()
    digits = "".join(str(int(char, 36)) for char in body + "RF00")
    check = 98 - int(digits) % 97
    return format_rf(f"RF{check:02d}{body}")


def _record(invoice: Invoice, actor: User | None, action: str, reason: str = "", **details) -> None:
    db.session.add(
        AuditEntry(
            actor_id=actor.id if actor is not None else None,
            subject_type=invoice.kind.value,
            subject_id=invoice.id,
            action=action,
            reason=reason,
            details={"number": invoice.number, "total_cents": invoice.total_cents, **details},
        )
    )


def _new_document(
    kind: DocumentKind,
    identity: BillingIdentity,
    first: Booking | None,
    lines: list[InvoiceLine],
    now: datetime,
    credits: Invoice | None = None,
    reason: str = "",
    due_now: bool = False,
) -> Invoice:
    seller = credits.seller if credits is not None else seller_of(identity)
    if credits is not None:
        buyer, business = credits.buyer, credits.business_buyer
    else:
        assert first is not None
        buyer, business = buyer_of(first)
    # What lies outside the scope of VAT (a kept deposit) is billed on a document of its own, with
    # no VAT whatever the venue's identity (``sources.OUT_OF_VAT_SCOPE``).
    out_of_scope = all(line.source_type in sources.OUT_OF_VAT_SCOPE for line in lines)
    rate = 0 if out_of_scope else seller["vat_rate_basis_points"]
    for position, line in enumerate(lines, start=1):
        line.position = position
        line.vat_rate_basis_points = rate
    net = sum(line.net_cents for line in lines)
    vat = vat_of(net, rate)
    year, sequence, number = numbering.allocate(identity.venue_id, kind, now)
    invoice = Invoice(
        kind=kind,
        venue_id=identity.venue_id,
        number=number,
        year=year,
        sequence=sequence,
        issued_at=now,
        due_on=now.astimezone(PARIS).date() + timedelta(days=0 if credits or due_now else seller["payment_terms_days"]),
        buyer_id=credits.buyer_id if credits is not None else first.requester_id,  # type: ignore[union-attr]
        organisation_id=credits.organisation_id if credits is not None else first.organisation_id,  # type: ignore[union-attr]
        business_buyer=business,
        seller=seller,
        buyer=buyer,
        locale="fr",
        net_cents=net,
        vat_cents=vat,
        total_cents=net + vat,
        transfer_reference=transfer_reference(identity.venue_id, number),
        credits=credits,
        reason=reason,
        lines=lines,
    )
    db.session.add(invoice)
    db.session.flush()
    return invoice


# --- what is billed for a source ----------------------------------------------------------------------


def billed_lines(source_type: str, source_id: int) -> list[InvoiceLine]:
    """The invoice lines (not credit notes) of a source, oldest first."""
    return list(
        db.session.scalars(
            select(InvoiceLine)
            .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
            .where(
                InvoiceLine.source_type == source_type,
                InvoiceLine.source_id == source_id,
                Invoice.kind == DocumentKind.INVOICE,
            )
            .order_by(InvoiceLine.id)
        )
    )


def credited_net(invoice_id: int, source_type: str, source_id: int) -> int:
    """The net already credited on ``invoice_id`` for one source."""
    return db.session.scalar(
        select(func.coalesce(func.sum(InvoiceLine.net_cents), 0))
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(
            Invoice.credits_id == invoice_id,
            InvoiceLine.source_type == source_type,
            InvoiceLine.source_id == source_id,
        )
    )


def outstanding_net(source_type: str, source_id: int) -> list[tuple[InvoiceLine, int]]:
    """Each invoice line of the source with what is still billed on it (net of credit notes)."""
    result = []
    for line in billed_lines(source_type, source_id):
        left = line.net_cents - credited_net(line.invoice_id, source_type, source_id)
        if left > 0:
            result.append((line, left))
    return result


def invoices_of_booking(booking_id: int) -> list[Invoice]:
    """The invoices and credit notes with a line about the booking (its price, or its kit's deposit
    kept), oldest first."""
    return list(
        db.session.scalars(
            select(Invoice)
            .where(  # by its lines' ids: PostgreSQL has no DISTINCT on the JSON columns
                Invoice.id.in_(
                    select(InvoiceLine.invoice_id).where(
                        InvoiceLine.source_type.in_((sources.BOOKING, sources.KEPT_DEPOSIT)),
                        InvoiceLine.source_id == booking_id,
                    )
                )
            )
            .order_by(Invoice.id)
        )
    )


# --- issuing ----------------------------------------------------------------------------------------


def credit_share(booking: Booking, actor: User | None, now: datetime) -> int:
    """The per cent of what was billed that a cancellation credits: all, unless the borrower
    cancels less than ``FREE_CANCELLATION_HOURS`` before the start (then the venue keeps
    ``LATE_CANCELLATION_SHARE`` per cent). A cancellation by the venue credits everything."""
    by_venue = actor is not None and actor.id != booking.requester_id
    if by_venue or booking.starts_at - now >= timedelta(hours=FREE_CANCELLATION_HOURS):
        return 100
    return 100 - LATE_CANCELLATION_SHARE


def credit(
    booking: Booking, share: int, actor: User | None = None, reason: str = "", now: datetime | None = None
) -> list[Invoice]:
    """Credit ``share`` per cent of what is still billed for the booking (one credit note per invoice)."""
    return _credit_many([(sources.BOOKING, booking.id, share)], actor, reason, now or utcnow())


def credit_source(
    source_type: str,
    source_id: int,
    share: int,
    actor: User | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> list[Invoice]:
    """Credit ``share`` per cent of what is still billed for any source (an event ticket…)."""
    return _credit_many([(source_type, source_id, share)], actor, reason, now or utcnow())


def issue_invoice(
    venue_id: int, buyer: User, lines: list[InvoiceLine], actor: User | None = None, now: datetime | None = None
) -> Invoice | None:
    """Issue an invoice of the venue to a person (and the organisation they act for) for lines of any
    source: numbered, audited and emailed like the bookings' ones. None if the venue has no identity."""
    from types import SimpleNamespace

    identity = identity_of(venue_id)
    if identity is None or not lines:
        return None
    first = SimpleNamespace(requester=buyer, requester_id=buyer.id, organisation=None, organisation_id=None)
    document = _new_document(DocumentKind.INVOICE, identity, first, lines, now or utcnow())  # type: ignore[arg-type]
    _record(document, actor, "issued", sources=[f"{line.source_type}:{line.source_id}" for line in lines])
    from app.billing import notices

    notices.issued(document)
    return document


def _credit_many(items: list[tuple[str, int, int]], actor: User | None, reason: str, now: datetime) -> list[Invoice]:
    by_invoice: dict[int, list[InvoiceLine]] = defaultdict(list)
    invoices: dict[int, Invoice] = {}
    for source_type, source_id, share in items:
        for line, left in outstanding_net(source_type, source_id):
            amount = left if share >= 100 else min(left, (line.net_cents * share + 50) // 100)
            if amount <= 0:
                continue
            invoices[line.invoice_id] = line.invoice
            by_invoice[line.invoice_id].append(
                InvoiceLine(
                    source_type=line.source_type,
                    source_id=line.source_id,
                    description=line.description
                    if share >= 100
                    else f"{line.description} ({share} %)",  # the share of the line credited
                    quantity=1,
                    unit_price_cents=amount,
                    net_cents=amount,
                )
            )
    notes = []
    for invoice_id, lines in by_invoice.items():
        invoice = invoices[invoice_id]
        identity = identity_of(invoice.venue_id)
        if identity is None:  # the identity is never deleted while invoices exist; be safe
            continue
        note = _new_document(DocumentKind.CREDIT_NOTE, identity, None, lines, now, credits=invoice, reason=reason)
        _record(note, actor, "issued", reason, credits=invoice.number)
        from app.billing import online

        online.queue_refunds(note)  # what was paid online goes back the same way, after the commit
        notes.append(note)
    return notes


BILLABLE = (BookingStatus.APPROVED, BookingStatus.HANDED_OVER, BookingStatus.RETURNED)


def invoice(
    bookings: list[Booking], actor: User | None = None, now: datetime | None = None, on_approval: bool = False
) -> list[Invoice]:
    """Invoice the bookings that cost something and have nothing billed yet, one invoice per
    venue, borrower and organisation. Returns the invoices issued. ``on_approval``: the approval's
    transaction asks; a venue that invoices after the booking or monthly issues nothing then
    (``app.billing.schedule`` does, later)."""
    now = now or utcnow()
    groups: dict[tuple, list[Booking]] = defaultdict(list)
    identities: dict[int, BillingIdentity | None] = {}
    for booking in sorted(bookings, key=lambda b: (b.starts_at, b.id)):
        if booking.status not in BILLABLE or booking.price_cents <= 0 or booking.is_event:
            continue
        if on_approval and booking.status == BookingStatus.RETURNED:
            continue
        # The venue first: one that issues no invoice now needs no look at what was billed.
        venue_id = booking.resource.venue_id
        if venue_id not in identities:
            identities[venue_id] = identity_of(venue_id)
        identity = identities[venue_id]
        if identity is None or (on_approval and identity.invoicing != InvoicingSchedule.AT_APPROVAL):
            continue
        if outstanding_net(sources.BOOKING, booking.id):
            continue
        groups[(venue_id, booking.requester_id, booking.organisation_id)].append(booking)
    issued = []
    for (venue_id, _requester, _organisation), group in groups.items():
        identity = identities[venue_id]
        assert identity is not None  # (grouped only when the venue invoices now)
        lines = [sources.line_for_booking(booking) for booking in group]
        document = _new_document(DocumentKind.INVOICE, identity, group[0], lines, now)
        _record(document, actor, "issued", bookings=[booking.id for booking in group])
        from app.billing import notices

        notices.issued(document)
        issued.append(document)
    return issued


def issue_pending(session: Session) -> None:
    """The documents this transaction calls for (see the module's docstring)."""
    to_credit: dict[int, tuple[int, int | None, str]] = session.info.pop(_TO_CREDIT, {})
    to_invoice: list[int] = session.info.pop(_TO_INVOICE, [])
    to_settle: dict[int, int | None] = session.info.pop(_TO_SETTLE_DEPOSIT, {})
    if not to_credit and not to_invoice and not to_settle:
        return
    now = utcnow()
    items: list[tuple[str, int, int]] = []
    actor_ids: list[int | None] = []
    reasons: list[str] = []
    for booking_id, (share, actor_id, reason) in to_credit.items():
        booking = session.get(Booking, booking_id)
        if booking is not None:
            if _bill_kept_share(booking, share, actor_id, reason, now):
                continue
            items.append((sources.BOOKING, booking.id, share))
            actor_ids.append(actor_id)
            if reason and reason not in reasons:
                reasons.append(reason)
    if items:  # one credit note per invoice, whoever cancelled which of its bookings
        actor = session.get(User, actor_ids[-1]) if actor_ids[-1] else None
        _credit_many(items, actor, " ; ".join(reasons), now)
    if to_invoice:
        # From the identity map (no statement for the bookings this transaction already holds):
        # a free booking approved at once costs no query at all.
        bookings = [booking for booking_id in to_invoice if (booking := session.get(Booking, booking_id)) is not None]
        invoice(bookings, now=now, on_approval=True)
    if to_settle:
        from app.billing import deposits

        for booking_id, actor_id in to_settle.items():
            booking = session.get(Booking, booking_id)
            if booking is not None:
                deposits.settle(booking, session.get(User, actor_id) if actor_id else None, now)


def _bill_kept_share(booking: Booking, share: int, actor_id: int | None, reason: str, now: datetime) -> bool:
    """A late cancellation by the borrower of an approved booking that a venue invoicing after the
    booking or monthly has not billed yet: what the venue keeps (the rest of ``share``) is invoiced
    now, alone (the scheduled run never bills a cancelled booking)."""
    if share >= 100 or booking.price_cents <= 0 or booking.decided_at is None or booking.is_event:
        return False
    if booking.status != BookingStatus.CANCELLED or billed_lines(sources.BOOKING, booking.id):
        return False
    identity = identity_of(booking.resource.venue_id)
    if identity is None or identity.invoicing == InvoicingSchedule.AT_APPROVAL:
        return False
    kept = (booking.price_cents * (100 - share) + 50) // 100
    line = sources.line_for_booking(booking)
    line.description = f"{line.description} (annulation tardive, {100 - share} %)"[:255]
    line.unit_price_cents = line.net_cents = kept
    document = _new_document(DocumentKind.INVOICE, identity, booking, [line], now)
    actor = db.session.get(User, actor_id) if actor_id else None
    _record(document, actor, "issued", reason, bookings=[booking.id], late_cancellation=True)
    from app.billing import notices

    notices.issued(document)
    return True


# --- the engine's signals ---------------------------------------------------------------------------


def _note_invoice(booking: Booking) -> None:
    pending = db.session.info.setdefault(_TO_INVOICE, [])
    if booking.id not in pending:
        pending.append(booking.id)


def _note_credit(booking: Booking, share: int, actor: User | None, reason: str) -> None:
    db.session.info.setdefault(_TO_CREDIT, {})[booking.id] = (share, actor.id if actor else None, reason)


@booking_approved.connect
def _on_approved(booking: Booking, actor: User | None = None, **_extra) -> None:
    if booking.is_event:  # a venue's own event: nothing to bill
        return
    if booking.id is None:
        db.session.flush()
    _note_invoice(booking)


@booking_returned.connect
def _on_returned(booking: Booking, actor: User | None = None, **_extra) -> None:
    # The part of the deposit kept, if any, is invoiced and settled by the deposit before the commit.
    db.session.info.setdefault(_TO_SETTLE_DEPOSIT, {})[booking.id] = actor.id if actor else None


@booking_cancelled.connect
def _on_cancelled(booking: Booking, actor: User | None = None, reason: str = "", **_extra) -> None:
    if booking.is_event:
        return
    _note_credit(booking, credit_share(booking, actor, utcnow()), actor, reason)


@booking_edited.connect
def _on_edited(booking: Booking, actor: User | None = None, reason: str = "", changes=None, **_extra) -> None:
    if booking.is_event or not BILLED_CHANGES & set(changes or {}):
        return
    # What was billed no longer describes the booking: credited in full, billed again if it
    # still holds its slot (or when it is approved again).
    _note_credit(booking, 100, actor, reason)
    if booking.status in (BookingStatus.APPROVED, BookingStatus.HANDED_OVER):
        _note_invoice(booking)


# --- the transaction ---------------------------------------------------------------------------------


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    issue_pending(session)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_TO_INVOICE, None)
        session.info.pop(_TO_CREDIT, None)
        session.info.pop(_TO_SETTLE_DEPOSIT, None)


_MUTABLE = {"file_name", "sha256", "rendered_at"}


@event.listens_for(Session, "before_flush")
def _refuse_changes(session: Session, _context, _instances) -> None:
    """An issued document is never changed, nor deleted: only its file is recorded once made."""
    for obj in session.new:
        if isinstance(obj, InvoiceLine) and obj.invoice is not None and obj.invoice not in session.new:
            raise FrozenInvoice(f"no line can be added to an issued document: {obj.invoice.number}")
    for obj in session.deleted:
        if isinstance(obj, Invoice | InvoiceLine):
            raise FrozenInvoice(f"an issued document cannot be deleted: {obj!r}")
    for obj in session.dirty:
        if isinstance(obj, InvoiceLine) and session.is_modified(obj):
            raise FrozenInvoice(f"an issued invoice line cannot be changed: {obj.id}")
        if isinstance(obj, Invoice) and session.is_modified(obj):
            state = db.inspect(obj)
            changed = {attr.key for attr in state.attrs if attr.history.has_changes()}
            if changed - _MUTABLE - {"credit_notes", "payments"}:
                raise FrozenInvoice(f"an issued invoice cannot be changed: {obj.number} {sorted(changed - _MUTABLE)}")
