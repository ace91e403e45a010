"""Agreements driven by the real booking engine (app/bookings): approval, an edit that goes back to a
manager and is approved again, a series approved and cancelled as a whole."""

from __future__ import annotations

from sqlalchemy import select

from app.agreements.models import Agreement, AgreementStatus
from app.bookings.changes import approve_change
from app.bookings.lifecycle import approve, edit_booking, request_booking
from app.bookings.series import Frequency, Repetition, approve_series, cancel_series, request_series
from app.extensions import db
from app.models import BookingChange
from tests.factories.bookings import NOW, build_world, paris


def _versions() -> list[Agreement]:
    db.session.expire_all()
    return list(db.session.scalars(select(Agreement).order_by(Agreement.number, Agreement.version)))


def _subjects(outbox) -> list[str]:
    """The subjects of the agreements' emails (the booking's own notifications are tested elsewhere)."""
    return [message["Subject"] for message in outbox.messages() if message["Subject"].startswith("Convention ")]


def test_a_change_waiting_for_the_manager_keeps_the_agreement_and_its_approval_makes_a_new_version(app, outbox):
    world = build_world()
    booking = request_booking(
        world.room, world.member, paris(2027, 3, 3, 14), paris(2027, 3, 3, 16), purpose="Réunion", now=NOW
    )
    db.session.commit()
    assert _versions() == []  # a request has no agreement

    approve(booking, world.manager, now=NOW)
    db.session.commit()
    (first,) = _versions()
    assert first.status == AgreementStatus.ISSUED and first.content["price_cents"] == booking.price_cents
    assert _subjects(outbox) == [f"Convention {first.number} à accepter"]

    change = edit_booking(booking, world.member, ends_at=paris(2027, 3, 3, 17), now=NOW).pending_change  # longer
    db.session.commit()
    (still,) = _versions()
    assert still.status == AgreementStatus.ISSUED  # the original stays in force meanwhile
    assert len(_subjects(outbox)) == 1

    approve_change(db.session.get(BookingChange, change.id), world.manager, now=NOW)
    db.session.commit()
    old, new = _versions()
    assert (new.number, new.version, new.status, old.status) == (
        old.number,
        2,
        AgreementStatus.ISSUED,
        AgreementStatus.VOID,
    )
    assert new.content["items"][0]["ends_at"] == paris(2027, 3, 3, 17).isoformat()
    assert _subjects(outbox)[-1] == f"Convention {new.number} à accepter"
    (issued,) = [
        m
        for m in outbox.messages()
        if m["Subject"] == f"Convention {new.number} à accepter" and "version 2" in outbox.text(m)
    ]  # (the booking's own email is written in the same commit)
    assert "remplace la version précédente" in outbox.text(issued)


def test_a_series_approved_as_a_whole_has_one_agreement_and_cancelled_as_a_whole_is_void(app, outbox):
    world = build_world()
    series, occurrences = request_series(
        world.room,
        world.member,
        paris(2027, 3, 3, 14),
        paris(2027, 3, 3, 16),
        Repetition(Frequency.WEEKLY, count=3),
        purpose="Atelier",
        now=NOW,
    )
    approve_series(series, world.manager, now=NOW)
    db.session.commit()
    (agreement,) = _versions()
    assert agreement.series_id == series.id
    assert [item["booking_id"] for item in agreement.content["items"]] == [b.id for b in occurrences]
    assert agreement.content["series"] == {"frequency": "weekly", "interval": 1}

    cancel_series(series, world.member, now=NOW)
    db.session.commit()
    assert all(version.status == AgreementStatus.VOID for version in _versions())
    assert not any(version.is_current for version in _versions())
    subjects = _subjects(outbox)
    assert subjects == [f"Convention {agreement.number} à accepter", f"Convention {agreement.number} annulée"]
