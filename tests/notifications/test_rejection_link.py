"""A rejection email's "Voir d'autres créneaux" leads to the resource's calendar, where other
slots are, not to the rejected booking (issue 15)."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest

from app.bookings.service import reject, request_booking
from app.core.clock import PARIS
from app.extensions import db
from app.notifications.outbox import send_due
from tests.factories.bookings import build_world, monday_ahead

pytestmark = pytest.mark.usefixtures("mail_app")


def test_the_rejection_links_to_the_resource(smtp):
    smtp.start()
    world = build_world()
    start = datetime.combine(monday_ahead(), time(10), tzinfo=PARIS)
    booking = request_booking(world.room, world.member, start, start + timedelta(hours=2))
    reject(booking, world.manager, "La salle est repeinte ce jour-là.")
    db.session.commit()
    send_due()
    (rejected,) = [m for m in smtp.to(world.member.email) if "repeinte" in m.get_body(("plain",)).get_content()]
    text = rejected.get_body(("plain",)).get_content()
    link = re.search(r"Voir d'autres créneaux :\s+(\S+)", text)
    assert link is not None, text
    assert link.group(1).endswith(f"/ressources/{world.room.id}"), link.group(1)
