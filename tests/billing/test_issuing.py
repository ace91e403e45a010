"""Invoices issued on approval, in the approval's transaction; credit notes on cancellation and
edits, with the agreement's cancellation rule; numbers without gaps; issued documents frozen."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.billing.issuing import FrozenInvoice
from app.billing.models import DocumentKind, Invoice, InvoiceCounter
from app.core.clock import paris_today, utcnow
from app.extensions import db
from app.models import AuditEntry, Booking, OrganisationKind
from tests.factories.agreements import approve, cancel, edit, make_booking, paris
from tests.factories.billing import paid_booking


def _documents(kind: DocumentKind | None = None) -> list[Invoice]:
    db.session.expire_all()
    query = select(Invoice).order_by(Invoice.id)
    if kind is not None:
        query = query.where(Invoice.kind == kind)
    return list(db.session.scalars(query))


def test_an_approved_paid_booking_is_invoiced_in_its_transaction_and_a_free_one_is_not(world, outbox):
    paid = paid_booking(world.space, world.borrower, paris(2027, 3, 1, 9), price_cents=5000)
    free = make_booking(world.space, world.borrower, paris(2027, 3, 2, 9), 2)
    approve(paid, free, actor=world.manager)
    assert _documents() == []  # issued when the transaction commits, with what it holds then
    db.session.commit()

    (invoice,) = _documents()
    year = paris_today().year
    assert (invoice.number, invoice.kind, invoice.total_cents, invoice.vat_cents) == (
        f"F-{year}-0001",
        DocumentKind.INVOICE,
        5000,
        0,
    )
    assert [(line.source_type, line.source_id, line.net_cents) for line in invoice.lines] == [
        ("booking", paid.id, 5000)
    ]
    assert invoice.seller["name"] == "Association La Briqueterie"
    assert invoice.seller["exemption_wording"] == "TVA non applicable, art. 293 B du CGI"
    assert invoice.buyer["name"] == "Les Jardins Partagés"
    assert invoice.due_on == paris_today(invoice.issued_at) + timedelta(days=30)  # the day in Paris
    assert invoice.transfer_reference.startswith("RF")
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.subject_type == "invoice")).action == "issued"
    assert any("Facture F-" in message["Subject"] for message in outbox.messages())


def test_a_venue_subject_to_vat_adds_it_and_a_company_is_a_business_buyer(world):
    world.identity.vat_exempt = False
    world.identity.vat_number = "FR40732829320"
    world.identity.vat_rate_basis_points = 2000
    world.organisation.kind = OrganisationKind.COMPANY
    bookings = [
        paid_booking(world.space, world.borrower, paris(2027, 3, 1 + day, 9), price_cents=3333) for day in range(3)
    ]
    approve(*bookings, actor=world.manager)
    db.session.commit()
    (invoice,) = _documents()  # approved together: one invoice, a line each
    assert (invoice.net_cents, invoice.vat_cents, invoice.total_cents) == (9999, 2000, 11999)
    assert invoice.business_buyer
    assert [line.position for line in invoice.lines] == [1, 2, 3]


def test_cancellations_credit_all_or_half_by_the_agreement_clause(world, clock):
    soon = utcnow() + timedelta(hours=24)
    later = paid_booking(world.space, world.borrower, utcnow() + timedelta(days=30), price_cents=5000)  # far ahead
    late = make_booking(world.space, world.borrower, soon, 2, price_cents=4000)
    by_venue = make_booking(world.machine, world.borrower, soon, 2, price_cents=3000)
    approve(later, actor=world.manager)
    db.session.commit()
    approve(late, by_venue, actor=world.manager)
    db.session.commit()
    first, second = _documents()

    cancel(later, actor=world.borrower)  # more than 48 h ahead: all of it
    db.session.commit()
    cancel(late, actor=world.borrower)  # within 48 h: the venue keeps half
    cancel(by_venue, actor=world.manager)  # the venue cancels: all of it
    db.session.commit()

    notes = _documents(DocumentKind.CREDIT_NOTE)
    year = paris_today().year
    assert [(note.number, note.credits_id, note.total_cents) for note in notes] == [
        (f"AV-{year}-0001", first.id, 5000),
        (f"AV-{year}-0002", second.id, 2000 + 3000),
    ]
    cancel(later, actor=world.manager)  # nothing left to credit twice
    db.session.commit()
    assert len(_documents(DocumentKind.CREDIT_NOTE)) == 2


def test_an_edit_credits_the_invoice_and_bills_the_new_price(world):
    booking = paid_booking(world.space, world.borrower, paris(2027, 3, 1, 9), price_cents=5000)
    approve(booking, actor=world.manager)
    db.session.commit()
    edit(booking, actor=world.manager, ends_at=booking.ends_at + timedelta(hours=1), price_cents=7500)
    db.session.commit()
    first, note, second = _documents()
    assert (note.kind, note.credits_id, note.total_cents) == (DocumentKind.CREDIT_NOTE, first.id, 5000)
    assert (second.kind, second.total_cents, second.sequence) == (DocumentKind.INVOICE, 7500, 2)


def test_an_issued_invoice_cannot_be_changed_or_deleted(world):
    booking = paid_booking(world.space, world.borrower, paris(2027, 3, 1, 9))
    approve(booking, actor=world.manager)
    db.session.commit()
    (invoice,) = _documents()
    invoice.total_cents = 1
    with pytest.raises(FrozenInvoice):
        db.session.flush()
    db.session.rollback()
    invoice.lines[0].net_cents = 1
    with pytest.raises(FrozenInvoice):
        db.session.flush()
    db.session.rollback()
    db.session.delete(invoice)
    with pytest.raises(FrozenInvoice):
        db.session.flush()
    db.session.rollback()
    invoice.file_name, invoice.sha256 = "x.pdf", "0" * 64  # its file, once made, is recorded
    db.session.flush()


def test_twenty_concurrent_approvals_are_numbered_1_to_20_without_gap(app, world):
    bookings = [
        paid_booking(world.space, world.borrower, paris(2027, 3, 1, 9) + timedelta(days=day)) for day in range(21)
    ]
    ids = [booking.id for booking in bookings]
    venue_id = world.venue.id
    # The emails wait in the outbox: delivered at each commit, they would take a second pooled
    # connection per thread while the first is still held (21 threads > the pool's 15).
    app.config["OUTBOX_DELIVER_ON_COMMIT"] = False
    db.session.commit()  # no transaction (on SQLite, no lock) held while the threads run
    start = threading.Barrier(len(ids))
    errors: list[BaseException] = []

    def approve_in_its_own_request(booking_id: int, roll_back: bool) -> None:
        try:
            with app.app_context():
                start.wait()
                approve(db.session.get(Booking, booking_id))
                if roll_back:  # an approval that fails gives its number back
                    db.session.flush()
                    from app.billing.issuing import issue_pending

                    issue_pending(db.session())
                    db.session.rollback()
                else:
                    db.session.commit()
        except BaseException as error:
            errors.append(error)

    threads = [
        threading.Thread(target=approve_in_its_own_request, args=(booking_id, index == 5))
        for index, booking_id in enumerate(ids)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    invoices = _documents()
    assert sorted(invoice.sequence for invoice in invoices) == list(range(1, 21))
    year = paris_today().year
    assert db.session.get(InvoiceCounter, (venue_id, DocumentKind.INVOICE, year)).last_number == 20


def test_an_overdue_invoice_is_reminded_once(world, outbox):
    from app.notifications.reminders import send_reminders

    booking = paid_booking(world.space, world.borrower, paris(2027, 3, 1, 9))
    approve(booking, actor=world.manager)
    db.session.commit()
    assert send_reminders(utcnow() + timedelta(days=20))["invoice_overdue"] == 0  # not due yet
    later = utcnow() + timedelta(days=40)
    assert send_reminders(later)["invoice_overdue"] == 1
    db.session.commit()
    assert send_reminders(later)["invoice_overdue"] == 0
    db.session.commit()
    assert sum("en retard de paiement" in message["Subject"] for message in outbox.messages()) == 1
