"""Reminders (``flask reminders``): the right people, on the right day, never twice."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.bookings.service import approve, request_booking
from app.core.clock import paris_to_utc, to_paris
from app.extensions import db
from app.models import Booking, BookingStatus, Resource, User, utcnow
from app.notifications.reminders import send_reminders
from tests.factories.bookings import NOW, build_world, paris

# Sunday 28 March 2027, 8:00 in Paris: the morning run of the cron job.
MORNING = paris(2027, 3, 28, 8)


def booked(
    resource: Resource,
    requester: User,
    starts_at: datetime,
    ends_at: datetime,
    status: BookingStatus = BookingStatus.APPROVED,
    quantity: int = 1,
) -> Booking:
    """A booking as the engine leaves it (the engine's own rules are tested elsewhere)."""
    booking = Booking(
        resource=resource,
        requester=requester,
        starts_at=starts_at,
        ends_at=ends_at,
        holds_until=ends_at,
        exclusive=resource.is_exclusive,
        quantity=quantity,
        status=status,
    )
    db.session.add(booking)
    db.session.flush()
    return booking


def run(now: datetime) -> dict[str, int]:
    counts = send_reminders(now)
    db.session.commit()
    return counts


def subjects_to(outbox, address: str) -> list[str]:
    return [message["Subject"] for message in outbox.messages() if message["To"] == address]


def test_a_booking_tomorrow_is_recalled_once_to_its_requester_in_their_language(app, outbox):
    world = build_world()
    world.partner.locale = "en"
    booked(world.room, world.member, paris(2027, 3, 29, 10), paris(2027, 3, 29, 12))
    booked(world.room, world.member, paris(2027, 3, 29, 14), paris(2027, 3, 29, 15))
    booked(world.kit, world.partner, paris(2027, 3, 29, 9), paris(2027, 3, 29, 17))
    booked(world.room, world.other_member, paris(2027, 3, 29, 16), paris(2027, 3, 29, 17), BookingStatus.REQUESTED)
    booked(world.room, world.other_member, paris(2027, 3, 30, 10), paris(2027, 3, 30, 11))  # the day after
    db.session.commit()

    assert run(MORNING)["booking_tomorrow"] == 3
    (to_member,) = [m for m in outbox.messages() if m["To"] == world.member.email]
    assert to_member["Subject"] == "Rappel : vos 2 réservations de demain"  # one email for both
    text = outbox.text(to_member)
    assert "lundi 29 mars 2027, 10:00 – 12:00" in text and "lundi 29 mars 2027, 14:00 – 15:00" in text
    (to_partner,) = [m for m in outbox.messages() if m["To"] == world.partner.email]
    assert "Monday, 29 March 2027" in outbox.text(to_partner) and to_partner["Content-Language"] == "en"
    assert subjects_to(outbox, world.other_member.email) == []

    assert run(MORNING + timedelta(hours=2))["booking_tomorrow"] == 0  # a second run sends nothing
    assert len(outbox.messages()) == 2


def test_kits_to_return_today_and_overdue_ones(app, outbox):
    world = build_world()
    booked(world.kit, world.member, paris(2027, 3, 25, 10), paris(2027, 3, 28, 18), BookingStatus.HANDED_OVER)
    booked(world.kit, world.partner, paris(2027, 3, 22, 10), paris(2027, 3, 26, 18), BookingStatus.HANDED_OVER)
    booked(world.kit, world.outsider, paris(2027, 3, 22, 10), paris(2027, 3, 26, 18), BookingStatus.RETURNED)
    db.session.commit()

    counts = run(MORNING)
    assert (counts["kit_due_today"], counts["kit_overdue"]) == (1, 1)
    assert subjects_to(outbox, world.member.email) == ["Rappel : kit à rendre aujourd'hui : Kit vidéo"]
    assert subjects_to(outbox, world.partner.email) == ["Kit en retard : Kit vidéo"]
    (to_manager,) = [m for m in outbox.messages() if m["To"] == world.manager.email]
    assert to_manager["Subject"] == "Kit non rendu : Kit vidéo (Alex Durand)"
    assert world.partner.email in outbox.text(to_manager)
    assert subjects_to(outbox, world.outsider.email) == []

    # The next morning the first kit is late too; the second is not recalled again.
    counts = run(MORNING + timedelta(days=1))
    assert (counts["kit_due_today"], counts["kit_overdue"]) == (0, 1)
    assert subjects_to(outbox, world.member.email)[-1] == "Kit en retard : Kit vidéo"
    assert len(subjects_to(outbox, world.partner.email)) == 1


def test_an_agreement_left_unaccepted_is_recalled_once(app, outbox):
    world = build_world()
    booking = request_booking(world.room, world.member, paris(2027, 3, 29, 10), paris(2027, 3, 29, 12), now=NOW)
    approve(booking, world.manager, now=NOW)
    db.session.commit()
    issued = len(outbox.messages())

    assert run(utcnow() + timedelta(days=1))["agreement_waiting"] == 0  # too early
    assert run(utcnow() + timedelta(days=4))["agreement_waiting"] == 1
    reminder = outbox.last()
    assert reminder["To"] == world.member.email and reminder["Subject"].startswith("Rappel : convention FNT-")
    assert "/conventions/" in outbox.text(reminder)
    assert run(utcnow() + timedelta(days=5))["agreement_waiting"] == 0
    assert len(outbox.messages()) == issued + 1


def test_flask_reminders_for_cron(app, runner, outbox):
    world = build_world()
    tomorrow = to_paris(utcnow()).date() + timedelta(days=1)
    booked(
        world.room,
        world.member,
        paris_to_utc(tomorrow, datetime.min.time().replace(hour=10)),
        paris_to_utc(tomorrow, datetime.min.time().replace(hour=12)),
    )
    db.session.commit()
    result = runner.invoke(args=["reminders"])
    assert result.exit_code == 0, result.output
    assert "booking_tomorrow: 1" in result.output and "newcomer_request: 0" in result.output
    assert subjects_to(outbox, world.member.email) == ["Rappel : votre réservation de demain"]
    assert "booking_tomorrow: 0" in runner.invoke(args=["reminders"]).output
