"""The reports' events section: the events held (cancelled ones left out), their registrations and
attendance, the encounters by category and by venue, and the people reached (counted once)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.clock import paris_today
from app.events import registrations, rules
from app.extensions import db
from app.reports import events, periods
from app.reports.figures import Filters, Report
from tests.events.conftest import build_events_world, draft, evening
from tests.helpers import log_in, text_of


@pytest.fixture()
def world(app):
    """The events' world (La Maison du Colonel hosts, La Machinerie beside it), not the reports' one."""
    return build_events_world()


def _report(first, *venues):
    period = periods.Period("dates", first, first + timedelta(days=10))
    return Report(Filters(period, tuple(v.id for v in venues)))


def test_encounters_by_category_and_venue_with_attendance_and_people_reached(world, clock):
    today = paris_today()
    start, end = evening(2)
    [apero] = rules.create_event(draft(world, start, end), world.manager)
    [meeting] = rules.create_event(
        draft(world, *evening(3), title="Réunion de pilotage", category=world.categories["reunion-de-pilotage"]),
        world.manager,
    )
    [cancelled] = rules.create_event(draft(world, *evening(4)), world.manager)
    people = [registrations.register(apero, name=f"P{i}", email=f"p{i}@test.example", consent=True) for i in range(3)]
    # Two of them come to the steering meeting too (its attendance is not marked: their seats count).
    for i in (0, 1):
        registrations.register(meeting, name=f"P{i}", email=f"P{i}@test.example", consent=True)
    registrations.register(cancelled, name="Q", email="q@test.example", consent=True)
    rules.cancel_event(cancelled, world.manager)
    db.session.commit()
    clock.move_to(evening(5)[0])
    registrations.mark_attendance(apero, world.manager, {people[0].id, people[1].id})
    db.session.commit()

    table = events.by_category(_report(today, world.venue))
    rows = {row["label"]: row for row in table.rows}
    assert set(rows) == {"Apéro tiers-lieux", "Réunion de pilotage"}
    apero_row, meeting_row = rows["Apéro tiers-lieux"], rows["Réunion de pilotage"]
    assert (apero_row["events"], apero_row["registrations"], apero_row["attended"], apero_row["reached"]) == (
        1,
        3,
        2,
        2,
    )
    assert (meeting_row["events"], meeting_row["registrations"], meeting_row["attended"], meeting_row["reached"]) == (
        1,
        2,
        0,
        2,
    )
    # P0 and P1 went to both: two people reached in all, not four.
    assert (table.totals["events"], table.totals["registrations"], table.totals["reached"]) == (2, 5, 2)

    by_venue = events.by_venue(_report(today, world.venue, world.other_venue))
    assert [(row["label"], row["events"]) for row in by_venue.rows] == [("La Maison du Colonel", 2)]
    assert events.by_venue(_report(today, world.other_venue)).rows == []


def test_the_reports_page_counts_the_encounters(client, world, clock):
    [apero] = rules.create_event(draft(world, *evening(2)), world.manager)
    registrations.register(apero, name="P", email="p@test.example", consent=True)
    db.session.commit()
    log_in(client, world.coordinator)
    today = paris_today()
    page = client.get(
        "/gestion/bilans/",
        query_string={"periode": "dates", "du": today.isoformat(), "au": (today + timedelta(days=10)).isoformat()},
    )
    text = text_of(page.get_data(as_text=True))
    assert page.status_code == 200
    assert "Rencontres par catégorie" in text and "Apéro tiers-lieux" in text
