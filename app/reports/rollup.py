"""The reports' roll-up: the bookings summed per Paris month, so that a report of a month, a quarter
or a year reads a few thousand sums instead of every booking (migration ``0028_report_rollup``).

Three tables, each a month's (``span`` 1) or a calendar year's (``span`` 12, its months summed) sums of the bookings that count (cancelled and rejected left out),
cut at the Paris midnights that bound the month exactly as ``figures`` cuts them at a period's
bounds (a booking counts in the month it starts; its seconds in each month they fall in):

- ``report_usage``: per resource and organisation (0: none) — bookings started, seconds, seconds ×
  units. The audience is the organisation's, read at report time;
- ``report_home_usage``: per resource and home venue of the requester (``figures._home_venues``);
- ``report_heat``: per host venue, kind (spaces and machines), Paris weekday and hour — seconds;
- ``report_communes``: per kit and commune given at hand-over — the loans started in the month.

**Kept in step** (this module is the one place): a session listener (``_note_changes``) notes, in
the same transaction as the change, the months a booking touched before and after each flush that
creates, moves, re-times, changes the status of, or deletes a booking, whichever code path does it
(the engine, the desk, the events, the API, the demo). A statement over many rows at once
(``sa.update(Booking)``…) or a change of memberships (home venues) or of a resource's venue or kind
notes every month. The noted months are rebuilt by the next report that reads them (``refresh``),
from the bookings, in SQL; ``report_rollup_months`` lists the months built. A change committed
while a month is being rebuilt leaves its own note, which the rebuild does not remove (it removes
only the notes it read), so the month is rebuilt again.

A period that is not whole months (the "dates" periods) is computed from the bookings directly
(``figures``), as before; ``flask reports rebuild`` builds every month from scratch.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import event, exc, orm

from app.core.clock import PARIS
from app.extensions import db
from app.models import Booking, KitCheck, KitCheckKind, Resource, ResourceKind, VenueMembership

big = sa.BigInteger

usage_table = sa.Table(
    "report_usage",
    db.metadata,
    sa.Column("span", sa.Integer, primary_key=True, autoincrement=False),  # 1: a month, 12: a year
    sa.Column("month", sa.Date, primary_key=True),
    sa.Column("resource_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("organisation_id", sa.Integer, primary_key=True, autoincrement=False),  # 0: none
    sa.Column("n", big, nullable=False),
    sa.Column("seconds", big, nullable=False),
    sa.Column("unit_seconds", big, nullable=False),
)
home_table = sa.Table(
    "report_home_usage",
    db.metadata,
    sa.Column("span", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("month", sa.Date, primary_key=True),
    sa.Column("resource_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("home_venue_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("n", big, nullable=False),
    sa.Column("seconds", big, nullable=False),
    sa.Column("unit_seconds", big, nullable=False),
)
heat_table = sa.Table(
    "report_heat",
    db.metadata,
    sa.Column("span", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("month", sa.Date, primary_key=True),
    sa.Column("venue_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("kind", sa.String(20), primary_key=True),
    sa.Column("weekday", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("hour", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("seconds", big, nullable=False),
)
communes_table = sa.Table(
    "report_communes",
    db.metadata,
    sa.Column("span", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("month", sa.Date, primary_key=True),
    sa.Column("resource_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("commune", sa.String(120), primary_key=True),  # "": not given
    sa.Column("n", big, nullable=False),
)
built_table = sa.Table(
    "report_rollup_months",
    db.metadata,
    sa.Column("span", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("month", sa.Date, primary_key=True),
)
stale_table = sa.Table(
    "report_rollup_stale",
    db.metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("month", sa.Date, nullable=True),  # None: every month
)

SUMS = (usage_table, home_table, heat_table, communes_table)
MONTH, YEAR = 1, 12
Span = tuple[int, date]  # (MONTH or YEAR, its first day)


# --- Months -------------------------------------------------------------------------------------


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1)


def months_between(first: date, last: date) -> list[date]:
    """The months from the one holding ``first`` to the one holding ``last``."""
    month, found = month_start(first), []
    while month <= last:
        found.append(month)
        month = next_month(month)
    return found


def whole_months(first: date, last: date) -> list[date] | None:
    """The months a period of Paris dates is made of, or None when it is not whole months."""
    if first.day != 1 or (last + timedelta(days=1)).day != 1:
        return None
    return months_between(first, last)


def spans(first: date, last: date) -> list[Span] | None:
    """The sums a period of Paris dates reads: its whole calendar years as years, its other months as
    months; None when the period is not whole months."""
    months = whole_months(first, last)
    if months is None:
        return None
    found: list[Span] = []
    for month in months:
        if month.month == 1 and date(month.year, 12, 1) in months:
            found.append((YEAR, month))
        elif not any(span == YEAR and begun.year == month.year for span, begun in found):
            found.append((MONTH, month))
    return found


def within(table: sa.Table, chosen: Iterable[Span]) -> sa.ColumnElement:
    """The rows of a sums table that belong to these spans."""
    chosen = list(chosen)
    parts = [
        sa.and_(table.c.span == span, table.c.month.in_([begun for kind, begun in chosen if kind == span]))
        for span in (MONTH, YEAR)
        if any(kind == span for kind, _begun in chosen)
    ]
    return sa.or_(*parts) if parts else sa.false()


def months_of(starts_at: datetime | None, ends_at: datetime | None) -> set[date]:
    """The Paris months a booking's moments [starts_at, ends_at) fall in (naive moments are UTC)."""
    if starts_at is None or ends_at is None:
        return set()
    first = _paris_date(starts_at)
    last = _paris_date(max(starts_at, ends_at - timedelta(microseconds=1)))
    return set(months_between(first, last))


