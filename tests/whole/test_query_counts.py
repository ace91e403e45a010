"""The SQL statements of the busiest pages stay few, and do not grow with what the page shows:
a page that queried once per booking, per result or per request would fail here.

The demo consortium, with bookings on one space for a week and requests waiting at its venue's
desk; the counts are taken through the pages, as a browser asks for them.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from app.bookings import service
from app.bookings.hours import hours_for, intervals_on, public_holidays
from app.core.clock import paris_to_utc, paris_today
from app.core.refusals import Refusal
from app.demo.content import DEMO_PASSWORD
from app.demo.data import load_demo
from app.extensions import db
from app.models import Booking, BookingKind, Resource, User, Venue
from app.reports import rollup
from tests.helpers import csrf_token_from

# What each page may take at most: today's counts (lower them when a page gets cheaper). A page's
# count does not depend on how many bookings, results or requests it shows. What each one reads now:
# - every page: the person, loaded with her memberships (which the menu asks about);
# - the resource's page: the resource with its venue, its tariffs and photos joined, the hours that
#   rule it in one query (its own, else its venue's), the week's closures and bookings (and for a
#   machine or kit its outages), its guides and the projects made with it; the week alone (htmx)
#   leaves the tariffs, photos, guides and projects;
# - the search with a period: every kind's calendars and holds at once, which the checks of its
#   results take again; the results' tariffs and photos without reading them again; the member's
#   qualifications on its machines in one query; the ids of the matching resources only for a theme
#   or words;
# - the desk: a manager's venues from the memberships already read; each list of bookings with their
#   resources, requesters and organisations joined, then their photos; the changes asked for
#   approved bookings; the members' requests for a training; its total is the menu's counter.
# Creating an approved booking through the form (issue 16): BEGIN, the person, the resource with its
# tariffs and whether anyone waits for it (no waitlist read when nobody waits), the opening hours and
# closures, the bookings holding the slot, the booking, its roll-up sums computed in memory as one
# pending row (a report adds them to the months built before it reads), the agreement's number, the
# agreement (its lead venue the resource's, already loaded) and its bookings, the audit trail, the
# outbox (its notices and its partners' webhook events as intents, which the sender expands: no
# managers, no endpoints read, no email rendered in the request): twelve. Nothing is read again after
# the commit.
MOST = {"resource": 8, "week": 6, "catalogue": 10, "search": 12, "desk": 8, "create": 12}


@contextmanager
def counted():
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _space() -> Resource:
    return db.session.scalar(
        select(Resource)
        .join(Venue)
        .where(Venue.slug == "la-machinerie", Resource.kind == "space")
        .order_by(Resource.id)
    )


def _book(resource: Resource, people: list[User], count: int, first_day, *, approve_with: User | None = None):
    """``count`` one-hour bookings of ``resource`` in its opening hours from ``first_day`` on (public
    holidays and the demo's events skipped)."""
    hours = hours_for([resource])[resource.id]
    made, day = 0, first_day
    while made < count:
        closed = day in public_holidays(day, day)  # a public holiday closes the venue
        for opens, closes in [] if closed else intervals_on(hours, day.weekday()):
            start = paris_to_utc(day, opens)
            while made < count and start + timedelta(hours=1) <= paris_to_utc(day, closes):
                try:
                    booking = service.request_booking(
                        resource, people[made % len(people)], start, start + timedelta(hours=1)
                    )
                except Refusal:  # taken by one of the demo's events: the next slot
                    start += timedelta(hours=2)
                    continue
                if approve_with is not None and booking.status.value == "pending":
                    service.approve(booking, approve_with)
                made += 1
                start += timedelta(hours=2)
        day += timedelta(days=1)
    db.session.commit()


@pytest.fixture
def demo(app):
    load_demo(production=False)
    db.session.commit()
    return app


def _pages(member, manager, resource_id: int, monday) -> dict[str, tuple]:
    week = f"{monday.isocalendar()[0]}-W{monday.isocalendar()[1]:02d}"
    start = f"{monday + timedelta(days=1)}T10:00"
    return {
        "resource": (member, f"/ressources/{resource_id}?semaine={week}", {}),
        "week": (
            member,
            f"/ressources/{resource_id}?semaine={week}",
            {"HX-Request": "true", "HX-Target": "calendrier"},
        ),
        "catalogue": (member, "/ressources/", {}),
        "search": (member, f"/ressources/?debut={start}&fin={start[:-5]}12:00", {}),
        "desk": (manager, "/gestion/demandes", {}),
    }


def _counts(member, manager, resource_id, monday) -> dict[str, int]:
    counts = {}
    for name, (client, url, headers) in _pages(member, manager, resource_id, monday).items():
        client.get(url, headers=headers)  # once before: what a worker loads once is not counted
        with counted() as seen:
            response = client.get(url, headers=headers)
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(seen)
    return counts


def test_pages_take_few_statements_whatever_they_show(demo):
    member, manager = demo.test_client(), demo.test_client()
    member.login("membre@example.org", DEMO_PASSWORD)
    manager.login("gestion.machinerie@example.org", DEMO_PASSWORD)
    space = _space()
    monday = paris_today() + timedelta(days=14 - paris_today().weekday())
    people = [_user(e) for e in ("membre@example.org", "artiste@example.org", "mediation@example.org")]
    outsider = _user("externe@example.org")

    _book(space, people, 4, monday, approve_with=_user("gestion.machinerie@example.org"))
    _book(space, [outsider], 2, monday + timedelta(days=3))
    few = _counts(member, manager, space.id, monday)

    _book(space, people, 12, monday + timedelta(days=1), approve_with=_user("gestion.machinerie@example.org"))
    _book(space, [outsider], 8, monday + timedelta(days=4))
    many = _counts(member, manager, space.id, monday)

    assert many == few, "a page's statements grew with its bookings or requests"
    for name, count in many.items():
        assert count <= MOST[name], f"{name}: {count} statements (at most {MOST[name]})"


def test_creating_a_booking_through_the_form_takes_few_statements(demo):
    demo.config["OUTBOX_DELIVER_ON_COMMIT"] = False  # as in production: the worker sends
    member = demo.test_client()
    member.login("membre@example.org", DEMO_PASSWORD)
    space = _space()
    monday = paris_today() + timedelta(days=14 - paris_today().weekday())
    week = f"{monday.isocalendar()[0]}-W{monday.isocalendar()[1]:02d}"
    page = member.get(f"/ressources/{space.id}?semaine={week}").get_data(as_text=True)
    link = re.search(r'href="(/ressources/\d+/reserver\?debut=([^&]+)&amp;fin=([^"]+))"', page)
    form = member.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    data = {
        "csrf_token": csrf_token_from(form),
        "starts_at": link.group(2),
        "ends_at": link.group(3),
        "quantity": "1",
        "repeat": "none",
    }
    url = f"/ressources/{space.id}/reserver"  # (read here: the test's own session is not counted)
    rollup.rebuild_all()  # as once a report has been read: the booking adds its sums to the months built
    with counted() as seen:
        response = member.post(url, data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    db.session.expire_all()
    # (the demo's training at La Machinerie holds this space too, as an event's booking)
    booking = db.session.scalars(
        select(Booking).where(Booking.resource_id == space.id, Booking.kind == BookingKind.MEMBER)
    ).one()
    assert booking.status.value == "approved" and booking.requester.email == "membre@example.org"
    # PostgreSQL counts no BEGIN, but takes the resource's row lock and writes the booking in a
    # savepoint (its exclusion constraint's refusal): two more.
    most = MOST["create"] + (2 if db.engine.dialect.name == "postgresql" else 0)
    assert len(seen) <= most, f"create: {len(seen)} statements (at most {most})"
