"""The expressions whose spelling differs between SQLite and PostgreSQL, as SQLAlchemy constructs.

Moments are stored as naive UTC (``app.models.types.UTCDateTime``): seconds since the epoch are
``unixepoch(…)`` on SQLite (``julianday`` before 3.38) and ``EXTRACT(EPOCH FROM …)`` on PostgreSQL. With whole seconds,
durations and the cutting of a booking at a period's bounds are integer arithmetic, the same on both.
"""

from __future__ import annotations

import sqlite3

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement


class epoch(FunctionElement):
    """Whole seconds since 1970-01-01 UTC of a stored moment."""

    type = sa.BigInteger()
    inherit_cache = True


@compiles(epoch)
def _epoch_default(element, compiler, **kw):
    return f"CAST(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)}) AS BIGINT)"


HAS_UNIXEPOCH = sqlite3.sqlite_version_info >= (3, 38, 0)


@compiles(epoch, "sqlite")
def _epoch_sqlite(element, compiler, **kw):
    moment = compiler.process(element.clauses, **kw)
    if HAS_UNIXEPOCH:  # SQLite 3.38 and later: the fastest
        return f"unixepoch({moment})"
    # julianday() is about four times faster than strftime('%s', …); rounded to the second.
    return f"CAST(ROUND((julianday({moment}) - 2440587.5) * 86400.0) AS INTEGER)"


class least(FunctionElement):
    type = sa.BigInteger()
    inherit_cache = True


class greatest(FunctionElement):
    type = sa.BigInteger()
    inherit_cache = True


@compiles(least)
def _least(element, compiler, **kw):
    return f"LEAST({compiler.process(element.clauses, **kw)})"


@compiles(greatest)
def _greatest(element, compiler, **kw):
    return f"GREATEST({compiler.process(element.clauses, **kw)})"


@compiles(least, "sqlite")
def _least_sqlite(element, compiler, **kw):
    return f"MIN({compiler.process(element.clauses, **kw)})"


@compiles(greatest, "sqlite")
def _greatest_sqlite(element, compiler, **kw):
    return f"MAX({compiler.process(element.clauses, **kw)})"


def seconds_within(starts: sa.ColumnElement, ends: sa.ColumnElement, lower: int, upper: int) -> sa.ColumnElement:
    """The seconds of [starts, ends) that fall in [lower, upper) (epoch seconds); rows are chosen to overlap."""
    return least(epoch(ends), sa.literal(upper, sa.BigInteger)) - greatest(
        epoch(starts), sa.literal(lower, sa.BigInteger)
    )
