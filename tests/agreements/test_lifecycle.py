"""The life of agreement records on the booking engine's signals: numbering (also under concurrent
approvals), grouping, versions and voiding, and approvals that never depend on the PDF."""

from __future__ import annotations

import threading
from datetime import UTC, timedelta
from pathlib import Path

from sqlalchemy import select

from app.agreements import storage
from app.agreements.models import Agreement, AgreementCounter, AgreementStatus
from app.core.clock import paris_today
from app.extensions import db
from app.models import Booking, Series
from tests.factories import PASSWORD
from tests.factories.agreements import approve, cancel, edit, make_booking, make_world, paris
from tests.helpers import page_text


def _agreements() -> list[Agreement]:
    db.session.expire_all()
    return list(db.session.scalars(select(Agreement).order_by(Agreement.number, Agreement.version)))


def _year() -> int:
    return paris_today().year  # agreements are numbered by the year in Paris


def test_numbers_have_no_gap_and_no_duplicate_under_concurrent_approvals(app, outbox):
    world = make_world()
    bookings = [
        make_booking(world.space, world.borrower, paris(2027, 3, 1, 9) + timedelta(days=day), 2) for day in range(7)
    ]
    ids = [booking.id for booking in bookings]
    db.session.commit()  # and hold no transaction (on SQLite, no lock) while the threads run
    start = threading.Barrier(len(ids))
    errors: list[BaseException] = []

    def approve_in_its_own_request(booking_id: int, roll_back: bool) -> None:
        try:
            with app.app_context():  # its own session, like a separate request
                start.wait()
                approve(db.session.get(Booking, booking_id))
                if roll_back:  # an approval that fails after taking its number gives it back
                    db.session.rollback()
                else:
                    db.session.commit()
        except BaseException as error:  # reported in the main thread
            errors.append(error)

    threads = [
        threading.Thread(target=approve_in_its_own_request, args=(booking_id, index == 3))
        for index, booking_id in enumerate(ids)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors

    agreements = _agreements()
    year = _year()
    assert sorted(agreement.number for agreement in agreements) == [f"FNT-{year}-{n:04d}" for n in range(1, 7)]
    assert db.session.get(AgreementCounter, year).last_number == 6
    assert sum(1 for message in outbox.messages() if "à accepter" in message["Subject"]) == 6  # none for the rollback


def test_bookings_approved_together_share_an_agreement_and_later_ones_get_a_new_number(app):
    world = make_world()
    morning = make_booking(world.space, world.borrower, paris(2027, 3, 1, 9), 3)
    kit = make_booking(world.kit, world.borrower, paris(2027, 3, 1, 9), 3)
    approve(morning, kit, actor=world.manager)
    db.session.commit()
    later = make_booking(world.space, world.borrower, paris(2027, 3, 8, 9), 3)
    approve(later, actor=world.manager)
    db.session.commit()

    first, second = _agreements()
    assert [item["booking_id"] for item in first.content["items"]] == sorted([morning.id, kit.id])
    assert [item["booking_id"] for item in second.content["items"]] == [later.id]
    assert first.sequence + 1 == second.sequence


def test_a_series_has_one_agreement_and_a_later_occurrence_makes_a_new_version(app, client):
    world = make_world()
    series = Series(
        resource_id=world.space.id,
        requester_id=world.borrower.id,
        organisation_id=world.organisation.id,
        frequency="weekly",
        interval=1,
        count=4,
    )
    db.session.add(series)
    occurrences = [
        make_booking(world.space, world.borrower, paris(2027, 3, 1, 14) + timedelta(weeks=week), 2, series=series)
        for week in range(4)
    ]
    approve(*occurrences[:3], actor=world.manager)
    db.session.commit()
    (agreement,) = _agreements()
    assert len(agreement.content["items"]) == 3

    approve(occurrences[3], actor=world.manager)  # approved on its own, a week later
    db.session.commit()
    old, new = _agreements()
    assert (old.version, old.status, old.next_version.id) == (1, AgreementStatus.VOID, new.id)
    assert (new.number, new.version, new.status) == (old.number, 2, AgreementStatus.ISSUED)
    assert len(new.content["items"]) == 4

    client.login("camille@jardins.example", PASSWORD)
    page = page_text(client.get(f"/conventions/{new.id}"))
    assert "Version 1" in page and "Version 2" in page  # both versions listed
    old_page = page_text(client.get(f"/conventions/{old.id}"))
    assert "Cette version est annulée et remplacée par la version 2." in old_page


def test_a_change_of_the_booking_voids_the_version_and_keeps_its_file(app):
    world = make_world()
    booking = make_booking(world.space, world.borrower, paris(2027, 3, 1, 14), 2, price_cents=5000)
    approve(booking, actor=world.manager)
    db.session.commit()
    (first,) = _agreements()
    first_file = storage.ensure_file(first)
    db.session.commit()

    edit(booking, world.manager, ends_at=paris(2027, 3, 1, 17), price_cents=7500)
    db.session.commit()
    old, new = _agreements()
    assert old.status == AgreementStatus.VOID and old.voided_at is not None
    assert new.version == 2 and new.content["price_cents"] == 7500
    assert new.content["items"][0]["ends_at"] == paris(2027, 3, 1, 17).astimezone(UTC).isoformat()
    # the void version is kept, file and hash unchanged
    assert storage.read_file(old) == first_file and storage.sha256_of(first_file) == old.sha256
    assert (storage.storage_dir() / old.file_name).exists()


def test_cancelling_bookings_makes_a_version_without_them_then_voids_the_agreement(app, outbox):
    world = make_world()
    room = make_booking(world.space, world.borrower, paris(2027, 3, 1, 14), 2)
    kit = make_booking(world.kit, world.borrower, paris(2027, 3, 1, 14), 2)
    approve(room, kit, actor=world.manager)
    db.session.commit()

    cancel(kit, world.borrower)
    db.session.commit()
    first, second = _agreements()
    assert first.status == AgreementStatus.VOID
    assert [item["booking_id"] for item in second.content["items"]] == [room.id]

    cancel(room, world.borrower)
    db.session.commit()
    _first, second = _agreements()
    assert second.status == AgreementStatus.VOID and second.next_version is None
    assert "annulée" in outbox.last()["Subject"]


def test_the_approval_commits_even_when_no_pdf_can_be_made_and_the_file_comes_later(app, client, runner, tmp_path):
    not_a_folder = tmp_path / "occupied"
    not_a_folder.write_text("a file where the storage folder should be")
    app.config["AGREEMENTS_DIR"] = str(not_a_folder)
    world = make_world()
    booking = make_booking(world.space, world.borrower, paris(2027, 3, 1, 14), 2)
    approve(booking, actor=world.manager)
    db.session.commit()
    (agreement,) = _agreements()
    assert agreement.status == AgreementStatus.ISSUED and agreement.sha256 is None

    client.login("camille@jardins.example", PASSWORD)
    unavailable = client.get(f"/conventions/{agreement.id}/convention.pdf")
    assert unavailable.status_code == 503
    assert "Document en préparation" in page_text(unavailable)
    page = client.get(f"/conventions/{agreement.id}")
    assert page.status_code == 200 and "Le document est en préparation." in page_text(page)
    assert runner.invoke(args=["agreements", "render"]).exit_code == 1

    app.config["AGREEMENTS_DIR"] = str(tmp_path / "agreements")
    result = runner.invoke(args=["agreements", "render"])
    assert result.exit_code == 0 and "1 file(s) rendered, 0 failed." in result.output
    (agreement,) = _agreements()
    stored = Path(app.config["AGREEMENTS_DIR"]) / agreement.file_name
    assert storage.sha256_of(stored.read_bytes()) == agreement.sha256
    assert client.get(f"/conventions/{agreement.id}/convention.pdf").data == stored.read_bytes()
    assert runner.invoke(args=["agreements", "render"]).output.startswith("0 file(s) rendered")
