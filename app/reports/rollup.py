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

**Kept in step** (this module is the one place), in the same transaction as the change, whichever
code path makes it (the engine, the desk, the events, the API, the demo): before each flush
(``_take_away``) the sums of the bookings it changes, moves, re-times, re-statuses or deletes are
taken away from the months built (and their years) as the database still holds them; after it
(``_add_back``) the sums of the bookings changed are added as they are now, by the same grouped
queries as a month's build restricted to those bookings (``apply``). The bookings a flush creates,
when the session holds all their sums need (resource, requester and memberships), are summed in
memory (``sums_in_memory``, cut exactly as the queries cut them) and written as one pending row
(``report_rollup_pending``, ``add_created``): nothing is read. A report adds the pending sums to the
months built before it reads (``apply_pending``, from ``refresh``); those of a month not built are
dropped (its build counts the bookings). Sums are additive: a change taken away before the creation's
sums are added leaves the same total once they are, and a rebuild adds what is pending first. A membership that
changes a member's home venue moves the home sums of that member's bookings; a resource moved to
another venue or kind moves its heat. No report rebuilds a month for an ordinary change.

A statement over many rows at once (``sa.update(Booking)``…) notes every month
(``report_rollup_stale``): the next report that reads them rebuilds them (``refresh``), from the
bookings, in SQL; ``report_rollup_months`` lists the months built. A change committed while a month
is being rebuilt leaves its own note, which the rebuild does not remove (it removes only the notes
it read), so the month is rebuilt again.

**A rebuild and a change at once** (``_hold_the_sums``). SQLite: every transaction holds the write
lock from its ``BEGIN IMMEDIATE``, so they queue. PostgreSQL: a rebuild first locks the pending
sums, the list of months built and the sums in ``EXCLUSIVE`` mode, in that order. A creation's
pending row takes the pending table's lock (``ROW EXCLUSIVE``) when it is written, right after the
booking; a change takes it too (``_lock_pending``), then reads the list ``FOR SHARE`` before it
writes any sum; a report adding the pending sums deletes them first. So the rebuild waits for the
transactions in flight to commit (it then reads their bookings and adds their pending sums before
it builds), and one that comes after waits for the rebuild's commit, then adds its own sums to the
rebuilt ones. None is lost nor counted twice, and no two wait for each other in turn.

