"""In real Chromium: a manager books on behalf of a member who called (from the resource's page),
and a kit loan is handed over and returned from the planning, with its checklist and deposit."""

from __future__ import annotations

import re
from datetime import time

from playwright.sync_api import expect
from sqlalchemy import select

from app.bookings import service
from app.core.clock import paris_to_utc
from app.extensions import db
from app.models import Booking, BookingStatus, KitCheck, User
from tests.factories import PASSWORD
from tests.factories.desk import build_desk_world, future_day
from tests.helpers import assert_no_axe_violations, local, moment, read_from_database


def _log_in(page, email: str, next_url: str) -> None:
    page.goto("/compte/connexion?next=" + next_url)
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_a_manager_books_on_behalf_of_a_member_from_the_resource_page(page, world, monday, outbox):
    _log_in(page, "gestion@test.example", f"/ressources/{world['room']}")
    page.get_by_role("link", name="Réserver pour le compte d'un membre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Réserver pour le compte d'un membre")
    expect(page.get_by_label("Ressource")).to_have_value(str(world["room"]))
    member = page.get_by_label("Pour le compte de")
    member.select_option(label=f"Camille Martin (Les Jardins Partagés) — {world['member']}")
    page.get_by_label("Début").fill(local(monday, 10))
    page.get_by_label("Fin").fill(local(monday, 12))
    page.get_by_label("Objet de la réservation").fill("Réunion du bureau, demandée par téléphone")
    assert_no_axe_violations(page, "booking on behalf")
    page.get_by_role("button", name="Réserver pour ce membre").click()

    expect(page.locator(".flash")).to_contain_text("Réservation faite pour le compte de Camille Martin")
    expect(page.locator(".history")).to_contain_text("Noa Bernard (pour le compte de Camille Martin)")
    booking = read_from_database(
        lambda: db.session.execute(select(Booking.status, User.email).join(User, Booking.requester_id == User.id)).one()
    )
    assert tuple(booking) == (BookingStatus.APPROVED, world["member"])
    assert "Réservation acceptée : Salle de réunion" in [
        m["Subject"] for m in outbox.messages() if m["To"] == world["member"]
    ]


def test_a_kit_loan_is_handed_over_and_returned_from_the_planning(page, clock):
    world = build_desk_world()
    day = future_day(10)
    loan = service.request_booking(
        world.kit, world.member, moment(day, 9), moment(day, 17), quantity=2, purpose="Tournage", now=moment(day, 0)
    )
    service.approve(loan, world.manager, now=moment(day, 0))
    loan_id, manager_email = loan.id, world.manager.email
    db.session.commit()
    clock.move_to(paris_to_utc(day, time(8, 30)))  # the morning of the loan

    _log_in(page, manager_email, "/gestion/planning")
    kits = page.locator(".kits-today")
    expect(kits).to_contain_text("Kit vidéo (2 unités), Camille Martin")
    kits.get_by_role("link", name=re.compile("^Remettre le kit")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Remise du kit « Kit vidéo »")
    expect(page.get_by_label("2 × Trépied")).to_be_checked()
    page.get_by_label("Commune où le kit est utilisé").fill("Poix-de-Picardie")
    expect(page.get_by_label("Caution reçue (€)")).to_have_value(re.compile(r"^400"))
    assert_no_axe_violations(page, "kit hand-over")
    page.get_by_role("button", name="Enregistrer la remise").click()
    expect(page.locator(".flash")).to_contain_text("Le kit « Kit vidéo » est remis à Camille Martin.")

    clock.move_to(paris_to_utc(day, time(16, 45)))  # back before the end of the loan, a microphone missing
    page.reload()
    kits.get_by_role("link", name=re.compile("^Enregistrer le retour")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Retour du kit « Kit vidéo »")
    page.get_by_label("2 × Micro").uncheck()
    page.get_by_label(re.compile("^État du kit au retour")).fill("Un micro perdu pendant le tournage.")
    page.get_by_label("Caution rendue (€)").fill("300")
    page.get_by_role("button", name="Enregistrer le retour").click()
    expect(page.locator(".flash")).to_contain_text("Le retour du kit « Kit vidéo » est enregistré.")

    def outcome():
        booking = db.session.get(Booking, loan_id)
        checks = db.session.scalars(select(KitCheck).where(KitCheck.booking_id == loan_id).order_by(KitCheck.at)).all()
        return booking.status, [(c.kind.value, c.commune, c.deposit_cents, c.missing_items) for c in checks]

    assert read_from_database(outcome) == (
        BookingStatus.RETURNED,
        [("handover", "Poix-de-Picardie", 40000, []), ("return", "", 30000, ["Micro"])],
    )
