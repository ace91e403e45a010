"""Fixtures of the bookings' tests (the engine's and its pages'): the engine's small consortium
(``tests.factories.bookings``), the signals sent."""

from __future__ import annotations

import pytest

from tests.factories.bookings import World, build_world


@pytest.fixture()
def world(app) -> World:
    """Flushed in the test's transaction, not committed: the engine's functions never commit; the
    pages' tests commit through their client (before every request) and their helpers."""
    return build_world()


@pytest.fixture()
def signals_sent():
    """Every booking signal sent during the test, as (signal name, sender, kwargs), in order."""
    from app.bookings import signals

    sent: list[tuple[str, object, dict]] = []
    receivers = []
    for name in (
        "booking_requested",
        "booking_approved",
        "booking_rejected",
        "booking_cancelled",
        "booking_edited",
        "booking_handed_over",
        "booking_returned",
        "waitlist_offered",
    ):
        signal = getattr(signals, name)

        def receiver(sender, _name=name, **kwargs):
            sent.append((_name, sender, kwargs))

        signal.connect(receiver)
        receivers.append((signal, receiver))
    yield sent
    for signal, receiver in receivers:
        signal.disconnect(receiver)