def _paris_date(moment: datetime) -> date:
    if moment.tzinfo is None:  # stored moments are naive UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(PARIS).date()


# --- Noting the changes (the one hook) ------------------------------------------------------------

WATCHED = {"bookings", "venue_memberships", "kit_checks", "resources"}
BOOKING_FIELDS = ("status", "starts_at", "ends_at", "resource_id", "organisation_id", "requester_id", "quantity")


def note_stale(connection: sa.Connection, months: Iterable[date] | None) -> None:
    """Note months to rebuild (``None``: every month), in the caller's transaction."""
    rows = [{"month": None}] if months is None else [{"month": m} for m in sorted(set(months))]
    if rows:
        connection.execute(sa.insert(stale_table), rows)


def _booking_months(booking: Booking, *, changed_only: bool) -> set[date] | None:
    state = sa.inspect(booking)
    if changed_only and not any(state.attrs[name].history.has_changes() for name in BOOKING_FIELDS):
        return None
    months = months_of(booking.starts_at, booking.ends_at)
    # and where it was before (a moved booking leaves its old months too)
    starts = state.attrs.starts_at.history.deleted or [booking.starts_at]
    ends = state.attrs.ends_at.history.deleted or [booking.ends_at]
    for old_start in starts:
        for old_end in ends:
            months |= months_of(old_start, old_end)
    return months


@event.listens_for(orm.Session, "after_flush")
def _note_changes(session: orm.Session, _context) -> None:
    """Every flush: the months of the bookings created, changed or deleted; every month when a
    membership (home venues) or a resource's venue or kind changed."""
    months: set[date] = set()
    everything = False
    with session.no_autoflush:
        for obj in [*session.new, *session.dirty, *session.deleted]:
            if isinstance(obj, KitCheck) and obj.booking is not None:  # a hand-over's commune
                months |= months_of(obj.booking.starts_at, obj.booking.ends_at)
    for obj in session.new:
        if isinstance(obj, Booking):
            months |= _booking_months(obj, changed_only=False) or set()
        elif isinstance(obj, VenueMembership):
            everything = True
    for obj in session.dirty:
        if isinstance(obj, Booking):
            months |= _booking_months(obj, changed_only=True) or set()
        elif isinstance(obj, VenueMembership) and session.is_modified(obj):
            everything = True
        elif isinstance(obj, Resource):
            state = sa.inspect(obj)
            if state.attrs.venue_id.history.has_changes() or state.attrs.kind.history.has_changes():
                everything = True
    for obj in session.deleted:
        if isinstance(obj, Booking):
            months |= _booking_months(obj, changed_only=False) or set()
        elif isinstance(obj, VenueMembership):
            everything = True
    if everything:
        note_stale(session.connection(), None)
    elif months:
        note_stale(session.connection(), months)


