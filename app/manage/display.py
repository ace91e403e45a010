"""How the administration pages show things: closures' periods and ends, the enumerations' labels
(available in every manage template)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask_babel import format_datetime
from flask_login import current_user

from app.core.access import is_coordinator
from app.core.clock import to_paris
from app.core.i18n import format_day
from app.core.i18n import gettext as _
from app.manage import bp
from app.models.labels import AUDIENCE_LABELS, RESOURCE_KIND_LABELS, TARIFF_LABELS, WEEKDAY_LABELS


def last_day(moment: datetime) -> str:
    """An end stored as the next midnight, shown as the last day included ("until the 26th")."""
    local = to_paris(moment)
    if local.time() == time(0, 0):
        return format_day((local - timedelta(days=1)).date(), "medium")
    return format_datetime(moment, "short")


def period_label(starts_at: datetime, ends_at: datetime) -> str:
    """A closure period in Paris time; whole days read as days."""
    start, end = to_paris(starts_at), to_paris(ends_at)
    if start.time() == time(0, 0) and end.time() == time(0, 0):
        last = (end - timedelta(days=1)).date()
        if last == start.date():
            return _("le %(day)s", day=format_day(start.date(), "medium"))
        return _(
            "du %(start)s au %(end)s inclus", start=format_day(start.date(), "medium"), end=format_day(last, "medium")
        )
    return _(
        "du %(start)s au %(end)s", start=format_datetime(starts_at, "short"), end=format_datetime(ends_at, "short")
    )


@bp.context_processor
def _labels():
    return {
        "kind_labels": RESOURCE_KIND_LABELS,
        "audience_labels": AUDIENCE_LABELS,
        "tariff_audience_labels": TARIFF_LABELS,
        "weekday_labels": WEEKDAY_LABELS,
        "last_day": last_day,
        "period_label": period_label,
        "is_coordinator": is_coordinator(current_user),
    }


def ratio(value: float) -> str:
    """A contrast ratio as people read it, cut (never rounded up) to two decimals: "4,32" in French."""
    from flask_babel import format_decimal

    return format_decimal(int(value * 100) / 100, format="0.##")
