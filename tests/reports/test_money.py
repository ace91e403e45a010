"""The reports' money section: invoiced, credited, paid and due per venue, from the venue's own
invoices, credit notes and payments, as the manager and the page show them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.billing.models import DocumentKind, Invoice, PaymentMethod
from app.billing.payments import record_payment
from app.core.clock import paris_today, utcnow
from app.extensions import db
from app.reports import money, periods
from app.reports.figures import Filters, Report
from tests.factories.agreements import approve, cancel
from tests.factories.billing import make_billing_world, paid_booking
from tests.helpers import log_in, text_of


@pytest.fixture()
def billed(app):
    """Two paid bookings approved today (two invoices), one cancelled far ahead (credited in full),
    15 € received on the other."""
    world = make_billing_world()
    kept = paid_booking(world.space, world.borrower, utcnow() + timedelta(days=30), price_cents=4000)
    cancelled = paid_booking(world.space, world.borrower, utcnow() + timedelta(days=40), price_cents=5000)
    approve(kept, actor=world.manager)
    db.session.commit()
    approve(cancelled, actor=world.manager)
    db.session.commit()
    invoice = db.session.scalar(select(Invoice).where(Invoice.total_cents == 4000))
    record_payment(invoice, PaymentMethod.CHEQUE, 1500, paris_today(), "Chèque 1234", world.manager)
    cancel(cancelled, actor=world.borrower)
    db.session.commit()
    assert db.session.scalar(select(Invoice).where(Invoice.kind == DocumentKind.CREDIT_NOTE)).total_cents == 5000
    return world


def _row(period, venue_id):
    table = money.invoicing(Report(Filters(period, (venue_id,))))
    return {row["label"]: row for row in table.rows}, table.totals


def test_what_was_invoiced_credited_paid_and_is_still_due(billed):
    today = paris_today()
    this_month = periods.month_of(today)
    rows, totals = _row(this_month, billed.venue.id)
    row = rows[billed.venue.name]
    assert (row["invoices"], row["invoiced"], row["credited"], row["paid"], row["due"]) == (2, 9000, 5000, 1500, 2500)
    assert totals["due"] == 2500

    # Sixty days on, the 25 € left are past the 30 days' terms: overdue.
    later = periods.Period("dates", today, today + timedelta(days=60))
    rows, _ = _row(later, billed.venue.id)
    assert (rows[billed.venue.name]["due"], rows[billed.venue.name]["overdue"]) == (2500, 2500)

    # The month before: nothing issued, nothing due yet.
    rows, _ = _row(this_month.previous(), billed.venue.id)
    assert rows == {}


def test_the_reports_page_shows_the_money_section_to_the_venues_manager(client, billed):
    log_in(client, billed.manager)
    page = text_of(client.get("/gestion/bilans/").get_data(as_text=True))
    assert "Facturation par lieu" in page
    assert "90,00 €" in page and "50,00 €" in page and "15,00 €" in page and "25,00 €" in page

    csv = client.get("/gestion/bilans/export/facturation_par_lieu.csv").get_data(as_text=True)
    header, line = csv.lstrip("\ufeff").splitlines()[:2]  # UTF-8 with its BOM, for spreadsheets
    assert header.split(",")[:3] == ["Lieu", "Factures", "Facturé"]
    assert line.split(",")[1:7] == ["2", "90.00", "50.00", "15.00", "25.00", "0.00"]
