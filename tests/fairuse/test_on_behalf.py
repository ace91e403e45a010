"""A manager books on behalf of a member who called: the member's rules, the member emailed, the
history saying who did it; from the desk or the resource's page."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEntry, Booking, BookingStatus
from tests.helpers import local, log_in, page_text

URL = "/gestion/reserver-pour"


def _form(world, resource, day, start, end, member=None, **extra):
    return {
        "resource": resource.id,
        "member": (member or world.member).id,
        "starts_at": local(day, start),
        "ends_at": local(day, end),
        "purpose": "Réunion de l'association",
        **extra,
    }


def test_a_manager_books_for_a_member_who_is_emailed_and_the_history_names_the_manager(client, world, monday, outbox):
    log_in(client, world.manager)
    resource_page = client.get(f"/ressources/{world.room.id}").get_data(as_text=True)
    assert f'href="{URL}?ressource={world.room.id}"' in resource_page
    assert f'href="{URL}"' in client.get("/gestion/demandes").get_data(as_text=True)
    form = client.get(f"{URL}?ressource={world.room.id}").get_data(as_text=True)
    assert f'<option selected value="{world.room.id}">' in form and "Camille Martin (Les Jardins Partagés)" in form

    response = client.submit(URL, _form(world, world.room, monday, 10, 12))

    assert response.status_code == 303, page_text(response)[:800]
    booking = db.session.scalars(select(Booking)).one()
    assert (booking.requester_id, booking.organisation_id) == (world.member.id, world.member.organisation_id)
    assert booking.status == BookingStatus.APPROVED and booking.decided_by_id == world.manager.id
    assert booking.price_cents == 2000  # the member's tariff: two hours at the consortium's rate
    requested = db.session.scalars(
        select(AuditEntry).where(AuditEntry.subject_id == booking.id, AuditEntry.action == "requested")
    ).one()
    assert requested.actor_id == world.manager.id and requested.details["on_behalf_of"] == world.member.id
    shown = page_text(client.get(response.headers["Location"]))
    assert "Réservation faite pour le compte de Camille Martin" in shown
    assert "Noa Bernard (pour le compte de Camille Martin)" in shown
    to_member = {m["Subject"]: m for m in outbox.messages() if m["To"] == world.member.email}
    accepted = to_member["Réservation acceptée : Salle de réunion"]  # and its agreement to accept
    assert "Réservée par Noa Bernard (gestionnaire du lieu) pour votre compte." in outbox.text(accepted)


def test_the_members_rules_hold_and_a_refusal_writes_nothing(client, world, monday):
    log_in(client, world.manager)
    # The member has no qualification on the laser: refused for them, next to the form, refilled.
    refused = client.submit(URL, _form(world, world.laser, monday, 10, 12), page=URL)
    assert refused.status_code == 422
    assert "Cette machine demande une habilitation" in page_text(refused)
    assert f'value="{local(monday, 10)}"' in refused.get_data(as_text=True)
    # Outside the opening hours: the engine's reason.
    late = client.submit(URL, _form(world, world.room, monday, 18, 20), page=URL)
    assert late.status_code == 422 and "ouverture" in page_text(late)
    # Without a member: a message next to the field.
    nobody = client.submit(URL, {**_form(world, world.room, monday, 10, 12), "member": "0"}, page=URL)
    assert nobody.status_code == 422 and "Choisissez la personne pour qui vous réservez." in page_text(nobody)
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 0


def test_only_the_venues_managers_may_book_its_resources_for_others(client, world, monday):
    log_in(client, world.other_manager)
    other = client.submit(URL, _form(world, world.room, monday, 10, 12), page=URL)
    assert other.status_code == 422 and db.session.scalar(select(func.count()).select_from(Booking)) == 0
    client.logout()
    log_in(client, world.member)
    assert client.get(URL).status_code == 403
