"""Who gets into the administration pages, and the refusals that never leak what exists."""

from __future__ import annotations

from datetime import timedelta

from app.extensions import db
from app.models import Closure, Qualification, Resource, VenueMembership, utcnow
from tests.factories import make_user
from tests.factories.manage import build_consortium
from tests.helpers import htmx_get, log_in


def _venue_things(world):
    """One closure, one qualification and the membership of the member, in the first venue."""
    now = utcnow()
    closure = Closure(
        venue_id=world.venue.id, starts_at=now + timedelta(days=3), ends_at=now + timedelta(days=4), reason="Travaux"
    )
    qualification = Qualification(user_id=world.member.id, resource_id=world.laser.id)
    db.session.add_all([closure, qualification])
    db.session.commit()
    membership = db.session.scalar(db.select(VenueMembership).where(VenueMembership.user_id == world.member.id))
    return closure, qualification, membership


def _venue_pages(world) -> list[str]:
    base = f"/gestion/lieux/{world.venue.slug}"
    return [
        f"{base}/ressources",
        f"{base}/ressources/nouvelle",
        f"{base}/ressources/{world.room.id}",
        f"{base}/fermetures",
        f"{base}/habilitations",
        f"{base}/membres",
    ]


def _venue_actions(world, closure, qualification, membership) -> list[str]:
    base = f"/gestion/lieux/{world.venue.slug}"
    room = f"{base}/ressources/{world.room.id}"
    return [
        f"{base}/ressources/nouvelle",
        room,
        f"{room}/retirer",
        f"{room}/remettre",
        f"{room}/photos",
        f"{room}/photos/1/supprimer",
        f"{base}/fermetures",
        f"{base}/fermetures/{closure.id}/supprimer",
        f"{base}/fermetures/{closure.id}/confirmer",
        f"{base}/fermetures/{closure.id}/refuser",
        f"{base}/habilitations",
        f"{base}/habilitations/{qualification.id}/retirer",
        f"{base}/membres",
        f"{base}/membres/{membership.id}/retirer",
    ]


COORDINATION_PAGES = [
    "/gestion/coordination/lieux",
    "/gestion/coordination/lieux/nouveau",
    "/gestion/coordination/gestionnaires",
    "/gestion/coordination/thematiques",
    "/gestion/coordination/structures",
    "/gestion/coordination/fermetures",
    "/gestion/coordination/utilisateurs",
]


def _nothing_changed(world, closure, qualification, membership):
    db.session.expire_all()
    assert db.session.get(Resource, world.room.id).is_active
    assert db.session.get(Closure, closure.id) is not None
    assert db.session.get(Qualification, qualification.id).revoked_at is None
    assert db.session.get(VenueMembership, membership.id) is not None


def test_anonymous_visitors_are_sent_to_log_in(client, app):
    world = build_consortium()
    for url in ["/gestion/", *_venue_pages(world), *COORDINATION_PAGES]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/compte/connexion?next=")
    # An htmx request (a filter on the list) is told to load the log-in page, then come back.
    response = htmx_get(client, f"/gestion/lieux/{world.venue.slug}/ressources?q=salle", "resource-rows")
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/compte/connexion?next=")
    post = client.post(f"/gestion/lieux/{world.venue.slug}/ressources/{world.room.id}/retirer", data={})
    assert post.status_code in (302, 400)
    db.session.expire_all()
    assert db.session.get(Resource, world.room.id).is_active


def test_a_member_is_refused_every_administration_page(client):
    world = build_consortium()
    things = _venue_things(world)
    log_in(client, world.member)
    for url in ["/gestion/", *_venue_pages(world), *COORDINATION_PAGES]:
        assert client.get(url).status_code == 403, url
    for url in _venue_actions(world, *things):
        assert client.submit(url, {}, page="/").status_code == 403, url
    _nothing_changed(world, *things)


def test_a_manager_of_another_venue_gets_not_found_for_everything_of_this_venue(client):
    world = build_consortium()
    things = _venue_things(world)
    log_in(client, world.other_manager)
    for url in _venue_pages(world):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "La Machinerie" not in response.get_data(as_text=True)
    for url in _venue_actions(world, *things):
        assert client.submit(url, {"email": world.member.email, "reason": "x"}, page="/gestion/").status_code == 404, (
            url
        )
    # The same answer as for a venue that does not exist.
    assert client.get("/gestion/lieux/nulle-part/ressources").status_code == 404
    _nothing_changed(world, *things)


