"""What the reports keep: the indexes they read through (migration ``0016_reports``) and the annual
report's texts (``0024_annual_texts``).

The indexes are declared here, on the tables they index, so that the models and the migrations agree
without the shared models changing.

- ``ix_bookings_ends_starts``: the bookings crossing a period (``ends_at > start AND starts_at < end``):
  the scan starts at the period and never reads the history before it.
- ``ix_test_space_requests_created``: the newcomers' requests made in a period.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models import Booking
from app.models.types import UTCDateTime, utcnow
from app.newcomers.models import TestSpaceRequest

bookings_ends_starts = sa.Index("ix_bookings_ends_starts", Booking.ends_at, Booking.starts_at)
requests_created = sa.Index("ix_test_space_requests_created", TestSpaceRequest.created_at)

FOREWORD = 0  # the ``venue_id`` of the foreword's row: it belongs to no venue


class AnnualReportText(db.Model):
    """One text of a year's annual report: the foreword (``venue_id`` 0) or a venue's paragraph. It is
    kept when the coordinator saves or generates, and offered again the next time."""

    __tablename__ = "annual_report_texts"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    venue_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    body: Mapped[str] = mapped_column(sa.Text)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
