"""The programme outside the site: iCalendar (the programme, a venue's, one event), Atom (new
events), the printable A4 programme of the month (WeasyPrint), the venue's OpenStreetMap link.

The iCalendar files reuse the calendar feeds' Europe/Paris VTIMEZONE and product id
(``app.calendars.feeds``); times are written in Paris time with their TZID.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date, datetime, time
from urllib.parse import quote_plus
from xml.etree import ElementTree as ET

from flask import render_template
from icalendar import Calendar, vUri
from icalendar import Event as IcalEvent
from sqlalchemy import select

from app.calendars.feeds import PRODID, paris_timezone
from app.core.clock import PARIS, paris_to_utc
from app.core.i18n import gettext as _
from app.events.models import Event, EventStatus
from app.extensions import db
from app.models import Venue, utcnow
from app.notifications.links import absolute_url, site_domain

ATOM = "http://www.w3.org/2005/Atom"


def osm_url(venue: Venue) -> str:
    """A plain link to the venue's address on OpenStreetMap (nothing embedded, nothing fetched)."""
    return "https://www.openstreetmap.org/search?query=" + quote_plus(venue.address or venue.name)


def _ical_event(event: Event) -> IcalEvent:
    item = IcalEvent()
    item.add("uid", f"event-{event.id}@{site_domain()}")
    item.add("dtstamp", event.updated_at)
    item.add("last-modified", event.updated_at)
    item.add("created", event.created_at)
    item.add("dtstart", event.starts_at.astimezone(PARIS))
    item.add("dtend", event.ends_at.astimezone(PARIS))
    item.add("summary", event.title)
    item.add("location", ", ".join(p for p in (event.venue.name, event.resource.name, event.venue.address) if p))
    if event.description:
        item.add("description", event.description)
    item.add("url", absolute_url("events.show", event_id=event.id))
    item.add("status", "CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED")
    item.add("categories", [event.category.name_fr])
    if (image := event.image) is not None:  # RFC 7986's IMAGE, a link (nothing embedded)
        url = absolute_url("events.image", filename=image.filename)
        item.add("image", vUri(url), parameters={"VALUE": "URI", "FMTTYPE": image.content_type})
    return item


def calendar_of_events(name: str, events: list[Event]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Paris")
    if events:
        calendar.add_component(paris_timezone())
    for event in events:
        calendar.add_component(_ical_event(event))
    return calendar.to_ical()


def newest_events(limit: int = 30) -> list[Event]:
    return list(
        db.session.scalars(
            select(Event)
            .where(Event.status == EventStatus.PUBLISHED, Event.ends_at > utcnow())
            .order_by(Event.created_at.desc(), Event.id.desc())
            .limit(limit)
        )
    )


def _iso(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


def atom_of(events: list[Event]) -> bytes:
    """An Atom 1.0 feed (RFC 4287) of these events, newest first."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = _("Nouveaux évènements des tiers-lieux")
    ET.SubElement(feed, f"{{{ATOM}}}id").text = absolute_url("events.atom")
    ET.SubElement(feed, f"{{{ATOM}}}link", href=absolute_url("events.agenda"))
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=absolute_url("events.atom"))
    updated = max((e.updated_at for e in events), default=utcnow())
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _iso(updated)
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = _("FNT Partage")
    from app.core.i18n import format_moment

    for event in events:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        url = absolute_url("events.show", event_id=event.id)
        ET.SubElement(entry, f"{{{ATOM}}}title").text = event.title
        ET.SubElement(entry, f"{{{ATOM}}}id").text = url
        ET.SubElement(entry, f"{{{ATOM}}}link", href=url)
        if (image := event.image) is not None:
            ET.SubElement(
                entry,
                f"{{{ATOM}}}link",
                rel="enclosure",
                type=image.content_type,
                href=absolute_url("events.image", filename=image.filename),
                title=image.alt_text,
            )
        ET.SubElement(entry, f"{{{ATOM}}}published").text = _iso(event.created_at)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _iso(event.updated_at)
        summary = f"{format_moment(event.starts_at, 'medium')} · {event.venue.name}"
        if event.description:
            summary += "\n" + event.description
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = summary
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def month_events(year: int, month: int) -> list[Event]:
    start = paris_to_utc(date(year, month, 1), time(0))
    last = monthrange(year, month)[1]
    end = paris_to_utc(date(year, month, last), time(23, 59, 59))
    return list(
        db.session.scalars(
            select(Event)
            .where(Event.status == EventStatus.PUBLISHED, Event.starts_at >= start, Event.starts_at <= end)
            .order_by(Event.starts_at, Event.id)
        )
    )


def month_pdf(year: int, month: int) -> bytes:
    """The programme of the month on A4, to post on the venues' doors."""
    from weasyprint import HTML

    events = month_events(year, month)
    html = render_template(
        "events/month_pdf.html",
        events=events,
        images=_pdf_images(events),
        month=date(year, month, 1),
        absolute_agenda=absolute_url("events.agenda"),
    )
    return HTML(string=html).write_pdf()


def _pdf_images(events: list[Event]) -> dict[int, str]:
    """{event id: the file URI of its image's 320 px copy} (read from disk: nothing fetched)."""
    from flask import current_app

    from app.events.images import folder

    found = {}
    for event in events:
        if (image := event.image) is not None:
            path = folder(current_app) / image.source_at_least(320)
            if path.is_file():
                found[event.id] = path.resolve().as_uri()
    return found
