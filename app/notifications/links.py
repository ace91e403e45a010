"""Absolute links for emails and calendars, built with or without a request (``BASE_URL``)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app

from app.models import Booking


def absolute_url(endpoint: str, **values) -> str:
    adapter = current_app.url_map.bind("localhost", url_scheme="http")
    return current_app.config["BASE_URL"] + adapter.build(endpoint, values)


def booking_url(booking: Booking) -> str:
    return absolute_url("bookings.show", booking_id=booking.id)


def site_domain() -> str:
    """The host name of the service, for globally unique identifiers (iCalendar UIDs)."""
    return urlsplit(current_app.config["BASE_URL"]).hostname or "fnt-partage.local"
