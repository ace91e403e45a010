"""Agreement numbers: ``FNT-<year>-<nnnn>``, unique per year, without gaps, under concurrent approvals.

One counter row per year. Taking a number is a single ``UPDATE … SET last_number = last_number + 1
… RETURNING last_number``: on PostgreSQL the UPDATE takes the row's lock (the same lock as
``SELECT … FOR UPDATE``) until the approval's transaction ends, so a concurrent approval waits and
then reads the incremented value; on SQLite every transaction already holds the database's write
lock (``BEGIN IMMEDIATE``). A rolled-back approval rolls its increment back with it: no gap. The
unique constraint on (number, version) is the last line of defence.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
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


def _ensure_counter(year: int) -> None:
    """Create the year's counter row unless it exists (two first approvals of a year may race)."""
    dialect = db.session.get_bind().dialect.name
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect)
    if insert is None:  # pragma: no cover - only PostgreSQL and SQLite are supported
        raise RuntimeError(f"unsupported database: {dialect}")
    statement = insert(AgreementCounter).values(year=year, last_number=0).on_conflict_do_nothing()
    db.session.execute(statement)


def allocate(moment: datetime) -> tuple[int, int, str]:
    """Take the next number of the year of ``moment``: (year, sequence, number)."""
    year = year_of(moment)
    _ensure_counter(year)
    sequence = db.session.execute(
        sa.update(AgreementCounter)
        .where(AgreementCounter.year == year)
        .values(last_number=AgreementCounter.last_number + 1)
        .returning(AgreementCounter.last_number)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    return year, sequence, format_number(year, sequence)
