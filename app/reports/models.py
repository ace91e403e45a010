"""The indexes the reports read through (migration ``0016_reports``); the reports own no table.

They are declared here, on the tables they index, so that the models and the migrations agree
without the shared models changing.

- ``ix_bookings_ends_starts``: the bookings crossing a period (``ends_at > start AND starts_at < end``):
  the scan starts at the period and never reads the history before it.
- ``ix_test_space_requests_created``: the newcomers' requests made in a period.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.models import Booking
from app.newcomers.models import TestSpaceRequest

bookings_ends_starts = sa.Index("ix_bookings_ends_starts", Booking.ends_at, Booking.starts_at)
requests_created = sa.Index("ix_test_space_requests_created", TestSpaceRequest.created_at)
