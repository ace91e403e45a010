"""The booking rules: may this person book this resource over this period? No request here.

Each rule returns the reasons it refuses (an empty list when it has nothing
against), so that a preview shows every problem at once. ``check_booking``
runs them all, adds the availability and the quote, and writes nothing.

Fair use: a resource's quotas of hours per member or organisation and per week or month
(``app.bookings.quotas``) refuse with code ``quota``, saying how much is left.

Rules are evaluated in Europe/Paris: slot granularity on the Paris clock
(multiples of ``slot_minutes`` counted from midnight), opening hours per Paris
weekday. Durations, notice and horizon are real elapsed time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from app.bookings import queries
from app.bookings.availability import (
    PeriodReads,
    availability_reason,
    held_until,
    holds_and_pending_over,
    holds_over,
)
from app.bookings.errors import Code, Minutes, Moment, Reason
from app.bookings.hours import calendar_reasons, closures_over, hours_for
from app.bookings.outages import outage_reasons, outages_over
from app.bookings.pricing import Quote, quote
from app.bookings.quotas import counted_bookings, quota_reasons, quotas_of
from app.core.clock import to_paris
from app.core.i18n import lazy_gettext as _l
from app.extensions import db
from app.models import ApprovalPolicy, Audience, Qualification, Resource, ResourceKind, User, utcnow
from app.models.labels import OPEN_TO_PHRASES


def require_aware(*moments: datetime) -> None:
    for moment in moments:
        if moment.tzinfo is None:
            raise ValueError("naive datetime given to the booking engine; attach a time zone")


# However long a resource may be booked and however far ahead, no booking ends later than this
# after now: a period beyond it is refused before anything else is worked out.
MAX_REACH = timedelta(days=10 * 366)
# Refusals after which the rest of a check (calendar, availability, price) is not worth its cost;
# none of them is one an edit may overlook (an edit keeping its start overlooks the horizon).
OUT_OF_REACH = (Code.INVALID_PERIOD, Code.TOO_FAR, Code.TOO_LONG)


def period_reasons(resource: Resource, starts_at: datetime, ends_at: datetime, now: datetime) -> list[Reason]:
    """Duration, granularity, notice and horizon."""
    if ends_at <= starts_at:
        return [Reason(Code.INVALID_PERIOD, _l("La fin doit suivre le début."), "ends_at")]
    if ends_at > now + MAX_REACH:
        return [Reason(Code.TOO_FAR, _l("Cette période finit trop loin dans l'avenir."), "ends_at")]
    reasons: list[Reason] = []
    if starts_at < now:
        reasons.append(Reason(Code.PAST, _l("Ce créneau est déjà commencé ou passé."), "starts_at"))
    elif starts_at < now + timedelta(minutes=resource.notice_minutes):
        reasons.append(
            Reason(
                Code.NOTICE,
                _l(
                    "Cette ressource se réserve au moins %(notice)s à l'avance.",
                    notice=Minutes(resource.notice_minutes),
                ),
                "starts_at",
            )
        )
    if starts_at > now + timedelta(days=resource.horizon_days):
        reasons.append(
            Reason(
                Code.HORIZON,
                _l(
                    "Cette ressource se réserve au plus %(days)s jours à l'avance (jusqu'au %(limit)s).",
                    days=resource.horizon_days,
                    limit=Moment(now + timedelta(days=resource.horizon_days), "medium"),
                ),
                "starts_at",
            )
        )
    minutes = (ends_at - starts_at).total_seconds() / 60
    if minutes < resource.min_duration_minutes:
        reasons.append(
            Reason(
                Code.TOO_SHORT,
                _l("Durée minimale : %(minutes)s.", minutes=Minutes(resource.min_duration_minutes)),
                "ends_at",
            )
        )
    if resource.max_duration_minutes is not None and minutes > resource.max_duration_minutes:
        reasons.append(
            Reason(
                Code.TOO_LONG,
                _l("Durée maximale : %(minutes)s.", minutes=Minutes(resource.max_duration_minutes)),
                "ends_at",
            )
        )
    if not (_on_grid(starts_at, resource.slot_minutes) and _on_grid(ends_at, resource.slot_minutes)):
        reasons.append(
            Reason(
                Code.GRANULARITY,
                _l(
                    "Les réservations commencent et finissent sur des tranches de %(slot)s (par exemple à l'heure pile).",
                    slot=Minutes(resource.slot_minutes),
                ),
                "starts_at",
            )
        )
    return reasons


def _on_grid(moment: datetime, slot_minutes: int) -> bool:
    local = to_paris(moment)
    return local.second == 0 and local.microsecond == 0 and (local.hour * 60 + local.minute) % slot_minutes == 0


def party_reasons(resource: Resource, user: User, audience: Audience | None = None) -> list[Reason]:
    """Whether this person may book this resource at all: active account, active resource, audience."""
    reasons: list[Reason] = []
    if not user.active:
        reasons.append(Reason(Code.ACCOUNT_INACTIVE, _l("Votre compte n'est pas actif.")))
    if not resource.is_active or not queries.venue_active(resource):
        reasons.append(Reason(Code.RESOURCE_INACTIVE, _l("Cette ressource n'est plus proposée à la réservation.")))
    if (audience or queries.audience_of(user)).rank > resource.open_to.rank:
        reasons.append(
            Reason(
                Code.AUDIENCE,
                _l("Cette ressource est réservée %(audience)s.", audience=OPEN_TO_PHRASES[resource.open_to]),
            )
        )
    return reasons


def amount_reasons(resource: Resource, quantity: int, attendees: int | None) -> list[Reason]:
    """Quantity for kits (one for the rest), attendees within a space's capacity."""
    reasons: list[Reason] = []
    if resource.kind == ResourceKind.KIT:
        if quantity < 1 or quantity > resource.units:
            reasons.append(
                Reason(Code.QUANTITY, _l("Choisissez entre 1 et %(units)s unité(s).", units=resource.units), "quantity")
            )
    elif quantity != 1:
        reasons.append(Reason(Code.QUANTITY, _l("Cette ressource se réserve à l'unité."), "quantity"))
    if attendees is not None and attendees < 1:
        reasons.append(Reason(Code.ATTENDEES, _l("Indiquez au moins une personne."), "attendees"))
    elif attendees is not None and resource.capacity is not None and attendees > resource.capacity:
        reasons.append(
            Reason(
                Code.CAPACITY,
                _l("Cet espace accueille au plus %(capacity)s personnes.", capacity=resource.capacity),
                "attendees",
            )
        )
    return reasons


