"""Series: bookings repeated daily, weekly or monthly, until a date or for a number of occurrences.

Monthly series repeat on the nth weekday of the month ("every first Thursday"; position -1 is the
last one), computed with ``dateutil.rrule``; the weekday is the first occurrence's.

Occurrences repeat the Paris wall-clock times of the first one (every Tuesday
18:00-20:00 stays 18:00-20:00 across a daylight-saving change, so its UTC time
moves by an hour). Before confirming, the member sees every occurrence, free or
colliding and why (``preview_series``); then books the free ones or none
(``request_series``). A manager approves, rejects or cancels a series as a
whole, or occurrence by occurrence with the single-booking functions.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from dateutil import rrule
from sqlalchemy import select

from app.bookings.availability import availability_reason, lock_resource
from app.bookings.errors import Code, Moment, Reason, Refusal
from app.bookings.lifecycle import approve, cancel, preview_approval, reject, request_booking
from app.bookings.pricing import Quote
from app.bookings.rules import check_booking, require_aware
from app.bookings.transitions import Action, authorise
from app.core.clock import paris_to_utc, to_paris
from app.core.i18n import lazy_gettext as _l
from app.extensions import db
from app.models import Booking, BookingKind, BookingStatus, Resource, Series, User, utcnow

MAX_OCCURRENCES = 104  # two years of weekly meetings


class Frequency(enum.StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"  # on the nth weekday of the month


def _series_refusal(message) -> Refusal:
    return Refusal(Reason(Code.SERIES, message, "until"))


@dataclass(frozen=True)
class Repetition:
    """How a series repeats: every ``interval`` days, weeks or months, until a Paris date or ``count`` times.

    ``until`` is the last Paris date an occurrence may start on; ``count`` the number of
    occurrences. Exactly one of the two is given. Monthly: ``month_position`` says which weekday of
    the month (1 to 4, or -1 for the last; by default the first occurrence's own position).
    """

    frequency: Frequency
    interval: int = 1
    until: date | None = None
    count: int | None = None
    month_position: int | None = None


def month_position_of(day: date) -> int:
    """Which of its weekdays in the month ``day`` is: 1 for the first Thursday, 2 for the second…"""
    return (day.day - 1) // 7 + 1


def _monthly_days(first: date, repetition: Repetition) -> list[date]:
    """The Paris dates of a monthly series: the first occurrence's date, then the nth weekday of
    every ``interval``-th month after it (``dateutil.rrule``)."""
    position = repetition.month_position or month_position_of(first)
    if position not in (1, 2, 3, 4, -1):
        raise _series_refusal(_l("Choisissez le 1er, 2e, 3e, 4e ou dernier jour du mois."))
    weekday = rrule.weekday(first.weekday())(position)
    limit = MAX_OCCURRENCES + 1
    rule = rrule.rrule(
        rrule.MONTHLY,
        dtstart=datetime.combine(first, datetime.min.time()),
        interval=repetition.interval,
        byweekday=weekday,
        count=None if repetition.until else min(repetition.count or limit, limit),
        until=datetime.combine(repetition.until, datetime.min.time()) if repetition.until else None,
    )
    days = [moment.date() for moment in rule[:limit] if moment.date() > first]
    return [first, *days]


def occurrences(starts_at: datetime, ends_at: datetime, repetition: Repetition) -> list[tuple[datetime, datetime]]:
    """The (start, end) of every occurrence, in UTC, the first one included."""
    require_aware(starts_at, ends_at)
    frequency, interval, until, count = (repetition.frequency, repetition.interval, repetition.until, repetition.count)
    if (until is None) == (count is None):
        raise _series_refusal(_l("Indiquez soit une date de fin, soit un nombre d'occurrences."))
    if interval < 1:
        raise _series_refusal(_l("L'intervalle de répétition est d'au moins 1."))
    start, end = to_paris(starts_at), to_paris(ends_at)
    if until is not None and until < start.date():
        raise _series_refusal(_l("La date de fin précède la première occurrence."))
    days_spanned = end.date() - start.date()
    if frequency == Frequency.MONTHLY:
        days = _monthly_days(start.date(), repetition)
        if count is not None:
            days = days[:count]
    else:
        step = timedelta(days=interval if frequency == Frequency.DAILY else 7 * interval)
        days, day = [], start.date()
        while (count is None or len(days) < count) and (until is None or day <= until) and len(days) <= MAX_OCCURRENCES:
            days.append(day)
            day += step
    if len(days) > MAX_OCCURRENCES:
        raise _series_refusal(_l("Une série compte au plus %(max)s occurrences.", max=MAX_OCCURRENCES))
    return [(paris_to_utc(day, start.time()), paris_to_utc(day + days_spanned, end.time())) for day in days]


@dataclass
class Occurrence:
    starts_at: datetime
    ends_at: datetime
    reasons: list[Reason] = field(default_factory=list)
    quote: Quote | None = None

    @property
    def free(self) -> bool:
        return not self.reasons


@dataclass
class SeriesPreview:
    occurrences: list[Occurrence]
    approved_at_once: bool

    @property
    def free(self) -> list[Occurrence]:
        return [o for o in self.occurrences if o.free]

    @property
    def colliding(self) -> list[Occurrence]:
        return [o for o in self.occurrences if not o.free]

    @property
    def price_cents(self) -> int:
        """What the free occurrences cost together."""
        return sum(o.quote.price_cents for o in self.free if o.quote)


def preview_series(
    resource: Resource,
    requester: User,
    starts_at: datetime,
    ends_at: datetime,
    repetition: Repetition,
    *,
    quantity: int = 1,
    attendees: int | None = None,
    now: datetime | None = None,
) -> SeriesPreview:
    """Every occurrence, with the reasons it cannot be booked (none when free) and its quote. Writes nothing."""
    now = now or utcnow()
    previews = []
    approved = False
    previous: Occurrence | None = None
    for start, end in occurrences(starts_at, ends_at, repetition):
        check = check_booking(resource, requester, start, end, quantity=quantity, attendees=attendees, now=now)
        occurrence = Occurrence(start, end, list(check.reasons), check.quote)
        if resource.is_exclusive and previous is not None and start < previous.ends_at:
            occurrence.reasons.append(
                Reason(Code.SERIES, _l("Cette occurrence chevauche la précédente de la série."), "ends_at")
            )
        approved = approved or check.approved_at_once
        previews.append(occurrence)
        previous = occurrence
    return SeriesPreview(previews, approved)


def dated(occurrence_start: datetime, reason: Reason) -> Reason:
    """The reason of one occurrence, introduced by its date."""
    return Reason(
        reason.code,
        _l("%(date)s : %(reason)s", date=Moment(occurrence_start, "medium"), reason=reason.message),
        reason.field,
    )


def request_series(
    resource: Resource,
    requester: User,
    starts_at: datetime,
    ends_at: datetime,
    repetition: Repetition,
    *,
    quantity: int = 1,
    attendees: int | None = None,
    purpose: str = "",
    only_free: bool = True,
    now: datetime | None = None,
    kind: BookingKind = BookingKind.MEMBER,
) -> tuple[Series, list[Booking]]:
    """Book the series: its free occurrences (``only_free``), or all of them or none.
    ``kind``: as for :func:`request_booking` (an event's series of spaces).

    Raises ``Refusal`` when nothing can be booked, or (``only_free=False``) when
    one occurrence collides, with the reasons of each colliding occurrence.
    """
    now = now or utcnow()
    preview = preview_series(
        resource, requester, starts_at, ends_at, repetition, quantity=quantity, attendees=attendees, now=now
    )
    refused = [dated(o.starts_at, r) for o in preview.colliding for r in o.reasons]
    if not preview.free or (refused and not only_free):
        raise Refusal(refused)
    series = Series(
        resource_id=resource.id,
        requester_id=requester.id,
        organisation_id=requester.organisation_id,
        frequency=repetition.frequency.value,
        interval=repetition.interval,
        until=repetition.until,
        count=repetition.count,
        month_position=(repetition.month_position or month_position_of(to_paris(starts_at).date()))
        if repetition.frequency == Frequency.MONTHLY
        else None,
        purpose=purpose.strip(),
        created_at=now,
    )
    db.session.add(series)
    db.session.flush()
    bookings = [
        request_booking(
            resource,
            requester,
            o.starts_at,
            o.ends_at,
            quantity=quantity,
            attendees=attendees,
            purpose=purpose,
            series=series,
            now=now,
            kind=kind,
        )
        for o in preview.free
    ]
    return series, bookings


def _occurrences_in(series: Series, statuses: tuple[BookingStatus, ...]) -> list[Booking]:
    return list(
        db.session.scalars(
            select(Booking)
            .where(Booking.series_id == series.id, Booking.status.in_(statuses))
            .order_by(Booking.starts_at, Booking.id)
        )
    )


def approve_series(series: Series, actor: User, note: str = "", now: datetime | None = None) -> list[Booking]:
    """Approve every pending occurrence, or none: returns the other requests rejected as a result.

    If one occurrence can no longer be approved (its slot was taken meanwhile),
    nothing is approved and the refusal names it; the manager can then approve
    the others one by one.
    """
    now = now or utcnow()
    lock_resource(series.resource_id)
    pending = _occurrences_in(series, (BookingStatus.REQUESTED,))
    if not pending:
        raise _series_refusal(_l("Aucune occurrence de cette série n'attend de validation."))
    reasons = []
    for booking in pending:
        authorise(booking, Action.APPROVE, actor, now)
        taken = availability_reason(
            booking.resource, booking.starts_at, booking.holds_until, booking.quantity, [booking.id]
        )
        if taken is not None:
            reasons.append(dated(booking.starts_at, taken))
    if reasons:
        raise Refusal(reasons)
    rejected: list[Booking] = []
    for booking in pending:
        if booking.status == BookingStatus.REQUESTED:  # not rejected by an earlier occurrence's approval
            rejected += approve(booking, actor, note, now)
    return rejected


def preview_series_approval(series: Series) -> list[Booking]:
    """The other pending requests that approving the whole series would reject."""
    seen: dict[int, Booking] = {}
    pending = _occurrences_in(series, (BookingStatus.REQUESTED,))
    own = {b.id for b in pending}
    for booking in pending:
        for other in preview_approval(booking):
            if other.id not in own:
                seen[other.id] = other
    return sorted(seen.values(), key=lambda b: (b.starts_at, b.id))


def reject_series(series: Series, actor: User, reason: str, now: datetime | None = None) -> list[Booking]:
    """Turn down every pending occurrence, with one reason."""
    now = now or utcnow()
    pending = _occurrences_in(series, (BookingStatus.REQUESTED,))
    for booking in pending:
        authorise(booking, Action.REJECT, actor, now, reason)
    for booking in pending:
        reject(booking, actor, reason, now)
    return pending


def cancel_series(series: Series, actor: User, reason: str = "", now: datetime | None = None) -> list[Booking]:
    """Cancel every occurrence still to come (pending or approved); the past ones stay as they were."""
    now = now or utcnow()
    coming = [
        b for b in _occurrences_in(series, (BookingStatus.REQUESTED, BookingStatus.APPROVED)) if b.starts_at > now
    ]
    if not coming:
        raise _series_refusal(_l("Aucune occurrence à venir à annuler dans cette série."))
    for booking in coming:
        authorise(booking, Action.CANCEL, actor, now, reason)
    for booking in coming:
        cancel(booking, actor, reason, now)
    return coming
