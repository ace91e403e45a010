"""The emails of a change to an approved booking (``app.bookings.changes``): the venue's managers
learn that a change waits for them (daily digest if they chose it); the requester learns that it was
refused, and why. An approved change is told by the edit email (``booking_edited``)."""

from __future__ import annotations

from app.bookings import signals
from app.models import BookingChange, User
from app.notifications.compose import notify, venue_staff
from app.notifications.links import absolute_url, booking_url

EMAILS = "bookings/email/"


@signals.change_requested.connect
def _requested(change: BookingChange, actor: User | None = None, reason: str = "", **_) -> None:
    booking = change.booking
    for staff in venue_staff(booking.resource.venue, actor):
        notify(
            staff,
            EMAILS + "change_requested",
            digest=True,
            change=change,
            booking=booking,
            reason=reason,
            link=absolute_url("desk.requests") + f"#change-{change.id}",
        )


@signals.change_refused.connect
def _refused(change: BookingChange, actor: User | None = None, reason: str = "", **_) -> None:
    booking = change.booking
    notify(
        booking.requester,
        EMAILS + "change_refused",
        change=change,
        booking=booking,
        reason=reason,
        link=booking_url(booking),
    )