@event.listens_for(orm.Session, "do_orm_execute")
def _note_statements(state: orm.ORMExecuteState) -> None:
    """A statement writing bookings or memberships in bulk: every month is noted."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in WATCHED:
        note_stale(state.session.connection(), None)


# --- Building a month -------------------------------------------------------------------------------


def _bounds(month: date) -> tuple[datetime, datetime, int, int]:
    from app.reports.periods import month_of

    period = month_of(month)
    return period.starts_at, period.ends_at, int(period.starts_at.timestamp()), int(period.ends_at.timestamp())


def _sums_of(month: date) -> tuple[list[dict], list[dict], list[dict], list[dict]]:
    """A month's three sets of sums, computed from the bookings by the database."""
    from app.reports import figures
    from app.reports.sql import epoch, greatest, least

    starts_at, ends_at, lower, upper = _bounds(month)
    s, e = epoch(Booking.starts_at), epoch(Booking.ends_at)
    seconds = least(e, sa.literal(upper, big)) - greatest(s, sa.literal(lower, big))
    measures = (
        sa.func.sum(sa.case((s >= lower, 1), else_=0)),
        sa.func.sum(seconds),
        sa.func.sum(seconds * Booking.quantity),
    )
    crossing = [
        Booking.status.notin_(figures.LEFT_OUT),
        Booking.starts_at < ends_at,
        Booking.ends_at > starts_at,
    ]
    organisation = sa.func.coalesce(Booking.organisation_id, 0)
    usage = [
        {"month": month, "resource_id": r, "organisation_id": o, "n": int(n), "seconds": int(t), "unit_seconds": int(u)}
        for r, o, n, t, u in db.session.execute(
            sa.select(Booking.resource_id, organisation, *measures)
            .where(*crossing)
            .group_by(Booking.resource_id, organisation)
        )
    ]
    home = figures._home_venues()
    homes = [
        {"month": month, "resource_id": r, "home_venue_id": h, "n": int(n), "seconds": int(t), "unit_seconds": int(u)}
        for r, h, n, t, u in db.session.execute(
            sa.select(Booking.resource_id, home.c.venue_id, *measures)
            .join(home, home.c.user_id == Booking.requester_id)
            .where(*crossing)
            .group_by(Booking.resource_id, home.c.venue_id)
        )
    ]
    heat = [
        {"month": month, "venue_id": v, "kind": k, "weekday": int(d), "hour": int(h), "seconds": int(t)}
        for v, k, d, h, t in db.session.execute(
            figures.heat_statement(
                figures.month_period(month),
                [*crossing, Resource.kind.in_([ResourceKind.SPACE, ResourceKind.MACHINE])],
                by=(Resource.venue_id, Resource.kind),
            )
        )
    ]
    communes = [
        {"month": month, "resource_id": r, "commune": c, "n": int(n)}
        for r, c, n in db.session.execute(
            sa.select(Booking.resource_id, KitCheck.commune, sa.func.count())
            .join(Booking, Booking.id == KitCheck.booking_id)
            .where(KitCheck.kind == KitCheckKind.HANDOVER, Booking.starts_at >= starts_at, *crossing)
            .group_by(Booking.resource_id, KitCheck.commune)
        )
    ]
    return usage, homes, heat, communes


def _kind_value(kind) -> str:
    return kind.value if isinstance(kind, ResourceKind) else str(kind)