def test_ids_of_another_venue_are_not_found_under_ones_own_venue(client):
    world = build_consortium()
    log_in(client, world.other_manager)
    own = f"/gestion/lieux/{world.other_venue.slug}"
    assert client.get(f"{own}/ressources/{world.workshop.id}").status_code == 200
    assert client.get(f"{own}/ressources/{world.room.id}").status_code == 404
    response = client.submit(f"{own}/ressources/{world.room.id}/retirer", {}, page=f"{own}/ressources")
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Resource, world.room.id).is_active


def test_a_manager_sees_only_their_venues_and_no_coordination(client):
    world = build_consortium()
    log_in(client, world.manager)
    home = client.get("/gestion/").get_data(as_text=True)
    assert "La Machinerie" in home and "La Briqueterie" not in home
    assert "/gestion/coordination/" not in home
    assert 'href="/gestion/projets"' in home and 'href="/conventions/"' in home
    assert (
        'href="/gestion/coordination/orientation"' not in home and 'href="/gestion/coordination/courriels"' not in home
    )
    for url in COORDINATION_PAGES:
        assert client.get(url).status_code == 403, url
    response = client.submit(f"/gestion/coordination/utilisateurs/{world.member.id}/desactiver", {}, page="/gestion/")
    assert response.status_code == 403
    db.session.expire_all()
    assert world.member.active


def test_a_coordinator_manages_every_venue(client):
    world = build_consortium()
    log_in(client, world.coordinator)
    home = client.get("/gestion/").get_data(as_text=True)
    assert "La Machinerie" in home and "La Briqueterie" in home
    for link in ("/gestion/projets", "/gestion/coordination/orientation", "/gestion/coordination/courriels"):
        assert f'href="{link}"' in home
        assert client.get(link).status_code == 200, link
    for url in [*_venue_pages(world), *COORDINATION_PAGES]:
        assert client.get(url).status_code == 200, url
    own = f"/gestion/lieux/{world.other_venue.slug}/ressources"
    assert client.submit(f"{own}/{world.workshop.id}/retirer", {}, page=own).status_code == 303
    db.session.expire_all()
    assert not db.session.get(Resource, world.workshop.id).is_active


def test_a_deactivated_manager_loses_access(client):
    world = build_consortium()
    log_in(client, world.manager)
    assert client.get("/gestion/").status_code == 200
    world.manager.active = False
    db.session.commit()
    assert client.get("/gestion/").status_code in (302, 403)


def test_actions_need_the_csrf_token_and_a_post(client):
    world = build_consortium()
    log_in(client, world.manager)
    url = f"/gestion/lieux/{world.venue.slug}/ressources/{world.room.id}/retirer"
    assert client.get(url).status_code == 405
    assert client.post(url, data={}).status_code == 400
    db.session.expire_all()
    assert db.session.get(Resource, world.room.id).is_active


def test_a_user_who_only_belongs_to_no_venue_is_refused(client):
    make_user(email="seul@example.org", name="Sam Seul")
    db.session.commit()
    client.login("seul@example.org", "correct horse battery")
    assert client.get("/gestion/").status_code == 403


def test_the_old_addresses_of_staff_pages_lead_to_their_place_under_gestion(client):
    """Bookmarks and emails already sent still work: 308 keeps the method and the form."""
    world = build_consortium()
    log_in(client, world.coordinator)
    for old, new in [
        ("/projets/gestion?statut=submitted", "/gestion/projets?statut=submitted"),
        ("/projets/orientation", "/gestion/coordination/orientation"),
        ("/coordination/courriels", "/gestion/coordination/courriels"),
    ]:
        moved = client.get(old)
        assert (moved.status_code, moved.headers["Location"]) == (308, new)
        assert client.get(new).status_code == 200
    posted = client.submit("/projets/orientation/par-defaut", {}, page="/gestion/coordination/orientation")
    assert (posted.status_code, posted.headers["Location"]) == (308, "/gestion/coordination/orientation/par-defaut")
