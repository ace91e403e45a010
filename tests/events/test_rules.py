"""Events book their space through the engine: collisions, moves, cancellation, no agreement."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.agreements.models import Agreement
from app.bookings import service
from app.events import registrations, rules
from app.events.models import EventStatus, RegistrationStatus
from app.extensions import db
from app.models import Booking, BookingKind, BookingStatus, Closure
from app.notifications.models import OutboxMessage
from tests.events.conftest import draft, evening


def _outbox_to(address: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == address).order_by(OutboxMessage.id))
    )


def test_creating_an_event_books_its_space_without_agreement_nor_email(world):
    start, end = evening()
    [event] = rules.create_event(draft(world, start, end), world.manager)
    db.session.commit()
    booking = event.booking
    assert booking.kind == BookingKind.EVENT and booking.status == BookingStatus.APPROVED
    assert (booking.starts_at, booking.ends_at, booking.price_cents) == (start, end, 0)
    assert db.session.scalar(select(func.count(Agreement.id))) == 0
    assert _outbox_to(world.manager.email) == []


def test_a_member_cannot_book_over_an_event(world):
    start, end = evening()
    rules.create_event(draft(world, start, end), world.manager)
    db.session.flush()
    check = service.check_booking(world.hall, world.member, start + timedelta(hours=1), end + timedelta(hours=1))
    assert service.Code.ALREADY_BOOKED in check.codes


def test_an_event_over_a_booking_or_a_closure_is_refused_with_the_engines_reasons(world):
    start, end = evening()
    booking = service.request_booking(world.hall, world.member, start, end)
    service.approve(booking, world.manager)
    with pytest.raises(service.Refusal) as refused:
        rules.create_event(draft(world, start, end), world.manager)
    assert service.Code.ALREADY_BOOKED in refused.value.codes
    later, later_end = evening(12)
    db.session.add(
        Closure(venue_id=world.venue.id, starts_at=later - timedelta(hours=3), ends_at=later_end, reason="Travaux")
    )
    db.session.flush()
    with pytest.raises(service.Refusal) as closed:
        rules.create_event(draft(world, later, later_end), world.manager)
    assert service.Code.CLOSURE in closed.value.codes


def test_only_the_venues_managers_create_its_events_and_capacity_fits_the_space(world):
    start, end = evening()
    with pytest.raises(service.Refusal):
        rules.create_event(draft(world, start, end), world.other_manager)
    with pytest.raises(service.Refusal) as refused:
        rules.create_event(draft(world, start, end, capacity=41), world.manager)
    assert "capacity" in refused.value.codes
    assert db.session.scalar(select(func.count(Booking.id))) == 0


def test_moving_an_event_moves_its_booking_or_is_refused(world):
    start, end = evening()
    [event] = rules.create_event(draft(world, start, end), world.manager)
    registrations.register(event, name="Ana", email="ana@test.example", consent=True)
    other_start, other_end = evening(11)
    service.approve(service.request_booking(world.hall, world.member, other_start, other_end), world.manager)
    with pytest.raises(service.Refusal) as refused:
        rules.update_event(event, draft(world, other_start, other_end), world.manager)
    assert service.Code.ALREADY_BOOKED in refused.value.codes
    new_start, new_end = start + timedelta(hours=1), end + timedelta(hours=1)
    assert rules.update_event(event, draft(world, new_start, new_end), world.manager) is True
    db.session.commit()
    assert (event.booking.starts_at, event.booking.ends_at) == (new_start, new_end)
    assert event.booking.status == BookingStatus.APPROVED
    assert (event.starts_at, event.ends_at) == (new_start, new_end)
    assert any("Nouvel horaire" in m.subject for m in _outbox_to("ana@test.example"))
    assert db.session.scalar(select(func.count(Agreement.id))) == 1  # the member's booking's, not the event's


def test_cancelling_frees_the_space_and_tells_everyone_registered(world):
    start, end = evening()
    [event] = rules.create_event(draft(world, start, end, capacity=1), world.manager)
    registrations.register(event, name="Ana", email="ana@test.example", consent=True)
    registrations.register(event, name="Bo", email="bo@test.example", consent=True)
    assert rules.cancel_event(event, world.manager, "Intempéries") == 2
    db.session.commit()
    assert event.status == EventStatus.CANCELLED and event.booking.status == BookingStatus.CANCELLED
    for address in ("ana@test.example", "bo@test.example"):
        assert any("annulé" in m.subject for m in _outbox_to(address))
    assert service.check_booking(world.hall, world.member, start, end).ok
    assert _outbox_to(world.manager.email) == []


def test_registration_waitlist_and_private_cancel(world):
    start, end = evening()
    [event] = rules.create_event(draft(world, start, end, capacity=2), world.manager)
    first = registrations.register(event, name="Ana", email="ana@test.example", consent=True)
    registrations.register(event, user=world.member)
    third = registrations.register(event, name="Cy", email="cy@test.example", consent=True)
    assert third.status == RegistrationStatus.WAITLISTED
    with pytest.raises(service.Refusal) as refused:
        registrations.register(event, name="Ana", email="ANA@test.example", consent=True)
    assert refused.value.reasons[0].field == "email"
    with pytest.raises(service.Refusal) as refused:
        registrations.register(event, name="", email="nope", consent=False)
    assert {r.field for r in refused.value.reasons} == {"name", "email", "consent"}
    found = registrations.by_token(first.token)
    assert found is first
    promoted = registrations.cancel_registration(found)
    db.session.commit()
    assert promoted is third and third.status == RegistrationStatus.CONFIRMED
    assert [m.subject for m in _outbox_to("cy@test.example")][-1].startswith("Une place s'est libérée")


def test_members_only_events_need_a_member(world):
    start, end = evening()
    [event] = rules.create_event(draft(world, start, end, members_only=True), world.manager)
    with pytest.raises(service.Refusal):
        registrations.register(event, name="Ana", email="ana@test.example", consent=True)
    assert registrations.register(event, user=world.member).status == RegistrationStatus.CONFIRMED
