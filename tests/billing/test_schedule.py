"""A venue chooses when it invoices: at approval, after the booking (``flask invoices run``), or
monthly for an organisation (``flask invoices monthly --month``): one invoice per organisation
and month, a line per booking, numbered with the others without gaps, idempotent."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from facturx import get_xml_from_pdf, xml_check_xsd
from lxml import etree
from sqlalchemy import select

from app.billing import schedule, storage
from app.billing.models import DocumentKind, Invoice, InvoicingSchedule
from app.core.clock import PARIS, utcnow
from app.extensions import db
from app.models import Booking
from tests.factories import make_user
from tests.factories.agreements import approve, cancel, edit, make_booking
from tests.factories.billing import paid_booking
from tests.helpers import pdf_text

NS = {"ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"}


def _documents(kind: DocumentKind | None = None) -> list[Invoice]:
    db.session.expire_all()
    query = select(Invoice).order_by(Invoice.id)
    if kind is not None:
        query = query.where(Invoice.kind == kind)
    return list(db.session.scalars(query))


def _last_month() -> date:
    return schedule.previous_month(utcnow())


def _in_month(first: date, day: int, hour: int = 10) -> datetime:
    return datetime.combine(first.replace(day=day), time(hour), tzinfo=PARIS)


def test_months_are_parsed_and_the_previous_one_is_found():
    assert schedule.parse_month("2026-11") == date(2026, 11, 1)
    assert schedule.next_month(date(2026, 12, 1)) == date(2027, 1, 1)
    assert schedule.previous_month(datetime(2027, 1, 3, 12, tzinfo=PARIS)) == date(2026, 12, 1)
    assert schedule.previous_month(datetime(2026, 3, 1, 0, 30, tzinfo=PARIS)) == date(2026, 2, 1)
    for bad in ("2026-1", "26-11", "2026/11", "2026-13"):
        with pytest.raises(ValueError):
            schedule.parse_month(bad)


def test_a_monthly_venue_issues_nothing_at_approval_then_one_invoice_per_organisation(world, runner, outbox):
    world.identity.invoicing = InvoicingSchedule.MONTHLY
    month = _last_month()
    alone = make_user("solo@example.org", "Sam Solo")
    alone.organisation = None  # books for no organisation: billed alone
    first = paid_booking(world.space, world.borrower, _in_month(month, 3), price_cents=5000)
    second = paid_booking(world.machine, world.other_member, _in_month(month, 10), price_cents=3000)
    world.other_member.organisation = world.organisation
    second.organisation = world.organisation
    third = paid_booking(world.space, alone, _in_month(month, 12), price_cents=2000)
    free = make_booking(world.space, world.borrower, _in_month(month, 20), 2)
    next_one = paid_booking(world.space, world.borrower, _in_month(schedule.next_month(month), 2), price_cents=7000)
    approve(first, second, third, free, next_one, actor=world.manager)
    db.session.commit()
    assert _documents() == []  # nothing at approval

    result = runner.invoke(args=["invoices", "monthly", "--month", f"{month:%Y-%m}"])
    assert result.exit_code == 0, result.output
    assert f"{month:%Y-%m}: 2 invoice(s) issued for 3 booking(s)." in result.output
    organisation, solo = _documents()
    assert [line.source_id for line in organisation.lines] == [first.id, second.id]
    assert organisation.total_cents == 8000 and organisation.buyer["name"] == "Les Jardins Partagés"
    assert [line.source_id for line in solo.lines] == [third.id] and solo.buyer["name"] == "Sam Solo"
    year = utcnow().astimezone(PARIS).year
    assert [organisation.number, solo.number] == [f"F-{year}-0001", f"F-{year}-0002"]
    assert sum("Facture F-" in message["Subject"] for message in outbox.messages()) == 2

    again = runner.invoke(args=["invoices", "monthly", "--month", f"{month:%Y-%m}"])
    assert "0 invoice(s) issued for 0 booking(s)." in again.output
    run = runner.invoke(args=["invoices", "run"])  # the daily cron: last month is already done
    assert run.exit_code == 0 and len(_documents()) == 2

    # The Factur-X file of a monthly invoice: one line per booking in its XML.
    data = storage.ensure_file(organisation)
    db.session.commit()
    _, xml = get_xml_from_pdf(data, check_xsd=False)
    assert xml_check_xsd(xml, flavor="factur-x", level="en16931")
    root = etree.fromstring(xml)
    assert len(root.findall(".//ram:IncludedSupplyChainTradeLineItem", namespaces=NS)) == 2
    assert root.findtext(".//ram:GrandTotalAmount", namespaces=NS) == "80.00"
    assert f"Réservation n° {second.id}" in pdf_text(data)


def test_a_month_not_over_is_refused_and_a_bad_month_too(world, runner):
    world.identity.invoicing = InvoicingSchedule.MONTHLY
    db.session.commit()
    this_month = utcnow().astimezone(PARIS).date().replace(day=1)
    result = runner.invoke(args=["invoices", "monthly", "--month", f"{this_month:%Y-%m}"])
    assert result.exit_code == 2 and "is not over yet" in result.output
    bad = runner.invoke(args=["invoices", "monthly", "--month", "novembre"])
    assert bad.exit_code == 2 and "expected YYYY-MM" in bad.output
    with pytest.raises(schedule.MonthNotOver):
        schedule.monthly(this_month)


def test_an_edited_booking_is_credited_and_billed_again_by_the_next_run(world):
    world.identity.invoicing = InvoicingSchedule.MONTHLY
    month = _last_month()
    booking = paid_booking(world.space, world.borrower, _in_month(month, 5), price_cents=5000)
    approve(booking, actor=world.manager)
    db.session.commit()
    schedule.monthly(month)
    db.session.commit()
    edit(booking, actor=world.manager, price_cents=4000)
    db.session.commit()
    invoice, note = _documents()
    assert note.credits_id == invoice.id and note.total_cents == 5000
    report = schedule.monthly(month)
    db.session.commit()
    assert [line.net_cents for document in report.issued for line in document.lines] == [4000]
    assert schedule.monthly(month).issued == []


def test_after_the_booking_one_invoice_once_it_has_ended(world, runner, clock):
    world.identity.invoicing = InvoicingSchedule.AFTER_BOOKING
    ended = paid_booking(world.space, world.borrower, utcnow() - timedelta(days=2), price_cents=5000)
    coming = paid_booking(world.space, world.borrower, utcnow() + timedelta(days=2), price_cents=6000)
    approve(ended, coming, actor=world.manager)
    db.session.commit()
    assert _documents() == []

    result = runner.invoke(args=["invoices", "run"])
    assert result.exit_code == 0, result.output
    assert "After the booking: 1 invoice(s)" in result.output
    (first,) = _documents()
    assert [line.source_id for line in first.lines] == [ended.id]
    assert "After the booking: 0 invoice(s)" in runner.invoke(args=["invoices", "run"]).output

    clock.shift(timedelta(days=3))
    runner.invoke(args=["invoices", "run"])
    first, second = _documents()
    assert [line.source_id for line in second.lines] == [coming.id]
    # The same counters as every invoice: the next number, or 1 in a new year.
    assert second.sequence == (first.sequence + 1 if second.year == first.year else 1)


def test_a_late_cancellation_is_billed_for_the_share_kept_and_an_early_one_for_nothing(world, clock):
    world.identity.invoicing = InvoicingSchedule.AFTER_BOOKING
    late = paid_booking(world.space, world.borrower, utcnow() + timedelta(hours=24), price_cents=5000)
    early = paid_booking(world.machine, world.borrower, utcnow() + timedelta(days=10), price_cents=5000)
    approve(late, early, actor=world.manager)
    for booking in (late, early):
        booking.decided_at = utcnow()  # what the engine records on approval
    db.session.commit()
    cancel(late, actor=world.borrower)
    cancel(early, actor=world.borrower)
    db.session.commit()
    (kept,) = _documents()
    assert kept.total_cents == 2500 and "annulation tardive, 50 %" in kept.lines[0].description
    clock.shift(timedelta(days=20))
    assert schedule.after_bookings().issued == []  # a cancelled booking is never billed by the run
    assert db.session.get(Booking, late.id) is not None


def test_at_approval_stays_the_default(world):
    booking = paid_booking(world.space, world.borrower, utcnow() + timedelta(days=5), price_cents=5000)
    approve(booking, actor=world.manager)
    db.session.commit()
    assert world.identity.invoicing == InvoicingSchedule.AT_APPROVAL
    assert len(_documents()) == 1
    assert schedule.after_bookings(utcnow() + timedelta(days=10)).issued == []
