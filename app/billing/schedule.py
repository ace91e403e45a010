"""Invoices a venue issues later than the approval: after the booking, or monthly for an
organisation. No request here; ``flask invoices run`` and ``flask invoices monthly`` call it (a cron).

A venue chooses on its billing identity (``BillingIdentity.invoicing``):

- **at approval** (the default): ``app.billing.issuing`` invoices in the approval's transaction;
- **after the booking**: once a paid booking has ended, one invoice for it (:func:`after_bookings`);
- **monthly**: once a month is over, one invoice per organisation (a member booking for none is
  billed alone) gathering its billable bookings that started that month, one line each
  (:func:`monthly`).

Both are idempotent: a booking with something billed and not credited is skipped, so a second
run (or a run of the other command) issues nothing twice. A booking edited after its invoice is
credited in full by ``app.billing.issuing`` and billed again by the next run. A late cancellation
by the borrower is invoiced for the share the venue keeps when it happens (``issuing``). Numbers
come from the same counters as every invoice (no gap); the files are made later (``storage``).
Each invoice is issued in its own transaction: the caller commits after each (``on_issued``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import exists, select

from app.billing import sources
from app.billing.issuing import BILLABLE, _new_document, _record, identity_of, outstanding_net
from app.billing.models import BillingIdentity, DocumentKind, Invoice, InvoiceLine, InvoicingSchedule
from app.core.clock import PARIS, utcnow
from app.extensions import db
from app.models import Booking, BookingKind, Resource


@dataclass
class RunReport:
    issued: list[Invoice] = field(default_factory=list)
    bookings: int = 0


class MonthNotOver(ValueError):
    """A month is invoiced once it is over: its later bookings would need a second invoice."""


def parse_month(text: str) -> date:
    """``2026-11`` -> the 1st of November 2026 (``ValueError`` on anything else)."""
    year, _, month = text.partition("-")
    if len(year) != 4 or len(month) != 2:
        raise ValueError(text)
    return date(int(year), int(month), 1)


def next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def previous_month(now: datetime) -> date:
    today = now.astimezone(PARIS).date()
    return date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)


def _paris_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=PARIS)


def _venues(schedule: InvoicingSchedule) -> list[int]:
    return list(
        db.session.scalars(
            select(BillingIdentity.venue_id)
            .where(BillingIdentity.invoicing == schedule)
            .order_by(BillingIdentity.venue_id)
        )
    )


def _unbilled(venue_ids: list[int], since: datetime | None, before: datetime, column) -> list[Booking]:
    """Billable bookings of these venues (``column`` in [since, before)) with no invoice line yet, or
    whose lines were all credited (checked one by one afterwards)."""
    if not venue_ids:
        return []

    def lines_of(kind: DocumentKind):
        return (
            select(InvoiceLine.id)
            .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
            .where(
                InvoiceLine.source_type == sources.BOOKING,
                InvoiceLine.source_id == Booking.id,
                Invoice.kind == kind,
            )
        )

    query = (
        select(Booking)
        .join(Resource, Resource.id == Booking.resource_id)
        .where(
            Resource.venue_id.in_(venue_ids),
            Booking.status.in_(BILLABLE),
            Booking.price_cents > 0,
            Booking.kind != BookingKind.EVENT,
            column < before,
        )
        .order_by(Booking.starts_at, Booking.id)
    )
    if since is not None:
        query = query.where(column >= since)
    # Never billed, or billed and credited (then checked: credited in full, or not).
    query = query.where(~exists(lines_of(DocumentKind.INVOICE)) | exists(lines_of(DocumentKind.CREDIT_NOTE)))
    return [booking for booking in db.session.scalars(query) if not outstanding_net(sources.BOOKING, booking.id)]


def _issue(group: list[Booking], now: datetime, on_issued: Callable[[Invoice], None] | None, report: RunReport):
    # The venue's identity row locked, then each booking checked again: a run started at the same
    # time (two crons) waits here, then finds the bookings billed and issues nothing.
    venue_id = group[0].resource.venue_id
    db.session.execute(select(BillingIdentity.venue_id).where(BillingIdentity.venue_id == venue_id).with_for_update())
    group = [booking for booking in group if not outstanding_net(sources.BOOKING, booking.id)]
    identity = identity_of(venue_id)
    if not group or identity is None:
        return
    lines = [sources.line_for_booking(booking) for booking in group]
    document = _new_document(DocumentKind.INVOICE, identity, group[0], lines, now)
    _record(document, None, "issued", schedule=identity.invoicing.value, bookings=[booking.id for booking in group])
    from app.billing import notices

    notices.issued(document)
    report.issued.append(document)
    report.bookings += len(group)
    if on_issued is not None:
        on_issued(document)


def after_bookings(now: datetime | None = None, on_issued: Callable[[Invoice], None] | None = None) -> RunReport:
    """One invoice per paid booking that has ended, of the venues that invoice after the booking."""
    now = now or utcnow()
    report = RunReport()
    for booking in _unbilled(_venues(InvoicingSchedule.AFTER_BOOKING), None, now, Booking.ends_at):
        _issue([booking], now, on_issued, report)
    return report


def monthly(month: date, now: datetime | None = None, on_issued: Callable[[Invoice], None] | None = None) -> RunReport:
    """For the venues that invoice monthly: one invoice per venue and organisation (or member who
    books for none) gathering the billable bookings that started in ``month`` (Paris), once the
    month is over (``MonthNotOver`` before)."""
    now = now or utcnow()
    first = month.replace(day=1)
    start, end = _paris_midnight(first), _paris_midnight(next_month(first))
    if end > now:
        raise MonthNotOver(first.isoformat()[:7])
    groups: dict[tuple, list[Booking]] = defaultdict(list)
    for booking in _unbilled(_venues(InvoicingSchedule.MONTHLY), start, end, Booking.starts_at):
        buyer = (
            ("organisation", booking.organisation_id) if booking.organisation_id else ("member", booking.requester_id)
        )
        groups[(booking.resource.venue_id, *buyer)].append(booking)
    report = RunReport()
    for key in sorted(
        groups, key=lambda k: (k[0], groups[k][0].starts_at, groups[k][0].id)
    ):  # the venue, the first booking
        _issue(groups[key], now, on_issued, report)
    return report
