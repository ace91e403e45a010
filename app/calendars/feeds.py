"""iCalendar (RFC 5545) feeds of bookings, built with the ``icalendar`` library. No request here.

What every event carries, and why:

- ``UID``: one per booking and kind of feed, never reused, so a calendar updates the event it
  already has instead of adding a copy;
- ``SEQUENCE``: how many times the booking changed (its audit trail after the request, and at
  least ``Booking.revision``): every approval, edit, cancellation makes it grow;
- ``DTSTAMP`` and ``LAST-MODIFIED``: when the booking last changed, in UTC (the feeds carry no
  ``METHOD``, so DTSTAMP is the last revision, and the same feed gives the same bytes);
- ``STATUS``: ``TENTATIVE`` while requested, ``CONFIRMED`` once approved, ``CANCELLED`` when
  cancelled or refused: the event stays in the feed, so calendars strike it out instead of keeping
  a stale copy;
- times with ``TZID=Europe/Paris`` and the ``VTIMEZONE`` that defines it (without one, Outlook
  shows events an hour off), plus ``REFRESH-INTERVAL`` and ``X-PUBLISHED-TTL`` (one hour).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import lru_cache

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vDuration
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.bookings.transitions import STATUS_LABELS
from app.core.clock import PARIS
from app.core.i18n import gettext as _
from app.core.i18n import ngettext
from app.extensions import db
from app.models import AuditEntry, Booking, BookingStatus, Resource, ResourceKind, utcnow
from app.notifications.links import booking_url, site_domain

PRODID = "-//FNT Partage//Agenda des reservations//FR"
REFRESH = timedelta(hours=1)
# How far back the feeds go: recent history stays visible, old bookings drop off.
HISTORY = timedelta(days=60)

ICAL_STATUS = {
    BookingStatus.REQUESTED: "TENTATIVE",
    BookingStatus.APPROVED: "CONFIRMED",
    BookingStatus.HANDED_OVER: "CONFIRMED",
    BookingStatus.RETURNED: "CONFIRMED",
    BookingStatus.REJECTED: "CANCELLED",
    BookingStatus.CANCELLED: "CANCELLED",
}


class Detail(enum.Enum):
    """How much an event tells."""

    PERSONAL = "personal"  # the requester's own: resource, venue, purpose
    VENUE = "venue"  # a venue's managers: also who booked, for whom
    BUSY = "busy"  # anyone who may book the resource: busy or not, nothing about who or why


def booking_uid(booking: Booking, detail: Detail) -> str:
    prefix = "occupation" if detail is Detail.BUSY else "reservation"
    return f"{prefix}-{booking.id}@{site_domain()}"


def _changes_count():
    """Audit entries of a booking: its request, then one per change."""
    return (
        select(func.count(AuditEntry.id))
        .where(AuditEntry.subject_type == "booking", AuditEntry.subject_id == Booking.id)
        .correlate(Booking)
        .scalar_subquery()
    )


def bookings_for(*conditions, now: datetime | None = None) -> list[tuple[Booking, int]]:
    """Bookings matching ``conditions`` that end after the history limit, with their SEQUENCE."""
    since = (now or utcnow()) - HISTORY
    rows = db.session.execute(
        select(Booking, _changes_count())
        .where(Booking.ends_at >= since, *conditions)
        .options(
            selectinload(Booking.resource).selectinload(Resource.venue),
            selectinload(Booking.requester),
            selectinload(Booking.organisation),
        )
        .order_by(Booking.starts_at, Booking.id)
    ).all()
    return [(booking, max(booking.revision, entries - 1, 0)) for booking, entries in rows]


def _summary(booking: Booking, detail: Detail) -> str:
    resource = booking.resource
    if detail is Detail.BUSY:
        if resource.kind == ResourceKind.KIT:
            return ngettext(
                "Réservé : %(num)d unité sur %(units)d",
                "Réservé : %(num)d unités sur %(units)d",
                booking.quantity,
                units=resource.units,
            )
        return _("Occupé") if booking.status != BookingStatus.REQUESTED else _("Demande en attente")
    if detail is Detail.VENUE:
        return f"{resource.name} — {booking.requester.name}"
    return f"{resource.name} — {resource.venue.name}"


def _description(booking: Booking, detail: Detail) -> str:
    if detail is Detail.BUSY:
        return ""
    lines = [_("Statut : %(status)s", status=STATUS_LABELS[booking.status])]
    if booking.resource.kind == ResourceKind.KIT:
        lines.append(ngettext("%(num)d unité", "%(num)d unités", booking.quantity))
    if detail is Detail.VENUE:
        who = booking.requester.name
        if booking.organisation:
            who = f"{who} ({booking.organisation.name})"
        lines.append(_("Demandé par : %(who)s", who=who))
        lines.append(booking.requester.email)
    if booking.purpose:
        lines.append(_("Objet : %(purpose)s", purpose=booking.purpose))
    if booking.decision_note and booking.status in (BookingStatus.REJECTED, BookingStatus.CANCELLED):
        lines.append(_("Motif : %(reason)s", reason=booking.decision_note))
    lines.append(booking_url(booking))
    return "\n".join(lines)


def event_for(booking: Booking, sequence: int, detail: Detail) -> Event:
    venue = booking.resource.venue
    event = Event()
    event.add("uid", booking_uid(booking, detail))
    event.add("dtstamp", booking.updated_at)
    event.add("last-modified", booking.updated_at)
    event.add("created", booking.created_at)
    event.add("sequence", sequence)
    event.add("dtstart", booking.starts_at.astimezone(PARIS))
    event.add("dtend", booking.ends_at.astimezone(PARIS))
    event.add("summary", _summary(booking, detail))
    event.add("location", ", ".join(part for part in (venue.name, venue.address) if part))
    event.add("status", ICAL_STATUS[booking.status])
    event.add("transp", "TRANSPARENT" if ICAL_STATUS[booking.status] == "CANCELLED" else "OPAQUE")
    if detail is Detail.BUSY:
        event.add("class", "PUBLIC")
    else:
        event.add("class", "PRIVATE")
        event.add("description", _description(booking, detail))
        event.add("url", booking_url(booking))
    return event


@lru_cache(maxsize=1)
def paris_timezone() -> Timezone:
    """The VTIMEZONE of Europe/Paris in its standard form: one summer and one winter rule, each a
    yearly RRULE (the European Union's rule since 1996: summer time from the last Sunday of March
    at 02:00 to the last Sunday of October at 03:00). Outlook desktop is reported to shift summer
    events by an hour when the zone is given as lists of RDATE without an RRULE."""
    zone = Timezone()
    zone.add("tzid", "Europe/Paris")
    zone.add("x-lic-location", "Europe/Paris")
    for kind, name, start, offsets, month in (
        (TimezoneDaylight, "CEST", datetime(1996, 3, 31, 2, 0), (1, 2), 3),
        (TimezoneStandard, "CET", datetime(1996, 10, 27, 3, 0), (2, 1), 10),
    ):
        rule = kind()
        rule.add("tzname", name)
        rule.add("tzoffsetfrom", timedelta(hours=offsets[0]))
        rule.add("tzoffsetto", timedelta(hours=offsets[1]))
        rule.add("dtstart", start)  # local time, as RFC 5545 asks
        rule.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1su"})
        zone.add_component(rule)
    return zone


def calendar_of(name: str, rows: Iterable[tuple[Booking, int]], detail: Detail) -> bytes:
    """A whole VCALENDAR of these bookings (with their SEQUENCE), ready to serve."""
    rows = list(rows)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", name)  # RFC 7986
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Paris")
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))  # an X- property: the type must be given
    if rows:
        calendar.add_component(paris_timezone())
    for booking, sequence in rows:
        calendar.add_component(event_for(booking, sequence, detail))
    return calendar.to_ical()
