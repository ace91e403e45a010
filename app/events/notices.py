"""The events' reminder: an email to every confirmed person the day before (``flask reminders``).

The other emails (confirmation, waitlist, moving up, change, cancellation, organisers' messages)
are written by the rules themselves, in the transaction of the change. Each reminder is recorded
once per registration (``record_once``): a second run the same day sends nothing twice.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from app.core.clock import paris_to_utc, to_paris
from app.events.models import Event, EventStatus, Registration, RegistrationStatus
from app.events.rules import _tell
from app.extensions import db
from app.notifications.reminders import record_once, reminder

KIND = "event_tomorrow"


@reminder(KIND)
def events_tomorrow(now: datetime) -> int:
    day = to_paris(now).date() + timedelta(days=1)
    start, end = paris_to_utc(day, time(0)), paris_to_utc(day + timedelta(days=1), time(0))
    due = db.session.scalars(
        select(Registration)
        .join(Event, Registration.event_id == Event.id)
        .where(
            Event.status == EventStatus.PUBLISHED,
            Event.starts_at >= start,
            Event.starts_at < end,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
        .order_by(Registration.id)
    )
    sent = 0
    for registration in due:
        if record_once(KIND, registration.id, now):
            _tell(registration, "events/email/reminder", event=registration.event)
            sent += 1
    return sent
