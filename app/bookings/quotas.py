"""Fair use: a resource's quotas of hours per member or per organisation, per week or month.

A quota (a column ``Resource.quota_<scope>_<period>``, in hours) says: at most ``hours`` of this resource per person (scope
"member": the bookings they made) or per organisation (scope "organisation": the bookings made for
it, by any of its members; a person with no organisation counts alone) within one calendar week
(Monday 00:00 to Monday 00:00) or month (the 1st 00:00 to the next 1st), Europe/Paris wall-clock.

What counts: the hours of the resource's bookings that are requested, approved, handed over or
returned (a pending request counts: it would hold the hours once approved; a refused or cancelled
one gives them back), clipped to each period. A booking over two weeks counts in each week for
the hours it spends there. The new booking passes when, in every period it touches, the hours
already counted plus its own hours there stay within the quota; otherwise the refusal says how
many hours are left in that period.

Under concurrency the check runs under the resource's lock (``availability.lock_resource``,
taken by every request and edit before its check): two requests that each fit but together
exceed a quota queue on it, and the second sees the first. Quotas are per resource, so the lock
of that one resource is enough.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import or_, select

from app.bookings.errors import Code, Minutes, Reason
from app.core.clock import paris_to_utc, to_paris
from app.core.i18n import format_day
from app.core.i18n import lazy_gettext as _l
from app.extensions import db
from app.models import QUOTA_COLUMNS, Booking, BookingStatus, QuotaPeriod, QuotaScope, Resource, User

# The bookings whose hours count against a quota.
COUNTED = [
    status.value
    for status in (BookingStatus.REQUESTED, BookingStatus.APPROVED, BookingStatus.HANDED_OVER, BookingStatus.RETURNED)
]


@dataclass(frozen=True)
class Quota:
    resource_id: int
    scope: QuotaScope
    period: QuotaPeriod
    hours: int


def quotas_of(resource: Resource) -> list[Quota]:
    """The resource's quotas (its columns ``quota_<scope>_<period>``; none read from elsewhere)."""
    found = []
    for (scope, period), column in QUOTA_COLUMNS.items():
        hours = getattr(resource, column)
        if hours is not None and hours > 0:
            found.append(Quota(resource.id, scope, period, hours))
    return found


def period_start(period: QuotaPeriod, day: date) -> date:
    """The first day of the calendar week (Monday) or month holding ``day``."""
    return day - timedelta(days=day.weekday()) if period == QuotaPeriod.WEEK else day.replace(day=1)


def _next_start(period: QuotaPeriod, first: date) -> date:
    if period == QuotaPeriod.WEEK:
        return first + timedelta(days=7)
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def windows(period: QuotaPeriod, starts_at: datetime, ends_at: datetime) -> list[tuple[date, datetime, datetime]]:
    """The calendar periods ``[starts_at, ends_at)`` touches: (first day, start, end), start and end
    being Paris midnights as UTC moments."""
    found: list[tuple[date, datetime, datetime]] = []
    first = period_start(period, to_paris(starts_at).date())
    while True:
        start = paris_to_utc(first, time(0))
        if start >= ends_at:
            return found
        following = _next_start(period, first)
        found.append((first, start, paris_to_utc(following, time(0))))
        first = following


