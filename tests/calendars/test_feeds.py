"""Calendar feeds, read back with the ``icalendar`` library as a calendar application would."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import vobject
from icalendar import Calendar

from app.bookings.service import approve, cancel, edit_booking, request_booking
from app.extensions import db
from tests.factories import PASSWORD
from tests.factories.bookings import NOW, paris

UTC = UTC
PARIS = ZoneInfo("Europe/Paris")


def feed_urls(client, user) -> list[str]:
    """The feed addresses shown on "Mon agenda" to this user (paths, without the host)."""
    client.login(user.email, PASSWORD)
    page = client.get("/agenda/")
    assert page.status_code == 200
    urls = re.findall(r'value="http://127\.0\.0\.1:5000(/agenda/[^"]+\.ics)"', page.get_data(as_text=True))
    client.logout()
    return urls


def read(reader, url: str) -> Calendar:
    response = reader.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.data)


def events(calendar: Calendar) -> list:
    return list(calendar.walk("VEVENT"))


def test_my_feed_keeps_one_event_per_booking_through_every_change(client, calendar_app, world):
    (mine,) = [url for url in feed_urls(client, world.member) if url.endswith("/mes-reservations.ics")]
    # Monday 29 March 2027, the day after summer time starts: 10:00 in Paris is 08:00 UTC.
    booking = request_booking(
        world.room, world.member, paris(2027, 3, 29, 10), paris(2027, 3, 29, 12), purpose="Atelier couture", now=NOW
    )
    winter = request_booking(world.room, world.member, paris(2027, 3, 26, 10), paris(2027, 3, 26, 12), now=NOW)
    db.session.commit()

    calendar = read(calendar_app, mine)
    assert calendar["REFRESH-INTERVAL"].to_ical() == b"PT1H"
    assert calendar["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert calendar["X-PUBLISHED-TTL"].to_ical() == b"PT1H"
    (vtimezone,) = calendar.walk("VTIMEZONE")
    assert vtimezone["TZID"] == "Europe/Paris"
    by_start = {event.decoded("DTSTART").astimezone(UTC): event for event in events(calendar)}
    summer, before = by_start[datetime(2027, 3, 29, 8, tzinfo=UTC)], by_start[datetime(2027, 3, 26, 9, tzinfo=UTC)]
    assert summer["DTSTART"].params["TZID"] == "Europe/Paris"
    assert summer["DTSTART"].to_ical() == b"20270329T100000" and before["DTSTART"].to_ical() == b"20270326T100000"
    assert summer.decoded("DTEND").astimezone(UTC) == datetime(2027, 3, 29, 10, tzinfo=UTC)
    # The feed's own VTIMEZONE says the same as the time-zone database, on both sides of the change.
    feed_zone = vtimezone.to_tz()
    for moment in (
        datetime(2027, 3, 26, 9, tzinfo=UTC),
        datetime(2027, 3, 29, 8, tzinfo=UTC),
        datetime(2027, 10, 31, 0, 30, tzinfo=UTC),
        datetime(2027, 10, 31, 1, 30, tzinfo=UTC),
    ):
        assert moment.astimezone(feed_zone).utcoffset() == moment.astimezone(PARIS).utcoffset()
    # The standard form that Outlook reads right: one yearly RRULE each for summer and winter, no RDATE.
    rules = {part.name: part for part in vtimezone.subcomponents}
    assert set(rules) == {"DAYLIGHT", "STANDARD"} and b"RDATE" not in vtimezone.to_ical()
    assert rules["DAYLIGHT"]["RRULE"].to_ical() == b"FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"
    assert rules["STANDARD"]["RRULE"].to_ical() == b"FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"
    # A second reader, vobject, builds the zone from the feed's VTIMEZONE alone and agrees.
    parsed = vobject.readOne(calendar_app.get(mine).get_data(as_text=True))
    starts = sorted(event.dtstart.value.astimezone(UTC) for event in parsed.vevent_list)
    assert starts == [datetime(2027, 3, 26, 9, tzinfo=UTC), datetime(2027, 3, 29, 8, tzinfo=UTC)]
    assert summer["STATUS"] == "TENTATIVE" and "Atelier couture" in summer["DESCRIPTION"]
    assert summer.decoded("DTSTAMP").tzinfo is not None and summer["DTSTAMP"].to_ical().endswith(b"Z")
    uid, sequences = str(summer["UID"]), [summer["SEQUENCE"]]
    assert uid != str(before["UID"])

    def current():
        (event,) = [e for e in events(read(calendar_app, mine)) if str(e["UID"]) == uid]
        sequences.append(event["SEQUENCE"])
        return event

    approve(booking, world.manager, now=NOW)
    db.session.commit()
    assert current()["STATUS"] == "CONFIRMED"
    edit_booking(booking, world.member, ends_at=paris(2027, 3, 29, 11), now=NOW)  # shorter: stays approved
    db.session.commit()
    assert current().decoded("DTEND").astimezone(UTC) == datetime(2027, 3, 29, 9, tzinfo=UTC)
    cancel(booking, world.member, "Plus besoin", now=NOW)
    db.session.commit()
    assert current()["STATUS"] == "CANCELLED"  # kept in the feed, so calendars strike it out
    assert sequences == sorted(set(sequences)) and len(sequences) == 4  # grew at every change
    assert len(events(read(calendar_app, mine))) == 2
    assert winter.id != booking.id


def test_feed_addresses_need_the_secret_and_die_when_it_is_renewed(client, calendar_app, world):
    assert client.get("/agenda/").status_code == 302  # the page needs a login
    (mine,) = [url for url in feed_urls(client, world.member) if url.endswith("/mes-reservations.ics")]
    assert calendar_app.get(mine).status_code == 200
    assert calendar_app.get("/agenda/pas-le-bon-secret/mes-reservations.ics").status_code == 404
    assert calendar_app.get("/agenda//mes-reservations.ics").status_code == 404

    assert mine in feed_urls(client, world.member)  # the same address on every visit
    client.login(world.member.email, PASSWORD)
    response = client.submit("/agenda/nouveau-lien", page="/agenda/")
    assert response.status_code == 303
    client.logout()
    (renewed,) = [url for url in feed_urls(client, world.member) if url.endswith("/mes-reservations.ics")]
    assert renewed != mine
    assert calendar_app.get(mine).status_code == 404
    assert calendar_app.get(renewed).status_code == 200

    world.member.active = False
    db.session.commit()
    assert calendar_app.get(renewed).status_code == 404


def test_a_resource_feed_shows_busy_times_to_those_who_may_book_it_and_nothing_about_people(
    client, calendar_app, world
):
    booking = request_booking(
        world.room, world.member, paris(2027, 3, 29, 10), paris(2027, 3, 29, 12), purpose="Réunion secrète", now=NOW
    )
    approve(booking, world.manager, now=NOW)
    db.session.commit()
    room_feed = f"/ressources/{world.room.id}.ics"
    (followed,) = [url for url in feed_urls(client, world.other_member) if url.endswith(room_feed)]
    body = calendar_app.get(followed).get_data(as_text=True)
    for private in ("Camille", "Martin", "Réunion secrète", world.member.email, "Jardins"):
        assert private not in body
    (event,) = events(read(calendar_app, followed))
    assert event["SUMMARY"] == "Occupé" and event["STATUS"] == "CONFIRMED"
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(2027, 3, 29, 8, tzinfo=UTC)

    # The room is for the consortium: an outsider's page does not offer it, and the address fails.
    outsider_urls = feed_urls(client, world.outsider)
    assert not any(url.endswith(room_feed) for url in outsider_urls)
    assert any(url.endswith(f"/ressources/{world.kit.id}.ics") for url in outsider_urls)  # the kit is open to all
    token = outsider_urls[0].split("/")[2]
    assert calendar_app.get(f"/agenda/{token}{room_feed}").status_code == 404


def test_a_venue_feed_is_for_its_managers_and_names_who_booked(client, calendar_app, world):
    request_booking(
        world.room, world.member, paris(2027, 3, 29, 10), paris(2027, 3, 29, 12), purpose="Atelier couture", now=NOW
    )
    db.session.commit()
    venue_feed = f"/lieux/{world.venue.slug}.ics"
    (followed,) = [url for url in feed_urls(client, world.manager) if url.endswith(venue_feed)]
    (event,) = events(read(calendar_app, followed))
    assert event["SUMMARY"] == "Salle de réunion — Camille Martin"
    assert "Les Jardins Partagés" in event["DESCRIPTION"] and "Atelier couture" in event["DESCRIPTION"]

    assert not any(url.endswith(venue_feed) for url in feed_urls(client, world.member))
    for outsider in (world.member, world.other_manager):
        token = feed_urls(client, outsider)[0].split("/")[2]
        assert calendar_app.get(f"/agenda/{token}{venue_feed}").status_code == 404
    coordinator_token = feed_urls(client, world.coordinator)[0].split("/")[2]
    assert calendar_app.get(f"/agenda/{coordinator_token}{venue_feed}").status_code == 200


def test_one_booking_downloads_as_ics_for_its_requester_and_its_managers_only(client, world):
    booking = request_booking(world.room, world.member, paris(2027, 3, 29, 10), paris(2027, 3, 29, 12), now=NOW)
    db.session.commit()
    url = f"/agenda/reservations/{booking.id}.ics"
    assert client.get(url).status_code == 302  # log in first

    client.login(world.member.email, PASSWORD)
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="reservation-{booking.id}.ics"'
    (event,) = events(Calendar.from_ical(response.data))
    assert event["SUMMARY"] == "Salle de réunion — La Machinerie"
    personal_uid = str(event["UID"])
    assert client.get(url, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    client.logout()

    client.login(world.manager.email, PASSWORD)
    (event,) = events(Calendar.from_ical(client.get(url).data))
    assert event["SUMMARY"] == "Salle de réunion — Camille Martin" and str(event["UID"]) == personal_uid
    client.logout()

    for stranger in (world.other_member, world.other_manager):
        client.login(stranger.email, PASSWORD)
        assert client.get(url).status_code == 404
        client.logout()
    client.login(world.coordinator.email, PASSWORD)
    assert client.get(url).status_code == 200
    assert client.get("/agenda/reservations/999999.ics").status_code == 404
