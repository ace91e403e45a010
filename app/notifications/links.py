"""Absolute links for emails and calendars, built with or without a request (``BASE_URL``)."""

from __future__ import annotations

from flask import current_app

from app.models import Booking
from app.notifications.settings import site_domain

__all__ = ["absolute_url", "booking_url", "site_domain"]


def absolute_url(endpoint: str, **values) -> str:
    adapter = current_app.url_map.bind("localhost", url_scheme="http")
    return current_app.config["BASE_URL"] + adapter.build(endpoint, values)


def booking_url(booking: Booking) -> str:
    return absolute_url("bookings.show", booking_id=booking.id)