def _concerns(qualification: Qualification, resource: Resource) -> bool:
    """Whether a qualification concerns this machine: granted on it, or recognised across the
    consortium for machines of its type."""
    return qualification.resource_id == resource.id or bool(
        resource.machine_type
        and qualification.machine_type == resource.machine_type
        and qualification.recognised_consortium_wide
    )


def qualifications_for(user: User, resource: Resource) -> list[Qualification]:
    """The user's qualifications that concern this machine: granted on it, or recognised
    across the consortium for machines of its type."""
    return qualifications_for_each(user, [resource])[resource.id]


def qualifications_for_each(user: User, resources: Sequence[Resource]) -> dict[int, list[Qualification]]:
    """:func:`qualifications_for` for several machines, by resource id, in one query."""
    if not resources:
        return {}
    types = sorted({resource.machine_type for resource in resources if resource.machine_type})
    found = list(
        db.session.scalars(
            queries.qualifications(bool(types)),
            {"user_id": user.id, "ids": [resource.id for resource in resources], "types": types},
        )
    )
    return {resource.id: [q for q in found if _concerns(q, resource)] for resource in resources}


def needs_qualification(resource: Resource) -> bool:
    """A machine that requires a training."""
    return resource.kind == ResourceKind.MACHINE and resource.requires_training


def qualification_reasons(
    resource: Resource,
    user: User,
    ends_at: datetime,
    now: datetime,
    qualifications: Sequence[Qualification] | None = None,
) -> list[Reason]:
    """A machine that requires a training needs a qualification valid now and until the end of the booking.

    ``qualifications``: the user's qualifications concerning it, when the caller read them
    (``qualifications_for_each``); else they are read here (one query)."""
    if not needs_qualification(resource):
        return []
    if qualifications is None:
        qualifications = qualifications_for(user, resource)
    if any(q.is_valid_at(now) and (q.expires_at is None or q.expires_at >= ends_at) for q in qualifications):
        return []
    lapsing = [q.expires_at for q in qualifications if q.revoked_at is None and q.expires_at is not None]
    if lapsing:
        last = max(lapsing)
        return [
            Reason(
                Code.QUALIFICATION_EXPIRED,
                _l(
                    "Votre habilitation sur cette machine expire le %(date)s, avant la fin de la réservation : "
                    "renouvelez-la auprès d'un·e gestionnaire.",
                    date=Moment(last, "medium"),
                ),
            )
        ]
    return [
        Reason(
            Code.QUALIFICATION_REQUIRED,
            _l("Cette machine demande une habilitation : suivez la formation auprès d'un·e gestionnaire du lieu."),
        )
    ]


def approved_at_once(resource: Resource, user: User, audience: Audience | None = None) -> bool:
    """Whether the resource's approval policy approves this person's requests without a manager."""
    if resource.approval_policy == ApprovalPolicy.CONSORTIUM:
        return (audience or queries.audience_of(user)) == Audience.CONSORTIUM
    if resource.approval_policy == ApprovalPolicy.VENUE_MEMBERS:
        return any(m.venue_id == resource.venue_id for m in user.memberships)
    return False


@dataclass
class Check:
    """The outcome of a dry run: the reasons against (empty when possible), the quote, the approval."""

    reasons: list[Reason] = field(default_factory=list)
    quote: Quote | None = None
    approved_at_once: bool = False
    # The pending requests crossing the period (their ids), when the caller asked for them
    # (``with_pending``): those that approving this request at once would turn down.
    pending: list[int] | None = None

    @property
    def ok(self) -> bool:
        return not self.reasons

    @property
    def price(self) -> Quote:
        """The quote of a possible booking (a refusal may come before any pricing)."""
        if self.quote is None:
            raise ValueError("a refused check has no quote")
        return self.quote

    @property
    def codes(self) -> list[str]:
        return [reason.code for reason in self.reasons]


