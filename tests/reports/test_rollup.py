"""The roll-up (``app.reports.rollup``) against the bookings: after creating, moving, re-timing,
cancelling and deleting bookings through the ORM, across the clock changes and a month end, every
table of every section read from the roll-up equals the same table computed from the bookings,
and the months kept in step equal the months built from scratch (``flask reports rebuild``)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from app.extensions import db
from app.models import Booking, BookingStatus, KitCheck, KitCheckKind
from app.reports import periods, rollup, sections
from app.reports.figures import Filters, Report
from tests.factories import add_membership
from tests.factories.reports import _booking, paris


def everything(report: Report) -> dict:
    return {t.key: (t.rows, t.totals) for section in sections.SECTIONS for t in section.tables(report)}


def same_figures(world, **chosen) -> None:
    venues = chosen.pop("venue_ids", (world.machinerie.id, world.ile.id))
    for period in (
        periods.year_of(2027),
        periods.quarter_of(date(2027, 1, 1)),
        periods.month_of(date(2027, 3, 1)),
        periods.month_of(date(2027, 4, 1)),
        periods.month_of(date(2027, 10, 1)),
        periods.month_of(date(2027, 11, 1)),
    ):
        filters = Filters(period, venues, every_venue=len(venues) > 1, **chosen)
        rolled = Report(filters)
        assert rolled.rolled_up is not None  # read from the roll-up
        assert everything(rolled) == everything(Report(filters, from_bookings=True)), period


def kept_rows() -> dict:
    return {
        table.name: sorted(
            tuple(row) for row in db.session.execute(sa.select(table).where(table.c.span == rollup.MONTH))
        )
        for table in rollup.SUMS
    }


def test_rollup_follows_creates_moves_cancels_and_equals_a_rebuild(world, runner):
    same_figures(world)
    # A night across the October clock change (25 hours that Sunday), a booking moved from March
    # to April, one re-timed across the month end, one cancelled, one deleted, one rejected
    # request approved, a kit handed over for a rural commune.
    _booking(world.greenhouse, world.bruno, paris(2027, 10, 30, 22), paris(2027, 10, 31, 4))
    moved = world.bookings[4]
    moved.starts_at, moved.ends_at = paris(2027, 4, 12, 9), paris(2027, 4, 12, 11)
    moved.holds_until = moved.ends_at
    night = world.bookings[1]
    night.ends_at = night.holds_until = paris(2027, 4, 1, 5)
    world.bookings[2].status = BookingStatus.CANCELLED
    world.bookings[6].status = BookingStatus.APPROVED
    db.session.commit()
    same_figures(world)
    lent = _booking(world.kit, world.bruno, paris(2027, 11, 29, 10), paris(2027, 12, 1, 10), quantity=1)
    db.session.flush()
    db.session.add(KitCheck(booking=lent, kind=KitCheckKind.HANDOVER, at=paris(2027, 11, 29, 9), commune="Conty"))
    db.session.delete(db.session.get(Booking, world.bookings[0].id))
    db.session.commit()
    same_figures(world)
    same_figures(world, venue_ids=(world.ile.id,))
    # Alice joins L'Île aux Fruits too: she stays attached to La Machinerie (her first venue)
    add_membership(world.alice, world.ile)
    db.session.commit()
    same_figures(world)

    # A bulk statement is seen too: every month is rebuilt
    db.session.execute(sa.update(Booking).where(Booking.resource_id == world.room.id).values(quantity=2))
    db.session.commit()
    same_figures(world)

    kept = kept_rows()
    assert kept["report_usage"] and kept["report_heat"] and kept["report_communes"]
    result = runner.invoke(args=["reports", "rebuild"])
    assert result.exit_code == 0, result.output
    assert kept_rows() == kept


def test_a_change_is_noted_in_its_own_transaction(world):
    assert Report(Filters(periods.year_of(2027), (world.machinerie.id,))).rolled_up  # builds the year
    assert not db.session.scalars(sa.select(rollup.stale_table.c.month)).all()
    world.bookings[1].status = BookingStatus.CANCELLED  # the night of 31 March into 1 April
    db.session.flush()
    assert set(db.session.scalars(sa.select(rollup.stale_table.c.month))) == {date(2027, 3, 1), date(2027, 4, 1)}
    db.session.rollback()  # undone: the note goes with it
    assert not db.session.scalars(sa.select(rollup.stale_table.c.month)).all()


def test_months_of_a_booking_in_paris_time():
    # 31 March 23:30 Paris is 21:30 UTC: March; it ends at 1 April 00:30 Paris: April too
    assert rollup.months_of(paris(2027, 3, 31, 23, 30), paris(2027, 4, 1, 0, 30)) == {
        date(2027, 3, 1),
        date(2027, 4, 1),
    }
    # ending exactly at the Paris midnight of 1 November: October only
    assert rollup.months_of(paris(2027, 10, 31, 22), paris(2027, 11, 1)) == {date(2027, 10, 1)}
    assert rollup.spans(date(2027, 1, 1), date(2027, 12, 31)) == [(rollup.YEAR, date(2027, 1, 1))]
    assert rollup.spans(date(2026, 12, 1), date(2027, 12, 31)) == [
        (rollup.MONTH, date(2026, 12, 1)),
        (rollup.YEAR, date(2027, 1, 1)),
    ]
    assert rollup.spans(date(2027, 3, 2), date(2027, 3, 31)) is None
