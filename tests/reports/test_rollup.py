"""The roll-up (``app.reports.rollup``) against the bookings: after creating, moving, re-timing,
cancelling and deleting bookings through the ORM, across the clock changes and a month end, every
table of every section read from the roll-up equals the same table computed from the bookings,
and the months kept in step equal the months built from scratch (``flask reports rebuild``)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy import exc

from app.extensions import db
from app.models import Booking, BookingStatus, KitCheck, KitCheckKind, ResourceKind
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


def test_a_change_is_summed_in_its_own_transaction(world):
    filters = Filters(periods.year_of(2027), (world.machinerie.id, world.ile.id), every_venue=True)
    assert Report(filters).rolled_up  # builds the year
    before = everything(Report(filters))
    built = kept_rows()
    world.bookings[1].status = BookingStatus.CANCELLED  # the night of 31 March into 1 April
    db.session.flush()
    # the flush itself took the night away from March, April and 2027: nothing is left to rebuild
    assert not db.session.scalars(sa.select(rollup.stale_table.c.month)).all()
    assert kept_rows() != built
    assert everything(Report(filters)) == everything(Report(filters, from_bookings=True)) != before
    db.session.rollback()  # undone: the sums go back with it
    assert kept_rows() == built
    assert everything(Report(filters)) == before


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


def test_periods_that_are_not_whole_months_read_the_rollup_and_their_edges(world):
    for first, last in (
        (date(2027, 3, 20), date(2027, 11, 5)),  # edges around the March and October clock changes
        (date(2027, 2, 15), date(2027, 4, 1)),  # half of February, March, the first of April
        (date(2026, 12, 15), date(2027, 12, 31)),  # a fortnight, then the whole year 2027
        (date(2027, 3, 28), date(2027, 3, 31)),  # no whole month: the bookings only
    ):
        filters = Filters(periods.Period("dates", first, last), (world.machinerie.id, world.ile.id), every_venue=True)
        rolled = Report(filters)
        assert everything(rolled) == everything(Report(filters, from_bookings=True)), (first, last)
        if (first, last) != (date(2027, 3, 28), date(2027, 3, 31)):
            assert rolled.pieces[0][0], (first, last)  # its whole months from the roll-up


def test_a_new_home_venue_and_a_resource_moved_are_kept_in_step(world, runner):
    from app.models import VenueMembership

    same_figures(world)
    # Alice joins L'Île aux Fruits, then leaves La Machinerie: her home venue is now L'Île aux Fruits
    add_membership(world.alice, world.ile)
    db.session.commit()
    first = db.session.scalars(
        sa.select(VenueMembership).where(
            VenueMembership.user_id == world.alice.id, VenueMembership.venue_id == world.machinerie.id
        )
    ).one()
    db.session.delete(first)
    db.session.commit()
    assert not db.session.scalars(sa.select(rollup.stale_table.c.month)).all()
    same_figures(world)
    # the room moves to L'Île aux Fruits and becomes a machine: the heat map follows it
    world.room.venue_id, world.room.kind = world.ile.id, ResourceKind.MACHINE
    db.session.commit()
    assert not db.session.scalars(sa.select(rollup.stale_table.c.month)).all()
    same_figures(world)
    kept = kept_rows()
    result = runner.invoke(args=["reports", "rebuild"])
    assert result.exit_code == 0, result.output
    assert kept_rows() == kept


@pytest.mark.postgres_only
def test_a_rebuild_waits_for_a_change_in_flight_and_counts_it(world, app, runner):
    """A booking made while nothing is built writes no sum; a rebuild that starts before its commit
    cannot go on until it commits (PostgreSQL), so that the rebuilt month counts it rather than
    losing it."""
    for table in (*rollup.SUMS, rollup.built_table):
        db.session.execute(table.delete())
    db.session.commit()
    _booking(world.greenhouse, world.bruno, paris(2027, 6, 1, 9), paris(2027, 6, 1, 12))
    db.session.flush()  # the change in flight: its sums not written (no month built), not committed

    def rebuild(lock_timeout: str | None = None) -> int | str:
        """In a session of its own; with a lock timeout, what stopped it."""
        with app.app_context():
            try:
                if lock_timeout:
                    db.session.execute(sa.text(f"SET LOCAL lock_timeout = '{lock_timeout}'"))
                return rollup.rebuild_all()
            except exc.OperationalError as error:
                db.session.rollback()
                return type(error.orig).__name__
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=1) as pool:
        # While the change is in flight, the rebuild waits for its commit (here it gives up waiting).
        assert pool.submit(rebuild, "200ms").result(timeout=60) == "LockNotAvailable"
        db.session.commit()
        assert pool.submit(rebuild).result(timeout=60) > 0
    db.session.expire_all()
    counted = kept_rows()
    june = [row for row in counted["report_usage"] if row[1] == date(2027, 6, 1)]
    assert any(row[2] == world.greenhouse.id for row in june), "the booking in flight was lost"
    assert runner.invoke(args=["reports", "rebuild"]).exit_code == 0
    assert kept_rows() == counted


def test_erasing_a_member_moves_her_home_sums_without_sending_every_month_to_be_rebuilt(world):
    from app.privacy.erasure import erase

    same_figures(world)  # every month of 2027 built
    erase(world.alice, by=world.coordinator, now=paris(2028, 6, 1, 12))
    db.session.commit()
    assert not db.session.scalars(sa.select(rollup.stale_table.c.id)).all()  # nothing noted
    same_figures(world)  # her bookings counted without a home venue, as a rebuild would


def test_bookings_created_are_summed_as_the_database_sums_them_and_added_before_a_report(world, runner):
    """A booking created by a session that holds its requester's memberships (a request's user is
    loaded with them) is summed in memory and its sums wait in a pending row; the next report adds
    them: across a clock change, a month end, a kit's units, and a booking cancelled before any
    report read its creation, the figures equal the bookings' and the months equal a rebuild."""
    same_figures(world)  # every month read is built
    assert world.bruno.memberships is not None and world.alice.memberships is not None  # loaded
    _booking(world.greenhouse, world.bruno, paris(2027, 10, 30, 22), paris(2027, 10, 31, 4))  # clocks go back
    _booking(world.laser, world.alice, paris(2027, 3, 31, 21), paris(2027, 4, 1, 2, 30))  # across the month end
    _booking(world.kit, world.bruno, paris(2027, 11, 29, 10), paris(2027, 12, 1, 10), quantity=2)
    db.session.commit()
    dropped = _booking(world.greenhouse, world.alice, paris(2027, 4, 3, 9), paris(2027, 4, 3, 11))
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(rollup.pending_table))  # summed in memory
    dropped.status = BookingStatus.CANCELLED  # taken away from April before its sums were added
    db.session.commit()
    same_figures(world)
    same_figures(world, venue_ids=(world.ile.id,))
    assert not db.session.scalar(sa.select(sa.func.count()).select_from(rollup.pending_table))
    kept = kept_rows()
    assert runner.invoke(args=["reports", "rebuild"]).exit_code == 0
    assert kept_rows() == kept
