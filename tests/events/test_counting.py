"""What the reports will count: events held, with registrations and attendance, by category."""

from __future__ import annotations

from datetime import timedelta

from app.events import registrations, rules
from app.events.counting import by_category, events_held
from app.extensions import db
from tests.events.conftest import draft, evening


def test_events_held_count_registrations_and_attendance_by_category(world, clock):
    start, end = evening(2)
    [apero] = rules.create_event(draft(world, start, end), world.manager)
    [meeting] = rules.create_event(
        draft(world, *evening(3), title="Réunion de pilotage", category=world.categories["reunion-de-pilotage"]),
        world.manager,
    )
    [cancelled] = rules.create_event(draft(world, *evening(4)), world.manager)
    people = [registrations.register(apero, name=f"P{i}", email=f"p{i}@test.example", consent=True) for i in range(3)]
    rules.cancel_event(cancelled, world.manager)
    db.session.commit()
    clock.move_to(evening(5)[0])
    registrations.mark_attendance(apero, world.manager, {people[0].id, people[1].id})
    db.session.commit()
    held = events_held(db.session, start - timedelta(days=1), start + timedelta(days=10), [world.venue.id])
    assert [e.event_id for e in held] == [apero.id, meeting.id]
    assert (held[0].registered, held[0].attended, held[0].theme_ids) == (3, 2, (world.theme.id,))
    counts = {c.category_slug: (c.events, c.registered, c.attended) for c in by_category(held)}
    assert counts == {"apero-tiers-lieux": (1, 3, 2), "reunion-de-pilotage": (1, 0, 0)}
    assert events_held(db.session, start - timedelta(days=1), start + timedelta(days=10), [world.other_venue.id]) == []
