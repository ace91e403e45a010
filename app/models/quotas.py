"""Fair use: a resource's optional limits on the hours one member, or one organisation, may book
per calendar week or month (Europe/Paris). The limits are columns of the resource
(``Resource.quota_<scope>_<period>``, in hours, None for no limit); the booking rules enforce them
(``app.bookings.quotas``)."""

from __future__ import annotations

import enum


class QuotaScope(enum.StrEnum):
    """Whose hours are counted together."""

    MEMBER = "member"  # the person who books
    ORGANISATION = "organisation"  # every member of the organisation they book for


class QuotaPeriod(enum.StrEnum):
    WEEK = "week"  # Monday 00:00 to Monday 00:00, Paris time
    MONTH = "month"  # the 1st 00:00 to the next 1st 00:00, Paris time


# The resource's columns, one per scope and period.
QUOTA_COLUMNS = {
    (scope, period): f"quota_{scope.value}_{period.value}" for scope in QuotaScope for period in QuotaPeriod
}