def _minutes_within(starts_at: datetime, ends_at: datetime, start: datetime, end: datetime) -> int:
    overlap = (min(ends_at, end) - max(starts_at, start)).total_seconds()
    return max(int(overlap // 60), 0)


class _Period:
    """ "la semaine du 1 mars 2027" or "le mois de mars 2027", in the reader's language when shown."""

    def __init__(self, period: QuotaPeriod, first: date):
        self.period, self.first = period, first

    def __str__(self) -> str:
        if self.period == QuotaPeriod.WEEK:
            return str(_l("la semaine du %(day)s", day=format_day(self.first, "long")))
        return str(_l("le mois de %(month)s", month=format_day(self.first, "LLLL y")))


LIMITS = {
    (QuotaScope.MEMBER, QuotaPeriod.WEEK): _l("%(hours)s par membre et par semaine"),
    (QuotaScope.MEMBER, QuotaPeriod.MONTH): _l("%(hours)s par membre et par mois"),
    (QuotaScope.ORGANISATION, QuotaPeriod.WEEK): _l("%(hours)s par structure et par semaine"),
    (QuotaScope.ORGANISATION, QuotaPeriod.MONTH): _l("%(hours)s par structure et par mois"),
}


class _Limit:
    def __init__(self, quota: Quota):
        self.quota = quota

    def __str__(self) -> str:
        return str(LIMITS[(self.quota.scope, self.quota.period)] % {"hours": Minutes(self.quota.hours * 60)})


def quota_reason(quota: Quota, first: date, left_minutes: int, wanted_minutes: int) -> Reason:
    values = {
        "limit": _Limit(quota),
        "period": _Period(quota.period, first),
        "left": Minutes(max(left_minutes, 0)),
        "wanted": Minutes(wanted_minutes),
    }
    if quota.scope == QuotaScope.ORGANISATION:
        message = _l(
            "Quota dépassé : cette ressource se réserve au plus %(limit)s. Pour %(period)s, il reste "
            "%(left)s à votre structure ; cette réservation en demande %(wanted)s.",
            **values,
        )
    else:
        message = _l(
            "Quota dépassé : cette ressource se réserve au plus %(limit)s. Pour %(period)s, il vous reste "
            "%(left)s ; cette réservation en demande %(wanted)s.",
            **values,
        )
    return Reason(Code.QUOTA, message, "ends_at")


@dataclass(frozen=True)
class Counted:
    """A booking whose hours count: whose it is, and when."""

    resource_id: int
    requester_id: int
    organisation_id: int | None
    starts_at: datetime
    ends_at: datetime


def _spans(quotas: Sequence[Quota], starts_at: datetime, ends_at: datetime):
    return {quota: windows(quota.period, starts_at, ends_at) for quota in quotas}


def counted_bookings(
    quotas: Sequence[Quota], user: User, starts_at: datetime, ends_at: datetime, exclude: Iterable[int] = ()
) -> list[Counted]:
    """The bookings of this person (and of their organisation, when a quota counts it) whose hours
    count against these quotas (of one or several resources) over the periods the new booking
    touches: one query, whatever the number of resources."""
    if not quotas or ends_at <= starts_at:
        return []
    found = [window for spans in _spans(quotas, starts_at, ends_at).values() for window in spans]
    b = Booking.__table__.c
    whose = [b.requester_id == user.id]
    if user.organisation_id is not None and any(q.scope == QuotaScope.ORGANISATION for q in quotas):
        whose.append(b.organisation_id == user.organisation_id)
    rows = db.session.execute(
        select(b.resource_id, b.requester_id, b.organisation_id, b.starts_at, b.ends_at).where(
            b.resource_id.in_(sorted({quota.resource_id for quota in quotas})),
            or_(*whose),
            b.status.in_(COUNTED),
            b.starts_at < max(window[2] for window in found),
            b.ends_at > min(window[1] for window in found),
            b.id.not_in([booking_id for booking_id in exclude if booking_id is not None]),
        )
    )
    return [Counted(*row) for row in rows]


def quota_reasons(
    quotas: Sequence[Quota],
    user: User,
    starts_at: datetime,
    ends_at: datetime,
    exclude: Iterable[int] = (),
    counted: Sequence[Counted] | None = None,
) -> list[Reason]:
    """Why booking ``[starts_at, ends_at)`` would exceed one of the resource's quotas for this person.
    ``counted``: the bookings already read by :func:`counted_bookings` (for several resources)."""
    if not quotas or ends_at <= starts_at:
        return []
    if counted is None:
        counted = counted_bookings(quotas, user, starts_at, ends_at, exclude)
    reasons = []
    for quota, found in _spans(quotas, starts_at, ends_at).items():
        own = [row for row in counted if row.resource_id == quota.resource_id]
        if quota.scope == QuotaScope.ORGANISATION and user.organisation_id is not None:
            theirs = [row for row in own if row.organisation_id == user.organisation_id]
        else:
            theirs = [row for row in own if row.requester_id == user.id]
        limit = quota.hours * 60
        for first, start, end in found:
            wanted = _minutes_within(starts_at, ends_at, start, end)
            used = sum(_minutes_within(row.starts_at, row.ends_at, start, end) for row in theirs)
            if wanted and used + wanted > limit:
                reasons.append(quota_reason(quota, first, limit - used, wanted))
                break  # one reason per quota: the first period it would overflow
    return reasons
