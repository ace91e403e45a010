"""What a booking costs: the cheapest combination of the tariff's rates, and the kit deposit.

The tariff is the resource's tariff for the booker's audience: members of the
consortium pay the consortium tariff, partners the partner tariff, newcomers and
outsiders the external tariff. Accepted newcomers (the organisations of audience
"newcomer" are made when a venue accepts a test-space request) booking a test space
pay the project holders' tariff, or, where the test space has none, the consortium
tariff: never the external price. A tariff has up to three rates:

- ``hour_cents``: per hour started;
- ``half_day_cents``: one block of up to 4 hours (``HALF_DAY``);
- ``day_cents``: one block of up to 24 consecutive hours (``DAY``). A space or a
  machine is booked within one day's opening hours, so a day is "the whole
  opening day"; a kit lent from Monday 9:00 to Wednesday 9:00 is two days.

The price is the cheapest way to cover the booked duration with the rates the
tariff has (a 5-hour booking may cost a half-day and an hour, or a day,
whichever is less). Durations are real elapsed time, so a loan over the night
of a daylight-saving change counts 23 or 25 hours, as they were lived.
A rate of zero makes that block free; no tariff for the audience (or a tariff
with no rate) makes the resource free for it. For a kit the price and the
deposit are per unit, times the quantity.

The quote is computed before confirmation and stored on the booking in integer
cents; it is never recomputed silently (an edit recomputes it and says so).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.bookings import queries
from app.models import Audience, PaymentStatus, Resource, ResourceKind, TariffAudience

HOUR = 60  # minutes
HALF_DAY = 4 * 60
DAY = 24 * 60

_TARIFF_AUDIENCE = {
    Audience.CONSORTIUM: TariffAudience.CONSORTIUM,
    Audience.PARTNER: TariffAudience.PARTNER,
    Audience.NEWCOMER: TariffAudience.EXTERNAL,
    Audience.EXTERNAL: TariffAudience.EXTERNAL,
}


def tariff_audience(audience: Audience) -> TariffAudience:
    return _TARIFF_AUDIENCE[audience]


@dataclass(frozen=True)
class Quote:
    """The price and deposit of a booking, with the blocks that make the price."""

    tariff_audience: TariffAudience
    price_cents: int
    deposit_cents: int
    days: int = 0
    half_days: int = 0
    hours: int = 0

    @property
    def is_free(self) -> bool:
        return self.price_cents == 0

    @property
    def payment_status(self) -> PaymentStatus:
        """Online payment comes later: a priced booking waits for its payment, a free one needs none."""
        return PaymentStatus.PENDING if self.price_cents else PaymentStatus.NOT_REQUIRED


def _blocks_needed(minutes: int, block: int) -> int:
    return -(-minutes // block)  # ceiling division


Cover = tuple[int, int, int, int]  # (price, days, half-days, hours)


def _better(candidate: Cover, best: Cover | None) -> bool:
    """Cheapest first; at equal price, the fewest blocks (one day rather than two half-days)."""
    return best is None or (candidate[0], sum(candidate[1:])) < (best[0], sum(best[1:]))


def _search(minutes: int, hour_cents: int | None, half_day_cents: int | None, day_cents: int | None) -> Cover | None:
    """Every combination of blocks that covers ``minutes``, the best kept. Only ever given less
    than a day: at most 2 numbers of days × 7 of half-days. None when no rate covers the time."""
    best: Cover | None = None
    max_days = _blocks_needed(minutes, DAY) if day_cents is not None else 0
    for days in range(max_days + 1):
        after_days = max(minutes - days * DAY, 0)
        max_half_days = _blocks_needed(after_days, HALF_DAY) if half_day_cents is not None else 0
        for half_days in range(max_half_days + 1):
            rest = max(after_days - half_days * HALF_DAY, 0)
            if rest and hour_cents is None:
                continue  # this combination leaves time that no rate covers
            hours = _blocks_needed(rest, HOUR)
            price = days * (day_cents or 0) + half_days * (half_day_cents or 0) + hours * (hour_cents or 0)
            candidate = (price, days, half_days, hours)
            if _better(candidate, best):
                best = candidate
    return best


def cheapest(minutes: int, hour_cents: int | None, half_day_cents: int | None, day_cents: int | None) -> Cover:
    """(price, days, half-days, hours): the cheapest cover of ``minutes`` with the rates given.

    A rate of None is not offered. With no rate at all the price is zero.

    In closed form, whatever the length: the three blocks nest (a day is 6 half-days or 24
    hours, a half-day 4 hours), so any cover of ``q`` whole days and a remainder holds ``q``
    groups of blocks a day long, and each group costs at least the cheapest way to cover one
    day exactly (a day, 6 half-days or 24 hours). The best cover is therefore ``q`` times
    that, plus the best cover of the remainder (less than a day), found by trying every
    combination. The time taken does not grow with the length of the booking.
    """
    if minutes <= 0 or (hour_cents is None and half_day_cents is None and day_cents is None):
        return 0, 0, 0, 0
    whole_days, remainder = divmod(minutes, DAY)
    one_day: Cover | None = None
    for candidate in (
        (day_cents, 1, 0, 0) if day_cents is not None else None,
        (6 * half_day_cents, 0, 6, 0) if half_day_cents is not None else None,
        (24 * hour_cents, 0, 0, 24) if hour_cents is not None else None,
    ):
        if candidate is not None and _better(candidate, one_day):
            one_day = candidate
    rest = _search(remainder, hour_cents, half_day_cents, day_cents)
    assert one_day is not None and rest is not None  # the largest offered block, repeated, covers anything
    return (
        whole_days * one_day[0] + rest[0],
        whole_days * one_day[1] + rest[1],
        whole_days * one_day[2] + rest[2],
        whole_days * one_day[3] + rest[3],
    )


def project_holder(resource: Resource, audience: Audience) -> bool:
    """An accepted newcomer booking a test space: a project holder."""
    return audience == Audience.NEWCOMER and resource.is_test_space


def quote(resource: Resource, audience: Audience, starts_at: datetime, ends_at: datetime, quantity: int = 1) -> Quote:
    """The price and deposit of ``quantity`` units of the resource over the period, for this audience."""
    who = tariff_audience(audience)
    minutes = int((ends_at - starts_at).total_seconds() // 60)
    if project_holder(resource, audience):
        who = TariffAudience.PROJECT_HOLDER
        rates = queries.tariff_rates(resource, who)
        if rates is None:
            who = TariffAudience.CONSORTIUM
            rates = queries.tariff_rates(resource, who)
    else:
        rates = queries.tariff_rates(resource, who)
    price, days, half_days, hours = (0, 0, 0, 0) if rates is None else cheapest(minutes, *rates)
    units = quantity if resource.kind == ResourceKind.KIT else 1
    deposit = resource.deposit_cents * units if resource.kind == ResourceKind.KIT else 0
    return Quote(who, price * units, deposit, days, half_days, hours)
