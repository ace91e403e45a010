"""Prices: the cheapest combination of rates, per audience, deposits, and prices kept once quoted."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.bookings.pricing import DAY, HALF_DAY, HOUR, cheapest, quote, tariff_audience
from app.bookings.service import request_booking
from app.extensions import db
from app.models import Audience, PaymentStatus, Tariff, TariffAudience
from tests.factories.bookings import NOW, paris


@pytest.mark.parametrize(
    ("minutes", "rates", "expected"),
    [
        # (hour, half-day, day): price, days, half-days, hours
        (60, (1000, 3000, 5000), (1000, 0, 0, 1)),
        (90, (1000, 3000, 5000), (2000, 0, 0, 2)),  # every hour started counts
        (3 * 60, (1000, 3000, 5000), (3000, 0, 1, 0)),  # 3 hours cost as much as a half-day: one block
        (4 * 60, (1000, 3000, 5000), (3000, 0, 1, 0)),
        (5 * 60, (1000, 3000, 5000), (4000, 0, 1, 1)),  # a half-day and an hour
        (6 * 60, (1000, 3000, 5000), (5000, 1, 0, 0)),  # a day is cheaper than a half-day and two hours
        (9 * 60, (1000, 3000, 5000), (5000, 1, 0, 0)),
        (30 * 60, (1000, 3000, 5000), (10000, 2, 0, 0)),  # a day and 6 hours: two days
        (27 * 60, (1000, 3000, 5000), (8000, 1, 1, 0)),  # a day and 3 hours: a day and a half-day
        (5 * 60, (None, 3000, None), (6000, 0, 2, 0)),  # only half-days offered
        (5 * 60, (1000, None, None), (5000, 0, 0, 5)),
        (50 * 60, (None, None, 5000), (15000, 3, 0, 0)),
        (5 * 60, (0, 3000, 5000), (0, 0, 0, 5)),  # free by the hour
        (5 * 60, (None, None, None), (0, 0, 0, 0)),  # no rate: free
    ],
)
def test_the_cheapest_combination_of_rates(minutes, rates, expected):
    assert cheapest(minutes, *rates) == expected


@given(
    minutes=st.integers(min_value=1, max_value=14 * DAY),
    hour=st.one_of(st.none(), st.integers(0, 5000)),
    half_day=st.one_of(st.none(), st.integers(0, 20000)),
    day=st.one_of(st.none(), st.integers(0, 50000)),
)
def test_the_price_covers_the_duration_and_no_single_rate_does_better(minutes, hour, half_day, day):
    price, days, half_days, hours = cheapest(minutes, hour, half_day, day)
    if hour is None and half_day is None and day is None:
        assert price == 0
        return
    assert days * DAY + half_days * HALF_DAY + hours * HOUR >= minutes
    assert price == days * (day or 0) + half_days * (half_day or 0) + hours * (hour or 0)
    for rate, block in ((hour, HOUR), (half_day, HALF_DAY), (day, DAY)):
        if rate is not None:
            assert price <= -(-minutes // block) * rate


def _every_combination(minutes, hour, half_day, day):
    """The price as it was first computed, trying every number of days and half-days (quadratic in
    the length): the specification the closed form must match."""
    if minutes <= 0 or (hour is None and half_day is None and day is None):
        return 0, 0, 0, 0
    best = None
    for days in range(-(-minutes // DAY) + 1 if day is not None else 1):
        after_days = max(minutes - days * DAY, 0)
        for half_days in range(-(-after_days // HALF_DAY) + 1 if half_day is not None else 1):
            rest = max(after_days - half_days * HALF_DAY, 0)
            if rest and hour is None:
                continue
            hours = -(-rest // HOUR)
            price = days * (day or 0) + half_days * (half_day or 0) + hours * (hour or 0)
            if best is None or (price, days + half_days + hours) < (best[0], sum(best[1:])):
                best = (price, days, half_days, hours)
    return best


@given(
    minutes=st.integers(min_value=0, max_value=4 * 7 * DAY),
    hour=st.one_of(st.none(), st.integers(0, 5000)),
    half_day=st.one_of(st.none(), st.integers(0, 20000)),
    day=st.one_of(st.none(), st.integers(0, 50000)),
)
def test_the_closed_form_equals_trying_every_combination(minutes, hour, half_day, day):
    """Up to four weeks, the same price and the same blocks as the exhaustive search."""
    assert cheapest(minutes, hour, half_day, day) == _every_combination(minutes, hour, half_day, day)


def test_a_ten_year_price_is_worked_out_at_once():
    """The price of a very long period is arithmetic: ten years, or the year 9999, cost no loop."""
    minutes = 10 * 366 * DAY
    assert cheapest(minutes, 1000, 3000, 5000) == (10 * 366 * 5000, 10 * 366, 0, 0)
    assert cheapest(minutes + 5 * HOUR, 1000, 3000, None) == (10 * 366 * 18000 + 4000, 0, 10 * 366 * 6 + 1, 1)
    assert cheapest(8000 * 366 * DAY, 1000, None, None)[3] == 8000 * 366 * 24


def test_tariff_audience_follows_the_organisation():
    assert tariff_audience(Audience.CONSORTIUM) == TariffAudience.CONSORTIUM
    assert tariff_audience(Audience.PARTNER) == TariffAudience.PARTNER
    assert tariff_audience(Audience.NEWCOMER) == TariffAudience.EXTERNAL
    assert tariff_audience(Audience.EXTERNAL) == TariffAudience.EXTERNAL


def test_each_audience_pays_its_own_tariff(world):
    start, end = paris(2027, 3, 2, 9), paris(2027, 3, 2, 14)  # five hours
    member_quote = quote(world.room, Audience.CONSORTIUM, start, end)
    assert (member_quote.price_cents, member_quote.half_days, member_quote.hours) == (4000, 1, 1)
    assert quote(world.room, Audience.EXTERNAL, start, end).price_cents == 12500  # 5 x 25 €, cheaper than a day
    assert quote(world.room, Audience.PARTNER, start, end).price_cents == 0  # no partner tariff: free
    assert quote(world.room, Audience.PARTNER, start, end).payment_status == PaymentStatus.NOT_REQUIRED


def test_a_kit_is_priced_and_deposited_per_unit(world):
    world.kit.tariffs.append(Tariff(audience=TariffAudience.EXTERNAL, day_cents=2000))
    db.session.flush()
    loan = quote(world.kit, Audience.EXTERNAL, paris(2027, 3, 5, 17), paris(2027, 3, 8, 10), quantity=2)
    assert loan.days == 3  # Friday 17:00 to Monday 10:00: 65 hours, three days
    assert loan.price_cents == 2 * 3 * 2000
    assert loan.deposit_cents == 2 * 20000
    assert loan.payment_status == PaymentStatus.PENDING
    assert quote(world.room, Audience.CONSORTIUM, paris(2027, 3, 5, 9), paris(2027, 3, 5, 10)).deposit_cents == 0


def test_the_price_is_fixed_at_booking_and_not_recomputed_when_the_tariff_changes(world):
    booking = request_booking(world.room, world.member, paris(2027, 3, 2, 10), paris(2027, 3, 2, 12), now=NOW)
    assert (booking.price_cents, booking.tariff_audience, booking.payment_status) == (
        2000,
        TariffAudience.CONSORTIUM,
        PaymentStatus.PENDING,
    )
    world.room.tariff_for(TariffAudience.CONSORTIUM).hour_cents = 9900
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(type(booking), booking.id).price_cents == 2000