A period that is not whole months (the "dates" periods) reads its whole months here and the dates
at its edges from the bookings (``split``); ``flask reports rebuild`` builds every month from scratch.
"""

from __future__ import annotations

import json
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

pending_table = sa.Table(
    "report_rollup_pending",
    db.metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    # {month: {table: [[key…, value…], …]}}: the sums of bookings created, to add (``apply_pending``)
    sa.Column("sums", sa.Text, nullable=False),
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


def split(first: date, last: date) -> tuple[list[Span], list[tuple[date, date]]]:
    """A period of Paris dates as the roll-up's spans of its whole months, and the dates at its edges
    (at most one stretch before its first whole month and one after its last), which are read from
    the bookings. Every sum is additive over the pieces: a booking counts in the piece it starts in,
    its seconds are cut at the Paris midnights that bound the pieces."""
    head = first if first.day == 1 else next_month(first)
    tail = last if (last + timedelta(days=1)).day == 1 else month_start(last) - timedelta(days=1)
    if head > tail:
        return [], [(first, last)]
    edges = []
    if first < head:
        edges.append((first, head - timedelta(days=1)))
    if tail < last:
        edges.append((tail + timedelta(days=1), last))
    return spans(head, tail) or [], edges


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


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment  # stored moments are naive UTC


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


RELATIONS = ("resource", "requester", "organisation")  # set as objects, their keys follow at flush


def _changed(booking: Booking) -> bool:
    state = sa.inspect(booking)
    return any(state.attrs[name].history.has_changes() for name in (*BOOKING_FIELDS, *RELATIONS))


def _persistent_id(obj) -> int | None:
    state = sa.inspect(obj)
    return state.identity[0] if state.persistent and state.identity else None


@event.listens_for(orm.Session, "before_flush")
def _take_away(session: orm.Session, _context, _instances) -> None:
    """Before each flush, while the database still holds them as they were: the sums of the bookings
    the flush changes or deletes are taken away from the months built (and their years), in the same
    transaction; ``_add_back`` adds their new sums after the flush. The roll-up is thus current at
    every commit, and no report rebuilds a month for an ordinary change."""
    session.info.pop("rollup", None)
    bookings: set[int] = set()
    users: set[int] = set()
    resources: set[int] = set()
    with session.no_autoflush:
        for obj in [*session.dirty, *session.deleted]:
            changed = isinstance(obj, Booking) and (obj in session.deleted or _changed(obj))
            if changed and (found := _persistent_id(obj)) is not None:
                bookings.add(found)
        for obj in [*session.new, *session.dirty, *session.deleted]:
            if isinstance(obj, KitCheck):  # a hand-over's commune: its booking's sums again
                booking_id = obj.booking.id if obj.booking is not None else obj.booking_id
                if booking_id is not None and (obj.booking is None or _persistent_id(obj.booking) is not None):
                    bookings.add(booking_id)
            elif isinstance(obj, VenueMembership):  # maybe another home venue for its member
                for user_id in {obj.user_id, obj.user.id if obj.user is not None else None}:
                    if user_id is not None:
                        users.add(user_id)
                for old in sa.inspect(obj).attrs.user_id.history.deleted:
                    if old is not None:
                        users.add(old)
            elif isinstance(obj, Resource) and obj in session.dirty:
                state = sa.inspect(obj)
                moved = state.attrs.venue_id.history.has_changes() or state.attrs.kind.history.has_changes()
                if moved and (found := _persistent_id(obj)) is not None:
                    resources.add(found)
    if not (bookings or users or resources):
        return
    connection = session.connection()
    homes = _homes(connection, users) if users else {}
    if bookings:
        apply(connection, [Booking.id.in_(sorted(bookings))], -1)
    if resources:  # the heat is kept per host venue and kind
        apply(connection, [Booking.resource_id.in_(sorted(resources))], -1, tables=(heat_table,), but=bookings)
    session.info["rollup"] = {"bookings": bookings, "users": homes, "resources": resources}


@event.listens_for(orm.Session, "after_flush")
def _add_back(session: orm.Session, _context) -> None:
    """After each flush: the sums of the bookings created or changed, as they are now, added to the
    months built; a member whose home venue changed has their bookings' home sums moved. What the
    listener before could not see (a booking changed by another listener of the flush) is noted to
    rebuild (``refresh``), as is every month after a statement over many rows."""
    pending = session.info.pop("rollup", None) or {"bookings": set(), "users": {}, "resources": set()}
    handled: set[int] = set(pending["bookings"])
    connection = session.connection()
    months: set[date] = set()
    for obj in session.new:
        if isinstance(obj, Booking) and obj.id is not None:
            handled.add(obj.id)
    for obj in [*session.dirty, *session.deleted]:
        if isinstance(obj, Booking) and obj.id not in handled and (obj in session.deleted or _changed(obj)):
            months |= _booking_months(obj, changed_only=False) or set()  # seen too late: rebuilt
    alive = sorted(handled - {obj.id for obj in session.deleted if isinstance(obj, Booking)})
    moving = bool(pending["users"] or pending["resources"]) or any(
        isinstance(obj, VenueMembership | Resource) for obj in [*session.new, *session.dirty, *session.deleted]
    )
    if alive:
        created = [obj for obj in session.new if isinstance(obj, Booking)]
        if set(alive) <= {obj.id for obj in created}:
            # Bookings this flush made: their times are known here, and they have no hand-over
            # yet unless this flush writes it (then their communes need a statement).
            handed_over = any(isinstance(obj, KitCheck) for obj in session.new)
            homes = None if handed_over or moving else _known_homes(created)
            if homes is not None:  # everything a sum needs is in memory: summed here, one statement a table
                add_created(connection, created, homes)
            else:
                bounds = (min(_utc(obj.starts_at) for obj in created), max(_utc(obj.ends_at) for obj in created))
                tables = SUMS if handed_over else tuple(t for t in SUMS if t is not communes_table)
                apply(connection, [Booking.id.in_(alive)], 1, tables=tables, bounds=bounds)
        else:
            apply(connection, [Booking.id.in_(alive)], 1)
    if pending["resources"]:
        apply(connection, [Booking.resource_id.in_(sorted(pending["resources"]))], 1, tables=(heat_table,), but=handled)
    if pending["users"]:
        before = pending["users"]
        after = _homes(connection, set(before))
        moved = sorted(user for user in before if before[user] != after[user])
        if moved:
            where = [Booking.requester_id.in_(moved)]
            apply(connection, where, -1, tables=(home_table,), but=handled, homes=before)
            apply(connection, where, 1, tables=(home_table,), but=handled, homes=after)
    if months:
        note_stale(connection, months)


def _known_homes(created: list[Booking]) -> dict[int, int | None] | None:
    """The home venue of each new booking's requester (``figures._home_venues``: the venue of their
    first membership), when the session holds all it takes: each booking's resource and requester
    loaded, with the requester's memberships (a user is loaded with them, for every page's menu).
    None when something would have to be read: the sums are then computed by the database."""
    homes: dict[int, int | None] = {}
    for booking in created:
        state = sa.inspect(booking)
        if "resource" not in state.dict or "requester" not in state.dict or booking.resource is None:
            return None
        if booking.requester is None or booking.resource.kind is None or booking.resource.venue_id is None:
            return None
        if "memberships" not in sa.inspect(booking.requester).dict:
            return None
        memberships = booking.requester.memberships
        if any(m.id is None or m.venue_id is None for m in memberships):
            return None
        first = min(memberships, key=lambda m: m.id, default=None)
        homes[booking.requester.id] = first.venue_id if first is not None else None
    return homes


def _epoch(moment: datetime) -> int:
    return int(_utc(moment).timestamp())


def sums_in_memory(created: Iterable[Booking], homes: dict[int, int | None]) -> dict[date, dict[sa.Table, dict]]:
    """The sums of these bookings per Paris month, computed here exactly as ``_sums_of`` has the
    database compute them: a booking counts in the month it starts; its seconds are cut at the Paris
    midnights that bound each month; the heat cuts them at every hour (UTC hours are Paris hours),
    each piece at the Paris weekday and hour of its start. {month: {table: {key: values}}}."""
    from app.reports import figures

    found: dict[date, dict[sa.Table, dict]] = {}
    for booking in created:
        if booking.status in figures.LEFT_OUT:
            continue
        s, e = _epoch(booking.starts_at), _epoch(booking.ends_at)
        resource = booking.resource
        for month in sorted(months_of(booking.starts_at, booking.ends_at)):
            _starts, _ends, lower, upper = _bounds(month)
            t, end = max(s, lower), min(e, upper)
            if t >= end:
                continue
            seconds, n = end - t, 1 if s >= lower else 0
            sums = found.setdefault(month, {usage_table: {}, home_table: {}, heat_table: {}})
            measures = (n, seconds, seconds * booking.quantity)
            for table, key in (
                (usage_table, (resource.id, booking.organisation_id or 0)),
                (home_table, (resource.id, homes.get(booking.requester_id))),
            ):
                if key[1] is None:
                    continue  # no home venue: the rebuild's join leaves the booking out
                before = sums[table].get(key, (0, 0, 0))
                sums[table][key] = tuple(a + b for a, b in zip(before, measures, strict=True))
            if resource.kind not in (ResourceKind.SPACE, ResourceKind.MACHINE):
                continue
            kind = _kind_value(resource.kind)
            while t < end:
                following = min((t // 3600 + 1) * 3600, end)
                local = datetime.fromtimestamp(t, PARIS)
                key = (resource.venue_id, kind, local.weekday(), local.hour)
                sums[heat_table][key] = sums[heat_table].get(key, 0) + following - t
                t = following
    return found


def add_created(connection: sa.Connection, created: list[Booking], homes: dict[int, int | None]) -> None:
    """The sums of bookings a flush created (``sums_in_memory``), written as pending (one row, one
    statement, nothing read first); a report adds them to the months built before it reads
    (``apply_pending``). On PostgreSQL the row's insert takes the pending table's lock, which a
    rebuild takes first (``_hold_the_sums``): a rebuild that comes first has committed before this
    booking can be written; one that comes after waits for this commit, then reads this booking and
    the pending sums together."""
    found = sums_in_memory(created, homes)
    sums = {
        month.isoformat(): {
            name: [
                [*key, *(measures if isinstance(measures, tuple) else (measures,))] for key, measures in groups.items()
            ]
            for name, groups in ((t.name, found[month][t]) for t in found[month])
        }
        for month in sorted(found)
    }
    if sums:
        connection.execute(sa.insert(pending_table), [{"sums": json.dumps(sums, sort_keys=True)}])


def apply_pending(connection: sa.Connection) -> bool:
    """Add the pending sums of the bookings created (``add_created``) to the months built and their
    years when built, and remove them (those of a month not built are dropped: its build counts the
    bookings). Every writer of the sums takes the pending table first (PostgreSQL), then the list
    of months built, then the sums: no two wait for each other in turn. True when some were pending."""
    taken = connection.execute(pending_table.delete().returning(pending_table.c.id, pending_table.c.sums)).all()
    if not taken:
        return False
    built = {(span, begun) for span, begun in connection.execute(sa.select(built_table.c.span, built_table.c.month))}
    tables = {table.name: table for table in (usage_table, home_table, heat_table)}
    by_month: dict[date, dict[sa.Table, dict[tuple, list[int]]]] = {}
    for _id, text in sorted(taken):
        for month_text, sums in json.loads(text).items():
            month = date.fromisoformat(month_text)
            if (MONTH, month) not in built:
                continue  # built from the bookings when first read
            for name, rows in sums.items():
                table = tables[name]
                width = len([c for c in table.c if c.primary_key]) - 2
                groups = by_month.setdefault(month, {}).setdefault(table, {})
                for row in rows:
                    key, measures = tuple(row[:width]), row[width:]
                    groups[key] = [a + b for a, b in zip(groups.get(key, [0] * len(measures)), measures, strict=True)]
    for month, sums in sorted(by_month.items()):
        chosen = [(MONTH, month)]
        if (YEAR, month.replace(month=1)) in built:
            chosen.append((YEAR, month.replace(month=1)))
        for table, groups in sums.items():
            keys = [c.name for c in table.c if c.primary_key and c.name not in ("span", "month")]
            values = [c for c in table.c if not c.primary_key]
            rows = [
                dict(zip(keys, key, strict=True)) | dict(zip([c.name for c in values], measures, strict=True))
                for key, measures in groups.items()
            ]
            if rows:
                _add(connection, table, rows, 1, chosen)
                # sums taken away meanwhile (a booking cancelled before its creation's sums were
                # added) may come back to zero here: such a group goes, as a rebuild would not write it
                connection.execute(table.delete().where(within(table, chosen), *[c == 0 for c in values]))
    return True


def _lock_pending(connection: sa.Connection) -> None:
    """PostgreSQL: the pending table's lock, taken before the months built and the sums by whoever
    writes them (``apply``), as a rebuild takes it (``_hold_the_sums``)."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text(f"LOCK TABLE {pending_table.name} IN ROW EXCLUSIVE MODE"))


