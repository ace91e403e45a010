"""Managers' pages of a venue: closures, qualifications, members."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from app.core.clock import paris_today
from app.extensions import db
from app.models import (
    Booking,
    Closure,
    ClosureStatus,
    ConsortiumClosure,
    Qualification,
    VenueMembership,
    VenueRole,
    utcnow,
)
from tests.factories import make_user
from tests.factories.manage import build_consortium
from tests.helpers import audit_actions, htmx_post, log_in, page_text


def _url(world, suffix: str) -> str:
    return f"/gestion/lieux/{world.venue.slug}/{suffix}"


def _next_year() -> int:
    return paris_today(utcnow()).year + 1


# --- Closures --------------------------------------------------------------------------------------


def _closures(world) -> list[Closure]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Closure).where(Closure.venue_id == world.venue.id)))


def test_whole_days_of_closure_in_paris_time(client):
    world = build_consortium()
    year = _next_year()
    start = datetime(year, 12, 24, 10, tzinfo=UTC)
    db.session.add(
        Booking(
            resource_id=world.room.id,
            requester_id=world.member.id,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            holds_until=start + timedelta(hours=2),
        )
    )
    db.session.commit()
    log_in(client, world.manager)
    response = client.submit(
        _url(world, "fermetures"),
        {"starts_on": f"{year}-12-24", "ends_on": f"{year}-12-26", "reason": "Fêtes de fin d'année"},
    )
    assert response.status_code == 303
    [closure] = _closures(world)
    # Paris is UTC+1 in winter: from the 24th 00:00 to the 27th 00:00, Paris time.
    assert closure.starts_at == datetime(year, 12, 23, 23, tzinfo=UTC)
    assert closure.ends_at == datetime(year, 12, 26, 23, tzinfo=UTC)
    assert closure.status == ClosureStatus.CONFIRMED and closure.decided_by_id == world.manager.id
    page = page_text(client.get(response.headers["Location"]))
    assert "La fermeture est enregistrée." in page
    assert "1 réservation tombe pendant cette période" in page
    assert f"du 24 déc. {year} au 26 déc. {year} inclus" in page and "Fêtes de fin d'année" in page
    assert audit_actions("closure", closure.id) == ["created"]


def test_a_closure_with_hours_in_summer_time(client):
    world = build_consortium()
    year = _next_year()
    log_in(client, world.manager)
    response = client.submit(
        _url(world, "fermetures"),
        {
            "starts_on": f"{year}-07-14",
            "starts_time": "14:00",
            "ends_on": f"{year}-07-14",
            "ends_time": "18:30",
            "reason": "Assemblée générale",
        },
    )
    assert response.status_code == 303
    [closure] = _closures(world)
    assert closure.starts_at == datetime(year, 7, 14, 12, tzinfo=UTC)
    assert closure.ends_at == datetime(year, 7, 14, 16, 30, tzinfo=UTC)


def test_bad_closures_come_back_filled_and_write_nothing(client):
    world = build_consortium()
    year = _next_year()
    log_in(client, world.manager)
    backwards = client.submit(
        _url(world, "fermetures"), {"starts_on": f"{year}-05-10", "ends_on": f"{year}-05-08", "reason": "Travaux"}
    )
    assert backwards.status_code == 422
    page = page_text(backwards)
    assert "La fin de la fermeture doit suivre son début." in page
    assert f'value="{year}-05-10"' in page and 'value="Travaux"' in page
    past = client.submit(
        _url(world, "fermetures"), {"starts_on": "2020-01-01", "ends_on": "2020-01-02", "reason": "Vieux"}
    )
    assert past.status_code == 422 and "déjà passée" in page_text(past)
    missing = client.submit(_url(world, "fermetures"), {"starts_on": "", "ends_on": "pas une date", "reason": ""})
    assert missing.status_code == 422
    page = page_text(missing)
    assert "Indiquez le premier jour." in page and "Indiquez le motif de la fermeture." in page
    assert _closures(world) == []


def _proposal(world, venues):
    now = utcnow()
    proposal = ConsortiumClosure(
        starts_at=now + timedelta(days=10),
        ends_at=now + timedelta(days=11),
        reason="Journée du consortium",
        proposed_by_id=world.coordinator.id,
    )
    for venue in venues:
        proposal.closures.append(
            Closure(
                venue_id=venue.id,
                starts_at=proposal.starts_at,
                ends_at=proposal.ends_at,
                reason=proposal.reason,
                status=ClosureStatus.PROPOSED,
            )
        )
    db.session.add(proposal)
    db.session.commit()
    return proposal


def test_a_manager_confirms_then_declines_a_consortium_closure_inline(client):
    world = build_consortium()
    _proposal(world, [world.venue, world.other_venue])
    [closure] = _closures(world)
    log_in(client, world.manager)
    page = page_text(client.get(_url(world, "fermetures")))
    assert "À confirmer" in page and "proposée par la coordination" in page
    assert "1 fermeture commune à confirmer" in page_text(client.get("/gestion/"))

    response = htmx_post(
        client,
        _url(world, f"fermetures/{closure.id}/confirmer"),
        target=f"closure-{closure.id}",
        page=_url(world, "fermetures"),
    )
    body = page_text(response)
    assert response.status_code == 200 and body.lstrip().startswith(f'<tr id="closure-{closure.id}">')
    assert "Confirmée : le lieu est fermé" in body and "La fermeture est confirmée pour ce lieu." in body
    [closure] = _closures(world)
    assert closure.status == ClosureStatus.CONFIRMED and closure.decided_by_id == world.manager.id

    # Without JavaScript: a redirect back to the list.
    response = client.submit(_url(world, f"fermetures/{closure.id}/refuser"), {}, page=_url(world, "fermetures"))
    assert response.status_code == 303
    [closure] = _closures(world)
    assert closure.status == ClosureStatus.DECLINED
    assert audit_actions("closure", closure.id) == ["confirmed", "declined"]
    # The other venue's copy is untouched: each venue decides for itself.
    other = db.session.scalar(db.select(Closure).where(Closure.venue_id == world.other_venue.id))
    assert other.status == ClosureStatus.PROPOSED


def test_own_closures_are_removed_and_consortium_ones_are_not(client):
    world = build_consortium()
    _proposal(world, [world.venue])
    now = utcnow()
    own = Closure(
        venue_id=world.venue.id, starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=2), reason="Travaux"
    )
    db.session.add(own)
    db.session.commit()
    proposed = next(c for c in _closures(world) if c.consortium_closure_id)
    own_id, proposed_id = own.id, proposed.id
    log_in(client, world.manager)

    refused = htmx_post(
        client,
        _url(world, f"fermetures/{proposed.id}/supprimer"),
        target=f"closure-{proposed.id}",
        page=_url(world, "fermetures"),
    )
    assert refused.status_code == 422 and "refusez-la plutôt" in page_text(refused)
    confirm_own = htmx_post(
        client,
        _url(world, f"fermetures/{own.id}/confirmer"),
        target=f"closure-{own.id}",
        page=_url(world, "fermetures"),
    )
    assert confirm_own.status_code == 422

    removed = htmx_post(
        client,
        _url(world, f"fermetures/{own_id}/supprimer"),
        target=f"closure-{own_id}",
        page=_url(world, "fermetures"),
    )
    body = page_text(removed)
    assert removed.status_code == 200 and "<tr" not in body and "La fermeture est supprimée." in body
    assert [c.id for c in _closures(world)] == [proposed_id]
    assert audit_actions("closure", own_id) == ["deleted"]


# --- Qualifications --------------------------------------------------------------------------------


def _grant(client, world, **fields):
    data = {
        "email": "MEMBRE@example.org ",
        "resource_id": str(world.laser.id),
        "expires_on": "",
        "note": "Formation du 3 mars",
    }
    data.update(fields)
    return client.submit(_url(world, "habilitations"), data)


def _qualifications(world) -> list[Qualification]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Qualification).where(Qualification.user_id == world.member.id)))


def test_granting_a_qualification_with_expiry_and_consortium_recognition(client):
    world = build_consortium()
    log_in(client, world.manager)
    year = _next_year()
    response = _grant(client, world, expires_on=f"{year}-06-30", recognised_consortium_wide="y")
    assert response.status_code == 303
    [qualification] = _qualifications(world)
    assert qualification.resource_id == world.laser.id and qualification.granted_by_id == world.manager.id
    assert qualification.machine_type == "découpeuse laser" and qualification.recognised_consortium_wide
    # Valid through the 30th of June, Paris time (UTC+2 in summer).
    assert qualification.expires_at == datetime(year, 6, 30, 22, tzinfo=UTC)
    assert qualification.note == "Formation du 3 mars"
    page = page_text(client.get(_url(world, "habilitations")))
    assert "Camille Martin" in page and f"Valable jusqu'au 30 juin {year}" in page
    assert "reconnue pour toutes les machines « découpeuse laser »" in page
    assert audit_actions("qualification", qualification.id) == ["granted"]
    # The member sees it on their account page.
    client.logout()
    log_in(client, world.member)
    assert "Découpeuse laser" in page_text(client.get("/compte/"))


def test_refused_grants_come_back_filled(client):
    world = build_consortium()
    world.laser.machine_type = ""
    db.session.commit()
    log_in(client, world.manager)
    unknown = _grant(client, world, email="personne@example.org")
    assert unknown.status_code == 422
    page = page_text(unknown)
    assert "Aucun compte n'a cette adresse" in page and 'value="personne@example.org"' in page
    assert 'value="Formation du 3 mars"' in page
    not_a_machine = _grant(client, world, resource_id=str(world.room.id))
    assert not_a_machine.status_code == 422 and "Choisissez une machine de ce lieu." in page_text(not_a_machine)
    other_venue = _grant(client, world, resource_id=str(world.workshop.id))
    assert other_venue.status_code == 422
    no_type = _grant(client, world, recognised_consortium_wide="y")
    assert no_type.status_code == 422 and "Cette machine n'a pas de type" in page_text(no_type)
    past = _grant(client, world, expires_on="2020-01-01")
    assert past.status_code == 422 and "déjà passée" in page_text(past)
    assert _qualifications(world) == []
    # Twice on the same machine: the second is refused while the first is valid.
    assert _grant(client, world).status_code == 303
    again = _grant(client, world)
    assert again.status_code == 422 and "a déjà une habilitation valable" in page_text(again)
    assert len(_qualifications(world)) == 1


def test_revoking_a_qualification_inline(client):
    world = build_consortium()
    qualification = Qualification(user_id=world.member.id, resource_id=world.laser.id, machine_type="découpeuse laser")
    db.session.add(qualification)
    db.session.commit()
    log_in(client, world.manager)
    response = htmx_post(
        client,
        _url(world, f"habilitations/{qualification.id}/retirer"),
        target=f"qualification-{qualification.id}",
        page=_url(world, "habilitations"),
    )
    body = page_text(response)
    assert response.status_code == 200 and body.lstrip().startswith(f'<tr id="qualification-{qualification.id}">')
    assert "Retirée le" in body and "<button" not in body
    [revoked] = _qualifications(world)
    assert revoked.revoked_at is not None and not revoked.is_valid_at(utcnow())
    # Revoked twice: nothing more is written.
    client.submit(_url(world, f"habilitations/{qualification.id}/retirer"), {}, page=_url(world, "habilitations"))
    assert audit_actions("qualification", qualification.id) == ["revoked"]
    # A new one may now be granted.
    assert _grant(client, world).status_code == 303


def test_a_venue_without_machines_says_so(client):
    world = build_consortium()
    log_in(client, world.other_manager)
    page = page_text(client.get(f"/gestion/lieux/{world.other_venue.slug}/habilitations"))
    assert "pas encore de machine en service" in page


# --- Members ---------------------------------------------------------------------------------------


def test_adding_and_removing_members(client):
    world = build_consortium()
    newcomer = make_user(email="nouveau@example.org", name="Nina Nouvelle")
    db.session.commit()
    log_in(client, world.manager)
    page = page_text(client.get(_url(world, "membres")))
    assert "Camille Martin" in page and "Gaëlle Gestion" in page and "Gestionnaire" in page
    assert "Nina Nouvelle" not in page

    response = client.submit(_url(world, "membres"), {"email": "Nouveau@Example.org"})
    assert response.status_code == 303
    membership = db.session.scalar(db.select(VenueMembership).where(VenueMembership.user_id == newcomer.id))
    assert membership.venue_id == world.venue.id and membership.role == VenueRole.MEMBER
    assert "Nina Nouvelle est maintenant membre de La Machinerie." in page_text(client.get(_url(world, "membres")))

    twice = client.submit(_url(world, "membres"), {"email": "nouveau@example.org"})
    assert twice.status_code == 422 and "fait déjà partie de ce lieu" in page_text(twice)
    unknown = client.submit(_url(world, "membres"), {"email": "inconnu@example.org"})
    assert unknown.status_code == 422 and 'value="inconnu@example.org"' in page_text(unknown)
    invalid = client.submit(_url(world, "membres"), {"email": "pas-une-adresse"})
    assert invalid.status_code == 422 and "Cette adresse e-mail n'est pas valide." in page_text(invalid)

    membership_id = membership.id
    removed = htmx_post(
        client,
        _url(world, f"membres/{membership_id}/retirer"),
        target=f"membership-{membership_id}",
        page=_url(world, "membres"),
    )
    assert removed.status_code == 200 and "Nina Nouvelle ne fait plus partie de La Machinerie." in page_text(removed)
    db.session.expire_all()
    assert db.session.get(VenueMembership, membership_id) is None
    assert audit_actions("venue", world.venue.id) == ["member_added", "member_removed"]


def test_a_manager_cannot_remove_a_manager(client):
    world = build_consortium()
    other = make_user(email="second@machinerie.example", name="Sacha Second")
    own = VenueMembership(user_id=other.id, venue_id=world.venue.id, role=VenueRole.MANAGER)
    db.session.add(own)
    db.session.commit()
    log_in(client, world.manager)
    response = htmx_post(
        client, _url(world, f"membres/{own.id}/retirer"), target=f"membership-{own.id}", page=_url(world, "membres")
    )
    assert response.status_code == 422 and "seule la coordination" in page_text(response)
    plain = client.submit(
        _url(world, f"membres/{own.id}/retirer"), {}, page=_url(world, "membres"), follow_redirects=True
    )
    assert "seule la coordination" in page_text(plain)
    db.session.expire_all()
    assert db.session.get(VenueMembership, own.id).role == VenueRole.MANAGER


def test_closure_days_are_today_or_later_in_paris():
    # 23:30 UTC on the 31st of December is already the 1st of January in Paris.
    assert paris_today(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == date(2027, 1, 1)


# --- Public holidays (issue 13) ---------------------------------------------------------------------


def test_a_manager_opens_the_venue_on_a_public_holiday_and_closes_it_again(client):
    from app.bookings.hours import closures_over, public_holidays
    from app.core.clock import paris_to_utc
    from app.models import VenueHolidayOpening

    world = build_consortium()
    today = paris_today(utcnow())
    found = public_holidays(today + timedelta(days=1), today + timedelta(days=366))
    day = min(found)
    log_in(client, world.manager)
    page = page_text(client.get(_url(world, "fermetures")))
    assert "Jours fériés" in page and found[day] in page
    day_bounds = (paris_to_utc(day, datetime.min.time()), paris_to_utc(day + timedelta(days=1), datetime.min.time()))
    assert [c.holiday for c in closures_over([world.venue.id], *day_bounds)] == [found[day]]
    response = client.submit(
        _url(world, f"jours-feries/{day.isoformat()}"), {"ouvrir": "1"}, page=_url(world, "fermetures")
    )
    assert response.status_code == 303
    assert db.session.get(VenueHolidayOpening, (world.venue.id, day)) is not None
    assert "Le lieu sera ouvert le" in page_text(client.get(response.headers["Location"]))
    db.session.expire_all()
    assert closures_over([world.venue.id], *day_bounds) == []
    response = client.submit(_url(world, f"jours-feries/{day.isoformat()}"), {}, page=_url(world, "fermetures"))
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(VenueHolidayOpening, (world.venue.id, day)) is None
    assert audit_actions("venue", world.venue.id) == ["holiday_opened", "holiday_closed"]
    # Not a holiday: refused, nothing written.
    ordinary = next(today + timedelta(days=n) for n in range(2, 30) if today + timedelta(days=n) not in found)
    client.submit(_url(world, f"jours-feries/{ordinary.isoformat()}"), {"ouvrir": "1"}, page=_url(world, "fermetures"))
    assert db.session.get(VenueHolidayOpening, (world.venue.id, ordinary)) is None
