"""Issue 13's journeys in real Chromium: a member asks to change an approved booking and a manager
accepts it from the desk (the original holds until then); a manager closes the venue over existing
bookings, cancels one with a reason and keeps the other as an exception."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from app.bookings import service
from app.extensions import db
from app.models import Booking, BookingChange, BookingStatus, ChangeStatus, KeptBooking
from tests.factories import PASSWORD
from tests.factories.desk import build_desk_world, future_day, request
from tests.helpers import assert_no_axe_violations, moment, read_from_database


def _log_in(page, email: str, next_url: str) -> None:
    page.goto("/compte/connexion?next=" + next_url)
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def _local(day, hour: int) -> str:
    return f"{day.isoformat()}T{hour:02d}:00"


def test_a_member_asks_a_change_and_the_desk_accepts_it(page):
    world = build_desk_world()
    day = future_day(10)
    booking = request(world.room, world.member, moment(day, 10), moment(day, 12), purpose="Assemblée")
    service.approve(booking, world.manager)
    booking_id, member, manager = booking.id, world.member.email, world.manager.email
    db.session.commit()

    _log_in(page, member, f"/reservations/{booking_id}/modifier")
    page.get_by_label("Fin").fill(_local(day, 14))
    expect(page.locator("#edit-summary")).to_contain_text("La modification attendra l'accord")
    page.get_by_role("button", name=re.compile("^Enregistrer")).click()
    expect(page.get_by_text("Votre demande de modification est transmise au lieu.")).to_be_visible()
    expect(page.locator("#pending-change")).to_contain_text("Modification en attente de décision")
    expect(page.get_by_text("Statut : validée")).to_be_visible()  # the original holds meanwhile
    assert_no_axe_violations(page, "booking with a pending change")
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()

    _log_in(page, manager, "/gestion/demandes")
    change_id = read_from_database(lambda: db.session.scalar(db.select(BookingChange.id)))
    card = page.locator(f"#change-{change_id}")
    expect(card).to_contain_text("Modification d'une réservation validée")
    expect(card).to_contain_text("20,00 € → 40,00 € (+20,00 €)")
    assert_no_axe_violations(page, "desk with a change")
    card.get_by_role("button", name=re.compile("^Accepter la modification")).click()
    expect(
        page.get_by_text("Modification acceptée : la réservation et sa convention sont mises à jour.")
    ).to_be_visible()
    expect(page.locator(f"#change-{change_id}")).to_have_count(0)

    def outcome():
        found = db.session.get(Booking, booking_id)
        return found.status, found.ends_at, db.session.get(BookingChange, change_id).status

    assert read_from_database(outcome) == (BookingStatus.APPROVED, moment(day, 14), ChangeStatus.APPROVED)


def test_a_closure_over_bookings_is_settled_booking_by_booking(page):
    world = build_desk_world()
    day = future_day(12)
    cancelled = request(world.room, world.member, moment(day, 10), moment(day, 12), purpose="Répétition")
    service.approve(cancelled, world.manager)
    kept = request(world.studio, world.other_member, moment(day, 14), moment(day, 16), purpose="Podcast")
    service.approve(kept, world.manager)
    cancelled_id, kept_id, manager = cancelled.id, kept.id, world.manager.email
    db.session.commit()

    _log_in(page, manager, "/gestion/lieux/la-machinerie/fermetures")
    page.get_by_label("Premier jour").fill(day.isoformat())
    page.get_by_label("Dernier jour").fill(day.isoformat())
    page.get_by_label("Motif").fill("Dégât des eaux")
    page.get_by_role("button", name="Ajouter la fermeture").click()
    expect(page.get_by_text("2 réservations tombent pendant cette période")).to_be_visible()
    assert_no_axe_violations(page, "bookings hit by a closure")

    first = page.locator(f"#hit-{cancelled_id}")
    expect(first).to_contain_text("Réservée par Camille Martin")
    first.get_by_role("button", name=re.compile("^Annuler la réservation")).click()
    expect(page.locator(f"#hit-{cancelled_id}")).to_contain_text("Indiquez un motif.")  # the reason is required
    page.locator(f"#reason-{cancelled_id}").fill("Le lieu est fermé ce jour-là.")
    page.locator(f"#hit-{cancelled_id}").get_by_role("button", name=re.compile("^Annuler la réservation")).click()
    expect(page.get_by_text("La réservation de Camille Martin est annulée ; la personne est prévenue.")).to_be_visible()
    page.locator(f"#hit-{kept_id}").get_by_role("button", name=re.compile("^La maintenir")).click()
    expect(page.locator(f"#hit-{kept_id}")).to_contain_text("Maintenue par exception.")
    expect(page.locator(f"#hit-{cancelled_id}")).to_have_count(0)

    def outcome():
        statuses = [db.session.get(Booking, i).status for i in (cancelled_id, kept_id)]
        return statuses, db.session.scalar(db.select(KeptBooking.booking_id))

    assert read_from_database(outcome) == ([BookingStatus.CANCELLED, BookingStatus.APPROVED], kept_id)
