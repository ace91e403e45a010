"""Seats under concurrency on both databases, the reminder the day before, attendance at a training."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import time, timedelta

import pytest
from sqlalchemy import select

from app.bookings import service
from app.core.clock import paris_to_utc, to_paris
from app.events import registrations, rules
from app.events.models import Event, Registration, RegistrationStatus
from app.extensions import db
from app.fairuse.training import upcoming_training_sessions
from app.notifications.models import OutboxMessage
from app.notifications.reminders import send_reminders
from tests.events.conftest import draft, evening

THREADS = 20


def _race(app, work, arguments):
    barrier = threading.Barrier(len(arguments))

    def attempt(args):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                result = work(*args)
                db.session.commit()
                return "ok", result
            except service.Refusal as refusal:
                db.session.rollback()
                return "refused", tuple(refusal.codes)
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=len(arguments)) as pool:
        return list(pool.map(attempt, arguments))


def test_twenty_people_registering_at_once_for_five_seats(app, world):
    start, end = evening()
    [event] = rules.create_event(draft(world, start, end, capacity=5), world.manager)
    event_id = event.id
    # The emails stay in the outbox: delivering each at its commit would take a second connection
    # per thread, beyond the pool's, while the thread holds its first.
    app.config["OUTBOX_DELIVER_ON_COMMIT"] = False
    db.session.commit()  # the test's session reads nothing from here on (SQLite: a read would take the lock)

    def register(index):
        found = db.session.get(Event, event_id)
        return registrations.register(
            found, name=f"Personne {index}", email=f"p{index}@test.example", consent=True
        ).status

    results = _race(app, register, [(i,) for i in range(THREADS)])

    assert Counter(outcome for outcome, _ in results) == {"ok": THREADS}
    assert Counter(status for _, status in results) == {
        RegistrationStatus.CONFIRMED: 5,
        RegistrationStatus.WAITLISTED: THREADS - 5,
    }
    stored = Counter(db.session.scalars(select(Registration.status).where(Registration.event_id == event_id)))
    assert stored == {RegistrationStatus.CONFIRMED: 5, RegistrationStatus.WAITLISTED: 15}


def test_the_reminder_goes_out_the_day_before_once(world, clock):
    start, end = evening(10)
    [event] = rules.create_event(draft(world, start, end), world.manager)
    registrations.register(event, name="Ana", email="ana@test.example", consent=True)
    waiting = rules.create_event(draft(world, *evening(12)), world.manager)[0]
    registrations.register(waiting, name="Ana", email="ana@test.example", consent=True)
    db.session.commit()
    clock.move_to(paris_to_utc(to_paris(start).date() - timedelta(days=1), time(8)))
    assert send_reminders()["event_tomorrow"] == 1
    assert send_reminders()["event_tomorrow"] == 0
    db.session.commit()
    subjects = list(
        db.session.scalars(select(OutboxMessage.subject).where(OutboxMessage.to_address == "ana@test.example"))
    )
    assert subjects.count("C'est demain : Apéro tiers-lieux") == 1


def test_attendance_at_a_training_grants_a_qualification_the_engine_accepts(world, clock):
    atelier = next(r for r in world.other_venue.resources if r.slug == "atelier")
    start, end = evening(5, hour=14)
    [training] = rules.create_event(
        draft(
            world,
            start,
            end,
            title="Formation découpe laser",
            category=world.categories["formation"],
            resource=atelier,
            capacity=6,
            machine_type="decoupe-laser",
        ),
        world.other_manager,
    )
    # Refused for lack of qualification, the member sees the next training for that machine.
    later = start + timedelta(days=3)
    check = service.check_booking(world.laser, world.member, later, later + timedelta(hours=1))
    assert service.Code.QUALIFICATION_REQUIRED in check.codes
    assert [s.title for s in upcoming_training_sessions(world.laser)] == ["Formation découpe laser"]
    registration = registrations.register(training, user=world.member)
    absent = registrations.register(training, name="Bo", email="bo@test.example", consent=True)
    db.session.commit()
    with pytest.raises(service.Refusal):
        registrations.mark_attendance(training, world.other_manager, {registration.id})
    clock.move_to(end + timedelta(minutes=5))
    result = registrations.mark_attendance(
        training, world.other_manager, {registration.id}, consortium_wide=True, expires_on=None
    )
    db.session.commit()
    assert result.attended == 1 and len(result.qualified) == 1
    assert result.qualified[0].recognised_consortium_wide and result.qualified[0].machine_type == "decoupe-laser"
    assert result.qualified[0].note == f"Formation du {to_paris(start).date().isoformat()}"  # its day in Paris
    assert (registration.attended, absent.attended) == (True, False)
    assert service.check_booking(world.laser, world.member, later, later + timedelta(hours=1)).ok


def test_a_night_trainings_qualification_says_its_day_in_paris(world, clock):
    """A training from 0:30 in Paris (still the day before in UTC): the qualification it grants
    says the day the attendees were there, Paris's."""
    from app.core.clock import paris_today
    from app.models import OpeningHours

    atelier = next(r for r in world.other_venue.resources if r.slug == "atelier")
    for weekday in range(7):  # the workshop open day and night (its own hours)
        db.session.add(
            OpeningHours(
                venue_id=atelier.venue_id, resource_id=atelier.id, weekday=weekday, opens=time(0), closes=time(23, 59)
            )
        )
    day = paris_today() + timedelta(days=5)
    start = paris_to_utc(day, time(0, 30))
    assert start.date() != day  # the day before, in UTC
    [training] = rules.create_event(
        draft(
            world,
            start,
            start + timedelta(hours=1),
            title="Formation découpe laser de nuit",
            category=world.categories["formation"],
            resource=atelier,
            capacity=6,
            machine_type="decoupe-laser",
        ),
        world.other_manager,
    )
    registration = registrations.register(training, user=world.member)
    db.session.commit()
    clock.move_to(start + timedelta(hours=1, minutes=5))
    result = registrations.mark_attendance(training, world.other_manager, {registration.id})
    db.session.commit()
    assert [q.note for q in result.qualified] == [f"Formation du {day.isoformat()}"]