def build_month(month: date) -> bool:
    """Rebuild one month's sums in a savepoint (its year's sums go: they are summed again when next
    read); False when another process wrote them meanwhile."""
    usage, homes, heat, communes = _sums_of(month)
    for rows in (usage, homes, heat, communes):
        for row in rows:
            row["span"] = MONTH
    for row in heat:
        row["kind"] = _kind_value(row["kind"])
    year = month.replace(month=1)
    try:
        with db.session.begin_nested():
            for table in (*SUMS, built_table):
                db.session.execute(
                    table.delete().where(
                        sa.or_(
                            sa.and_(table.c.span == MONTH, table.c.month == month),
                            sa.and_(table.c.span == YEAR, table.c.month == year),
                        )
                    )
                )
            for table, rows in (
                (usage_table, usage),
                (home_table, homes),
                (heat_table, heat),
                (communes_table, communes),
            ):
                if rows:
                    db.session.execute(table.insert(), rows)
            db.session.execute(built_table.insert(), [{"span": MONTH, "month": month}])
    except exc.IntegrityError:
        return False
    return True


def build_year(year: date) -> bool:
    """A year's sums: its twelve months' (built) summed by the database."""
    last = date(year.year, 12, 1)
    try:
        with db.session.begin_nested():
            for table in SUMS:
                keys = [c for c in table.c if c.primary_key and c.name not in ("span", "month")]
                values = [c for c in table.c if not c.primary_key]
                db.session.execute(table.delete().where(table.c.span == YEAR, table.c.month == year))
                db.session.execute(
                    table.insert().from_select(
                        ["span", "month", *[c.name for c in keys], *[c.name for c in values]],
                        sa.select(
                            sa.literal(YEAR, sa.Integer),
                            sa.literal(year, sa.Date),
                            *keys,
                            *[sa.func.sum(c) for c in values],
                        )
                        .where(table.c.span == MONTH, table.c.month >= year, table.c.month <= last)
                        .group_by(*keys),
                    )
                )
            db.session.execute(built_table.delete().where(built_table.c.span == YEAR, built_table.c.month == year))
            db.session.execute(built_table.insert(), [{"span": YEAR, "month": year}])
    except exc.IntegrityError:
        return False
    return True


def refresh(chosen: Iterable[Span]) -> None:
    """Make the sums of these spans current: build the months never built or noted since (and the
    years they belong to), remove the notes read, and commit (a report is a GET: nothing else of the
    request is written)."""
    chosen = sorted(set(chosen))
    if not chosen:
        return
    wanted = sorted(
        {
            m
            for span, begun in chosen
            for m in ([begun] if span == MONTH else months_between(begun, date(begun.year, 12, 1)))
        }
    )
    notes = db.session.execute(
        sa.select(stale_table.c.id, stale_table.c.month).where(
            sa.or_(stale_table.c.month.in_(wanted), stale_table.c.month.is_(None))
        )
    ).all()
    if any(note.month is None for note in notes):
        db.session.execute(built_table.delete())  # every month to build again, when next read
    built = {(span, begun) for span, begun in db.session.execute(sa.select(built_table.c.span, built_table.c.month))}
    noted = {note.month for note in notes}
    todo = [m for m in wanted if (MONTH, m) not in built or m in noted]
    years = [
        begun
        for span, begun in chosen
        if span == YEAR and ((YEAR, begun) not in built or any(m.year == begun.year for m in todo))
    ]
    if not todo and not notes and not years:
        return
    for month in todo:
        build_month(month)
    for year in years:
        build_year(year)
    if notes:
        db.session.execute(stale_table.delete().where(stale_table.c.id.in_([note.id for note in notes])))
    db.session.commit()


def rebuild_all() -> int:
    """Every month from the first booking's to the last one's, from scratch (``flask reports rebuild``)."""
    for table in (*SUMS, built_table, stale_table):
        db.session.execute(table.delete())
    first, last = db.session.execute(sa.select(sa.func.min(Booking.starts_at), sa.func.max(Booking.ends_at))).one()
    months = months_between(_paris_date(first), _paris_date(last)) if first is not None else []
    for month in months:
        build_month(month)
    for year in sorted({month.replace(month=1) for month in months}):
        build_year(year)
    db.session.commit()
    return len(months)
