"""Invoice and credit-note numbers: continuous per venue, per kind and per civil year, without
gaps, under concurrent approvals.

The same pattern as the agreements' numbers (``app.agreements.numbering``): one counter row per
(venue, kind, year), bumped by a single ``INSERT … ON CONFLICT DO UPDATE … RETURNING``. On
PostgreSQL the update holds the row's lock until the approval's transaction ends, so a concurrent
approval of the same venue waits, then reads the incremented value (another venue's approvals do
not wait); on SQLite every transaction holds the database's write lock. A rolled-back approval
rolls its increment back: no gap. The unique constraints on the invoice are the last line of defence.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite

from app.billing.models import PREFIXES, DocumentKind, InvoiceCounter, QuoteCounter
from app.core.clock import PARIS
from app.extensions import db


def format_number(kind: DocumentKind, year: int, sequence: int) -> str:
    return f"{PREFIXES[kind]}-{year}-{sequence:04d}"


def year_of(moment: datetime) -> int:
    return moment.astimezone(PARIS).year


def allocate(venue_id: int, kind: DocumentKind, moment: datetime) -> tuple[int, int, str]:
    """Take the venue's next number of this kind in the year of ``moment``: (year, sequence, number)."""
    year = year_of(moment)
    dialect = db.session.get_bind().dialect.name
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect)
    if insert is None:  # pragma: no cover - only PostgreSQL and SQLite are supported
        raise RuntimeError(f"unsupported database: {dialect}")
    statement = insert(InvoiceCounter).values(venue_id=venue_id, kind=kind, year=year, last_number=1)
    statement = statement.on_conflict_do_update(
        index_elements=[InvoiceCounter.venue_id, InvoiceCounter.kind, InvoiceCounter.year],
        set_={"last_number": InvoiceCounter.last_number + 1},
    ).returning(InvoiceCounter.last_number)
    sequence = db.session.execute(statement.execution_options(synchronize_session=False)).scalar_one()
    return year, sequence, format_number(kind, year, sequence)


def quote_prefix(venue_slug: str) -> str:
    return "D-" + venue_slug.upper()


def allocate_quote(venue_id: int, venue_slug: str, moment: datetime) -> tuple[int, int, str]:
    """The venue's next quote number in the year of ``moment``: D-<VENUE>-<year>-NNNN, no gap."""
    year = year_of(moment)
    dialect = db.session.get_bind().dialect.name
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect)
    if insert is None:  # pragma: no cover - only PostgreSQL and SQLite are supported
        raise RuntimeError(f"unsupported database: {dialect}")
    statement = insert(QuoteCounter).values(venue_id=venue_id, year=year, last_number=1)
    statement = statement.on_conflict_do_update(
        index_elements=[QuoteCounter.venue_id, QuoteCounter.year],
        set_={"last_number": QuoteCounter.last_number + 1},
    ).returning(QuoteCounter.last_number)
    sequence = db.session.execute(statement.execution_options(synchronize_session=False)).scalar_one()
    return year, sequence, f"{quote_prefix(venue_slug)}-{year}-{sequence:04d}"
