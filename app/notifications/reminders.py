"""Reminders, sent by ``flask reminders`` (once a day from cron, in the morning). No request here.

| kind | when | to whom |
| --- | --- | --- |
| ``booking_tomorrow`` | an approved booking starts tomorrow (Paris day) | the requester |
| ``kit_due_today`` | a kit handed over must come back today | the requester |
| ``kit_overdue`` | a kit handed over is past its end | the requester and the venue's managers |
| ``agreement_waiting`` | an agreement waits for acceptance for ``AGREEMENT_REMINDER_DAYS`` days | the borrower |
| newcomers | a test-space request waits for the venue's answer | its venue (``app.newcomers.upkeep``) |

Each reminder is recorded (``SentReminder``: kind + booking or agreement) with an insert that
does nothing when the row exists, in the transaction that queues the email: a second run, even
at the same moment, sends nothing twice. One person gets one email per kind, listing their bookings.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from app.core.clock import paris_to_utc, to_paris
from app.extensions import db
from app.models import Booking, BookingStatus, Resource, ResourceKind, User, utcnow
from app.notifications.compose import notify
from app.notifications.links import absolute_url, booking_url
from app.notifications.models import SentReminder
from app.notifications.settings import setting
from app.notifications.subscribers import venue_staff

EMAILS = "notifications/email/"


def record_once(kind: str, subject_id: int, now: datetime) -> bool:
    """Write down that this reminder goes out; False when it already went (or is going) out."""
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(SentReminder)
        .values(kind=kind, subject_id=subject_id, sent_at=now)
        .on_conflict_do_nothing(index_elements=["kind", "subject_id"])
        .returning(SentReminder.id)
    )
    return db.session.execute(statement).first() is not None


def _paris_day(now: datetime, offset: int = 0) -> tuple[datetime, datetime]:
    day = to_paris(now).date() + timedelta(days=offset)
    return paris_to_utc(day, time(0)), paris_to_utc(day + timedelta(days=1), time(0))


def _new_only(kind: str, bookings: Iterable[Booking], now: datetime) -> dict[User, list[Booking]]:
    """The bookings not reminded of yet (recording them now), by requester."""
    by_person: dict[User, list[Booking]] = {}
    for booking in bookings:
        if record_once(kind, booking.id, now):
            by_person.setdefault(booking.requester, []).append(booking)
    return by_person


def _bookings(*conditions) -> list[Booking]:
    return list(
        db.session.scalars(
            select(Booking)
            .join(Resource, Booking.resource_id == Resource.id)
            .where(*conditions)
            .order_by(Booking.starts_at, Booking.id)
        )
    )


def _remind(kind: str, by_person: dict[User, list[Booking]]) -> int:
    for person, bookings in by_person.items():
        notify(
            person, EMAILS + "reminder_" + kind, bookings=bookings, booking=bookings[0], link=booking_url(bookings[0])
        )
    return sum(len(bookings) for bookings in by_person.values())


def bookings_tomorrow(now: datetime) -> int:
    start, end = _paris_day(now, 1)
    due = _bookings(Booking.status == BookingStatus.APPROVED, Booking.starts_at >= start, Booking.starts_at < end)
    return _remind("booking_tomorrow", _new_only("booking_tomorrow", due, now))


def kits_due_today(now: datetime) -> int:
    start, end = _paris_day(now)
    due = _bookings(
        Booking.status == BookingStatus.HANDED_OVER,
        Resource.kind == ResourceKind.KIT,
        Booking.ends_at >= max(start, now),
        Booking.ends_at < end,
    )
    return _remind("kit_due_today", _new_only("kit_due_today", due, now))


def kits_overdue(now: datetime) -> int:
    late = _bookings(
        Booking.status == BookingStatus.HANDED_OVER, Resource.kind == ResourceKind.KIT, Booking.ends_at < now
    )
    by_person = _new_only("kit_overdue", late, now)
    for bookings in by_person.values():
        for booking in bookings:
            for staff in venue_staff(booking.resource.venue):
                notify(
                    staff,
                    EMAILS + "reminder_kit_overdue_for_venue",
                    booking=booking,
                    bookings=[booking],
                    link=booking_url(booking),
                )
    return _remind("kit_overdue", by_person)


def agreements_waiting(now: datetime) -> int:
    from app.agreements.models import Agreement, AgreementStatus

    since = now - timedelta(days=setting("AGREEMENT_REMINDER_DAYS"))
    waiting = db.session.scalars(
        select(Agreement)
        .where(Agreement.status == AgreementStatus.ISSUED, Agreement.issued_at <= since)
        .order_by(Agreement.issued_at, Agreement.id)
    ).all()
    count = 0
    for agreement in waiting:
        if record_once("agreement_waiting", agreement.id, now):
            notify(
                agreement.borrower,
                EMAILS + "reminder_agreement_waiting",
                agreement=agreement,
                link=absolute_url("agreements.show", agreement_id=agreement.id),
            )
            count += 1
    return count


def newcomer_requests(now: datetime) -> int:
    from app.newcomers.upkeep import send_reminders

    return len(send_reminders(now))


REMINDERS = {
    "booking_tomorrow": bookings_tomorrow,
    "kit_due_today": kits_due_today,
    "kit_overdue": kits_overdue,
    "agreement_waiting": agreements_waiting,
    "newcomer_request": newcomer_requests,
}


def send_reminders(now: datetime | None = None) -> dict[str, int]:
    """Queue every reminder due now; returns how many of each kind (the caller commits)."""
    now = now or utcnow()
    return {kind: remind(now) for kind, remind in REMINDERS.items()}