def _homes(connection: sa.Connection, users: set[int]) -> dict[int, int | None]:
    """The home venue of each of these members as the database holds it now (None: no membership)."""
    from app.reports import figures

    home = figures._home_venues()
    found = dict(connection.execute(sa.select(home.c.user_id, home.c.venue_id).where(home.c.user_id.in_(users))).all())
    return {user: found.get(user) for user in users}


@event.listens_for(orm.Session, "do_orm_execute")
def _note_statements(state: orm.ORMExecuteState) -> None:
    """A statement writing bookings, memberships, hand-overs or resources in bulk: every month is
    noted (``refresh``, ``flask reports rebuild``), unless it only sets columns no sum reads (the
    erasure of a purpose)."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) not in WATCHED:
        return
    if state.is_update and table.name == "bookings":
        values = getattr(state.statement, "_values", None) or {}
        names = {getattr(key, "key", key) for key in values}
        if names and not names & set(BOOKING_FIELDS) and not getattr(state.statement, "_ordered_values", None):
            return
    note_stale(state.session.connection(), None)


# --- Building a month -------------------------------------------------------------------------------


def _bounds(month: date) -> tuple[datetime, datetime, int, int]:
    from app.reports.periods import month_of

    period = month_of(month)
    return period.starts_at, period.ends_at, int(period.starts_at.timestamp()), int(period.ends_at.timestamp())


def _sums_of(
    month: date,
    connection: sa.Connection | orm.Session | None = None,
    where: Iterable[sa.ColumnElement] = (),
    tables: Iterable[sa.Table] = SUMS,
    homes: dict[int, int | None] | None = None,
) -> dict[sa.Table, list[dict]]:
    """A month's sums (of the bookings ``where`` chooses: all of them by default), computed from the
    bookings by the database, for the ``tables`` asked. ``homes``: each requester's home venue as
    given, instead of as the memberships say now."""
    from app.reports import figures
    from app.reports.sql import epoch, greatest, least

    run = connection if connection is not None else db.session
    tables = set(tables)
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
        *where,
    ]
    found: dict[sa.Table, list[dict]] = {}
    if usage_table in tables:
        organisation = sa.func.coalesce(Booking.organisation_id, 0)
        found[usage_table] = [
            {"resource_id": r, "organisation_id": o, "n": int(n), "seconds": int(t), "unit_seconds": int(u)}
            for r, o, n, t, u in run.execute(
                sa.select(Booking.resource_id, organisation, *measures)
                .where(*crossing)
                .group_by(Booking.resource_id, organisation)
            )
        ]
    if home_table in tables:
        if homes is None:
            home = figures._home_venues()
        else:
            pairs = [(user, venue) for user, venue in sorted(homes.items()) if venue is not None]
            home = (
                sa.union_all(
                    *[sa.select(sa.literal(u).label("user_id"), sa.literal(v).label("venue_id")) for u, v in pairs]
                ).subquery("home")
                if pairs
                else None
            )
        found[home_table] = (
            [
                {"resource_id": r, "home_venue_id": h, "n": int(n), "seconds": int(t), "unit_seconds": int(u)}
                for r, h, n, t, u in run.execute(
                    sa.select(Booking.resource_id, home.c.venue_id, *measures)
                    .join(home, home.c.user_id == Booking.requester_id)
                    .where(*crossing)
                    .group_by(Booking.resource_id, home.c.venue_id)
                )
            ]
            if home is not None
            else []
        )
    if heat_table in tables:
        found[heat_table] = [
            {"venue_id": v, "kind": _kind_value(k), "weekday": int(d), "hour": int(h), "seconds": int(t)}
            for v, k, d, h, t in run.execute(
                figures.heat_statement(
                    figures.month_period(month),
                    [*crossing, Resource.kind.in_([ResourceKind.SPACE, ResourceKind.MACHINE])],
                    by=(Resource.venue_id, Resource.kind),
                )
            )
        ]
    if communes_table in tables:
        found[communes_table] = [
            {"resource_id": r, "commune": c, "n": int(n)}
            for r, c, n in run.execute(
                sa.select(Booking.resource_id, KitCheck.commune, sa.func.count())
                .join(Booking, Booking.id == KitCheck.booking_id)
                .where(KitCheck.kind == KitCheckKind.HANDOVER, Booking.starts_at >= starts_at, *crossing)
                .group_by(Booking.resource_id, KitCheck.commune)
            )
        ]
    return found


def apply(
    connection: sa.Connection,
    where: list[sa.ColumnElement],
    sign: int,
    *,
    tables: Iterable[sa.Table] = SUMS,
    but: Iterable[int] = (),
    homes: dict[int, int | None] | None = None,
    bounds: tuple[datetime, datetime] | None = None,
) -> None:
    """Add (``sign`` 1) or take away (-1) the sums of the bookings ``where`` chooses (less the ids
    ``but``), as the database holds them now, in every month built that they touch and in its year
    when built; a group whose sums come to zero goes, as a rebuild would not write it. Each month's
    sums are the same queries as its build (``_sums_of``), restricted to these bookings."""
    but = sorted(set(but))
    if but:
        where = [*where, Booking.id.notin_(but)]
    first, last = (
        bounds
        or connection.execute(
            sa.select(sa.func.min(Booking.starts_at), sa.func.max(Booking.ends_at)).where(*where)
        ).one()
    )
    if first is None:
        return
    _lock_pending(connection)
    # FOR SHARE on PostgreSQL: a rebuild (``_hold_the_sums``) waits for this transaction's commit
    built_now = sa.select(built_table.c.span, built_table.c.month).with_for_update(read=True)
    built = {(span, begun) for span, begun in connection.execute(built_now)}
    tables = tuple(tables)
    for month in sorted(months_of(first, last)):
        if (MONTH, month) not in built:
            continue  # built from the bookings when first read
        chosen = [(MONTH, month)]
        if (YEAR, month.replace(month=1)) in built:
            chosen.append((YEAR, month.replace(month=1)))
        for table, rows in _sums_of(month, connection, where, tables, homes).items():
            if not rows:
                continue
            _add(connection, table, rows, sign, chosen)
            values = [c for c in table.c if not c.primary_key]
            # Sums only grow when added to (a group at zero was already gone): only a taking away,
            # or a row of zeros, can leave a group at zero.
            if sign < 0 or any(all(not row[c.name] for c in values) for row in rows):
                connection.execute(table.delete().where(within(table, chosen), *[c == 0 for c in values]))


def _add(connection: sa.Connection, table: sa.Table, rows: list[dict], sign: int, chosen: list[Span]) -> None:
    """Each row's values added (times ``sign``) to its group's, the group made when missing."""
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    keys = [c.name for c in table.c if c.primary_key]
    values = [c.name for c in table.c if not c.primary_key]
    statement = insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=keys, set_={name: table.c[name] + statement.excluded[name] for name in values}
    )
    ordered = sorted(rows, key=lambda row: tuple(str(row[name]) for name in keys if name in row))
    # in the order of their keys, so that two transactions adding to the same groups take their
    # locks in the same order (PostgreSQL), and neither waits for the other in turn
    connection.execute(
        statement,
        [
            {**row, "span": span, "month": begun, **{name: sign * row[name] for name in values}}
            for span, begun in chosen
            for row in ordered
        ],
    )


def _kind_value(kind) -> str:
    return kind.value if isinstance(kind, ResourceKind) else str(kind)


def build_month(month: date) -> bool:
    """Rebuild one month's sums in a savepoint (its year's sums go: they are summed again when next
    read); False when another process wrote them meanwhile."""
    found = _sums_of(month)
    for rows in found.values():
        for row in rows:
            row["span"], row["month"] = MONTH, month
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
            for table, rows in found.items():
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


def _hold_the_sums() -> None:
    """Before a rebuild on PostgreSQL: no change writes to the sums until it commits, and it starts
    once the changes that wrote to them have committed (SQLite's ``BEGIN IMMEDIATE`` already
    serialises every transaction)."""
    if db.session.get_bind().dialect.name == "postgresql":
        # in the order changes take them: the pending sums, the months built, the sums
        names = ", ".join(table.name for table in (pending_table, built_table, *SUMS))
        db.session.execute(sa.text(f"LOCK TABLE {names} IN EXCLUSIVE MODE"))


def refresh(chosen: Iterable[Span]) -> None:
    """Make the sums of these spans current: build the months never built or noted since (and the
    years they belong to), remove the notes read, and commit (a report is a GET: nothing else of the
    request is written)."""
    chosen = sorted(set(chosen))
    if not chosen:
        return
    if apply_pending(db.session.connection()):
        db.session.commit()  # at once: a rebuild below waits for creations in flight holding nothing
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
    _hold_the_sums()
    apply_pending(db.session.connection())  # those committed before the lock, before the months are built
    for month in todo:
        build_month(month)
    for year in years:
        build_year(year)
    if notes:
        db.session.execute(stale_table.delete().where(stale_table.c.id.in_([note.id for note in notes])))
    db.session.commit()


def rebuild_all() -> int:
    """Every month from the first booking's to the last one's, from scratch (``flask reports rebuild``)."""
    _hold_the_sums()
    for table in (*SUMS, built_table, stale_table, pending_table):
        db.session.execute(table.delete())
    first, last = db.session.execute(sa.select(sa.func.min(Booking.starts_at), sa.func.max(Booking.ends_at))).one()
    months = months_between(_paris_date(first), _paris_date(last)) if first is not None else []
    for month in months:
        build_month(month)
    for year in sorted({month.replace(month=1) for month in months}):
        build_year(year)
    db.session.commit()
    return len(months)
