"""Agreement numbers: ``FNT-<year>-<nnnn>``, unique per year, without gaps, under concurrent approvals.

One counter row per year. Taking a number is a single ``INSERT … ON CONFLICT (year) DO UPDATE SET
last_number = last_number + 1 RETURNING last_number``: on PostgreSQL the update takes the row's lock
(the same lock as ``SELECT … FOR UPDATE``) until the approval's transaction ends, so a concurrent
approval waits and then reads the incremented value; on SQLite every transaction already holds the database's write
lock (``BEGIN IMMEDIATE``). A rolled-back approval rolls its increment back with it: no gap. The
unique constraint on (number, version) is the last line of defence.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache

from sqlalchemy import bindparam
from sqlalchemy.dialects import postgresql, sqlite

from app.agreements.models import AgreementCounter
from app.core.clock import PARIS
from app.extensions import db

PREFIX = "FNT"


def format_number(year: int, sequence: int) -> str:
    return f"{PREFIX}-{year}-{sequence:04d}"


def year_of(moment: datetime) -> int:
    """Numbers follow the civil year in Amiens."""
    return moment.astimezone(PARIS).year


@cache
def _take_number(dialect: str):
    """The year ``:year``'s counter created at 1 or added 1 to, returning it (built once a dialect)."""
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect)
    if insert is None:  # pragma: no cover - only PostgreSQL and SQLite are supported
        raise RuntimeError(f"unsupported database: {dialect}")
    year = bindparam("year", type_=AgreementCounter.__table__.c.year.type)
    statement = insert(AgreementCounter).values(year=year, last_number=1)
    return (
        statement.on_conflict_do_update(
            index_elements=[AgreementCounter.year], set_={"last_number": AgreementCounter.last_number + 1}
        )
        .returning(AgreementCounter.last_number)
        .execution_options(synchronize_session=False)
    )


def allocate(moment: datetime) -> tuple[int, int, str]:
    """Take the next number of the year of ``moment``: (year, sequence, number), in one statement
    that creates the year's counter at 1 or adds 1 to it (two first approvals of a year may race:
    the second one waits for the first's row and adds to it)."""
    year = year_of(moment)
    statement = _take_number(db.session.get_bind().dialect.name)
    sequence = db.session.execute(statement, {"year": year}).scalar_one()
    return year, sequence, format_number(year, sequence)
