"""What the homes list, built from each feature's own query functions (the desk's, the planning's,
the closures', the newcomers' workflow, billing's balances): no second implementation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.agreements.models import Agreement, AgreementStatus
from app.billing.models import Invoice
from app.billing.payments import InvoiceState, balance, state_of
from app.bookings import access
from app.bookings.access import Group
from app.core.clock import paris_today
from app.desk import planning
from app.desk import rules as desk
from app.events import registrations
from app.events.models import Registration
from app.extensions import db
from app.manage import closures, permissions
from app.models import Booking, Closure, ClosureStatus, User, Venue
from app.newcomers import workflow
from app.newcomers.models import OPEN_STATUSES, TestSpaceRequest

NEXT_BOOKINGS = 5
LIST_LIMIT = 20


@dataclass
class InvoiceDue:
    invoice: Invoice
    due_cents: int
    overdue: bool


@dataclass
class MemberHome:
    next_bookings: list[Group]
    more_bookings: bool
    agreements_to_accept: list[Agreement]
    invoices_to_pay: list[InvoiceDue]
    registrations: list[Registration] = field(default_factory=list)


@dataclass
class Waiting:
    """A request waiting for a decision, with the other requests over the same period."""

    booking: Booking
    collisions: list[Booking] = field(default_factory=list)


@dataclass
class ManagerHome:
    venues: list[Venue]
    to_hand_over: list[Booking]
    to_take_back: list[Booking]
    overdue: list[Booking]
    waiting: list[Waiting]
    closures_to_confirm: list[Closure]
    newcomers: list[TestSpaceRequest]

    @property
    def collisions(self) -> list[Waiting]:
        return [item for item in self.waiting if item.collisions]


def member_home(user: User, now: datetime) -> MemberHome:
    page = access.my_bookings(user, now, upcoming=True)
    agreements = db.session.scalars(
        select(Agreement)
        .where(Agreement.borrower_id == user.id, Agreement.status == AgreementStatus.ISSUED)
        .order_by(Agreement.issued_at, Agreement.id)
        .limit(LIST_LIMIT)
    ).all()
    invoices = db.session.scalars(
        select(Invoice)
        .where(Invoice.buyer_id == user.id)
        .options(selectinload(Invoice.credit_notes), selectinload(Invoice.payments))
        .order_by(Invoice.due_on, Invoice.id)
    ).all()
    today = paris_today(now)
    to_pay = []
    for invoice in invoices:
        state = state_of(invoice, today)
        if state in (InvoiceState.UNPAID, InvoiceState.OVERDUE):
            to_pay.append(InvoiceDue(invoice, balance(invoice).due_cents, state == InvoiceState.OVERDUE))
    return MemberHome(
        next_bookings=page.groups[:NEXT_BOOKINGS],
        more_bookings=len(page.groups) > NEXT_BOOKINGS or page.has_next,
        agreements_to_accept=list(agreements),
        invoices_to_pay=to_pay[:LIST_LIMIT],
        registrations=registrations.upcoming_of(user, now, LIST_LIMIT),
    )


def manager_home(user: User, now: datetime) -> ManagerHome | None:
    """None for who manages no venue."""
    if not (user.is_coordinator or user.managed_venues):
        return None
    venues = permissions.manageable_venues(user)
    venue_ids = [venue.id for venue in venues]
    pending = desk.pending_in(venue_ids)  # oldest first
    collisions = desk.collisions_among(pending)
    proposed = [
        closure
        for venue in venues
        for closure in closures.venue_closures(venue, now)
        if closure.status == ClosureStatus.PROPOSED
    ]
    handled = {venue.id for venue in user.managed_venues}
    newcomers = [
        request
        for request in db.session.scalars(
            workflow.visible_requests(user)
            .where(TestSpaceRequest.status.in_(OPEN_STATUSES))
            .options(selectinload(TestSpaceRequest.venue))
        )
        if request.venue_id in handled or (user.is_coordinator and request.venue_id is None)
    ]
    newcomers.sort(key=lambda request: (request.created_at, request.id))  # who waited longest first
    return ManagerHome(
        venues=venues,
        to_hand_over=planning.to_hand_over(venue_ids, now),
        to_take_back=planning.to_take_back(venue_ids, now),
        overdue=planning.overdue(venue_ids, now),
        waiting=[Waiting(booking, collisions.get(booking.id, [])) for booking in pending[:LIST_LIMIT]],
        closures_to_confirm=sorted(proposed, key=lambda closure: closure.starts_at),
        newcomers=newcomers[:LIST_LIMIT],
    )