def check_booking(
    resource: Resource,
    user: User,
    starts_at: datetime,
    ends_at: datetime,
    *,
    quantity: int = 1,
    attendees: int | None = None,
    now: datetime | None = None,
    exclude: Iterable[int] = (),
    with_pending: bool = False,
) -> Check:
    """Every rule, the availability and the quote for this request. Writes nothing.

    ``exclude``: bookings not to count as taken (the booking being edited). ``with_pending``: the
    check also says which pending requests cross the period (``Check.pending``), read with the
    bookings that hold it.
    """
    return _checks(
        [(resource, quantity)],
        user,
        starts_at,
        ends_at,
        attendees=attendees,
        now=now,
        exclude=exclude,
        with_pending=with_pending,
    )[0]


def check_bookings(
    requests: Sequence[tuple[Resource, int]],
    user: User,
    starts_at: datetime,
    ends_at: datetime,
    *,
    reads: PeriodReads | None = None,
) -> list[Check]:
    """:func:`check_booking` for several resources (each with its quantity) over one period, as a
    search shows them: the same rules, in four queries whatever the number of resources (five when
    machines or kits are among them: their outages; six when machines needing a training are: the
    person's qualifications; some of them have quotas: the hours already counted,
    ``app.bookings.quotas``).

    ``reads``: what the search that found them read over the same period
    (``availability.free_resources_and_reads``); the closures, outages, opening hours and holds
    are then taken from it (no query), as long as it covers every resource checked."""
    return _checks(requests, user, starts_at, ends_at, reads=reads)


def _checks(
    requests: Sequence[tuple[Resource, int]],
    user: User,
    starts_at: datetime,
    ends_at: datetime,
    *,
    attendees: int | None = None,
    now: datetime | None = None,
    exclude: Iterable[int] = (),
    with_pending: bool = False,
    reads: PeriodReads | None = None,
) -> list[Check]:
    require_aware(starts_at, ends_at)
    now = now or utcnow()
    exclude = list(exclude)  # read by the availability and by the quotas
    audience = queries.audience_of(user)
    checks: dict[int, Check] = {}
    within_reach = []
    for index, (resource, quantity) in enumerate(requests):
        reasons = party_reasons(resource, user, audience) + amount_reasons(resource, quantity, attendees)
        timing = period_reasons(resource, starts_at, ends_at, now)
        reasons += timing
        if any(reason.code in OUT_OF_REACH for reason in timing):
            checks[index] = Check(reasons)  # refused before any costly work: no calendar, availability or price
        else:
            within_reach.append((index, resource, quantity, reasons))
    if within_reach:
        resources = [resource for _, resource, _, _ in within_reach]
        ids, until = [resource.id for resource in resources], max(held_until(r, ends_at) for r in resources)
        pending: list[int] | None = None
        if (
            reads is not None
            and not exclude
            and not with_pending
            and reads.covers(resources, starts_at, ends_at, until)
        ):
            closures, outages, hours, holds = reads.closures, reads.outages, reads.hours, reads.holds
        else:
            closures = closures_over({resource.venue_id for resource in resources}, starts_at, ends_at)
            outages = outages_over(resources, starts_at, ends_at)
            hours = hours_for(resources)
            if with_pending:
                holds, pending = holds_and_pending_over(ids, starts_at, until, exclude)
            else:
                holds = holds_over(ids, starts_at, until, exclude)
        quotas = {resource.id: quotas_of(resource) for resource in resources}
        every_quota = [quota for found in quotas.values() for quota in found]
        counted = counted_bookings(every_quota, user, starts_at, ends_at, exclude) if every_quota else []
        trained = [resource for resource in resources if needs_qualification(resource)]
        qualifications = qualifications_for_each(user, trained)  # one query for them all, none without
        for index, resource, quantity, reasons in within_reach:
            own_closures = [closure for closure in closures if closure.venue_id == resource.venue_id]
            reasons += calendar_reasons(resource, hours[resource.id], starts_at, ends_at, own_closures)
            reasons += outage_reasons(resource, outages, starts_at, ends_at)
            reasons += qualification_reasons(resource, user, ends_at, now, qualifications.get(resource.id))
            reasons += quota_reasons(quotas[resource.id], user, starts_at, ends_at, exclude, counted)
            if not any(reason.code == Code.QUANTITY for reason in reasons):
                taken = availability_reason(resource, starts_at, held_until(resource, ends_at), quantity, holds=holds)
                if taken is not None:
                    reasons.append(taken)
            checks[index] = Check(
                reasons,
                quote(resource, audience, starts_at, ends_at, quantity),
                approved_at_once(resource, user, audience),
                pending,
            )
    return [checks[index] for index in range(len(requests))]
