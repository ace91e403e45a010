"""The borrower sees what happened to their kit loan: their booking page and the return email say the
deposit received, given back or kept, and what was missing or damaged, as the venue recorded it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.bookings import service
from app.core.clock import utcnow
from app.extensions import db
from tests.factories.desk import build_desk_world, request
from tests.helpers import log_in


@pytest.fixture()
def world(app):
    return build_desk_world()


def test_the_borrower_sees_the_deposit_and_what_was_missing(client, world, outbox):
    start = utcnow().replace(second=0, microsecond=0)
    start -= timedelta(minutes=start.minute % 30)
    booking = request(world.kit, world.member, start, start + timedelta(days=1), quantity=2)
    service.approve(booking, world.manager, "", now=start - timedelta(days=1))
    service.hand_over(
        booking,
        world.manager,
        checklist={"Caméra": True, "Trépied": True, "Micro": True},
        deposit_cents=40000,
        now=start,
    )
    db.session.commit()
    service.return_kit(
        booking,
        world.manager,
        checklist={"Caméra": True, "Trépied": True, "Micro": False},
        condition_notes="Micro perdu, trépied rayé",
        deposit_returned_cents=25000,
        now=start + timedelta(hours=2),
    )
    db.session.commit()
    mails = [m for m in outbox.messages() if m["To"] == world.member.email and "retour" in m["Subject"].lower()]
    assert mails, [m["Subject"] for m in outbox.messages()]
    text = outbox.text(mails[-1])
    for words in ("400,00", "250,00", "150,00", "Micro", "Micro perdu, trépied rayé"):
        assert words in text, text
    log_in(client, world.member)
    page = client.get(f"/reservations/{booking.id}").get_data(as_text=True)
    assert "Caution reçue" in page and "400,00" in page
    assert "Caution rendue" in page and "250,00" in page
    assert "Caution retenue" in page and "150,00" in page
    assert "Manquant au retour" in page and "Micro" in page
    assert "Micro perdu, trépied rayé" in page
