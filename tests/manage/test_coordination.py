"""Coordinators' pages: venues, managers, themes, organisations, consortium closures, users."""

from __future__ import annotations

from datetime import time

from app.core.clock import paris_today
from app.extensions import db
from app.models import (
    Audience,
    Closure,
    ClosureStatus,
    ConsortiumClosure,
    Organisation,
    Theme,
    User,
    Venue,
    VenueMembership,
    VenueRole,
    utcnow,
)
from tests.factories import PASSWORD, make_organisation, make_user
from tests.factories.manage import build_consortium
from tests.helpers import BrowserLikeClient, audit_actions, htmx_get, htmx_post, log_in, page_text

COORD = "/gestion/coordination"


def _themes():
    ecology = Theme(
        slug="ecologie",
        name_fr="Écologie et maraîchage bio",
        name_en="Ecology and organic market gardening",
        position=1,
    )
    art = Theme(slug="art", name_fr="Expérimentation artistique", name_en="Artistic experimentation", position=2)
    db.session.add_all([ecology, art])
    db.session.commit()
    return ecology, art


VENUE_FORM = {
    "name": "L'Île aux Fruits",
    "slug": "",
    "short_description": "Maraîchage et ferme pédagogique",
    "description": "Un lieu\r\nau bord de l'eau.",
    "street": "12 chemin de halage",
    "postal_code": "80000",
    "city": "Amiens",
    "email": "Contact@IleAuxFruits.example",
    "phone": "03 22 00 00 00",
    "website": "https://ile.example",
    "representative_name": "Dominique Durand",
    "representative_role": "Présidente",
    "is_active": "y",
    "hours-d2": "9h-12h, 14h-18h",
    "hours-d5": "10:00-17:00",
}


def test_a_coordinator_creates_a_venue_with_themes_and_opening_hours(client):
    world = build_consortium()
    ecology, _ = _themes()
    log_in(client, world.coordinator)
    response = client.submit(f"{COORD}/lieux/nouveau", {**VENUE_FORM, "theme_ids": [str(ecology.id)]})
    assert response.status_code == 303
    db.session.expire_all()
    venue = db.session.scalar(db.select(Venue).where(Venue.slug == "l-ile-aux-fruits"))
    assert venue.name == "L'Île aux Fruits" and venue.email == "contact@ileauxfruits.example"
    assert venue.description == "Un lieu\nau bord de l'eau."
    assert [t.slug for t in venue.themes] == ["ecologie"]
    assert [(h.weekday, h.opens, h.closes) for h in venue.opening_hours] == [
        (2, time(9), time(12)),
        (2, time(14), time(18)),
        (5, time(10), time(17)),
    ]
    assert audit_actions("venue", venue.id) == ["created"]
    # The public venue page shows it.
    public = page_text(client.get("/lieux/l-ile-aux-fruits"))
    assert "09:00–12:00, 14:00–18:00" in public and "Écologie et maraîchage bio" in public


def test_editing_a_venue_and_refusals(client):
    world = build_consortium()
    _, art = _themes()
    log_in(client, world.coordinator)
    url = f"{COORD}/lieux/{world.venue.id}"
    page = page_text(client.get(url))
    assert 'value="09:00-18:00"' in page and 'value="La Machinerie"' in page
    taken = client.submit(url, {**VENUE_FORM, "name": "la briqueterie", "slug": "la-machinerie"})
    assert taken.status_code == 422 and "Un autre lieu porte déjà ce nom." in page_text(taken)
    assert 'value="12 chemin de halage"' in page_text(taken)
    bad_hours = client.submit(url, {**VENUE_FORM, "slug": "la-machinerie", "hours-d0": "18h-9h"})
    assert bad_hours.status_code == 422 and "doit suivre" in page_text(bad_hours)
    db.session.expire_all()
    assert db.session.get(Venue, world.venue.id).name == "La Machinerie"

    changed = {
        **VENUE_FORM,
        "name": "La Machinerie",
        "slug": "la-machinerie",
        "theme_ids": [str(art.id)],
        "is_active": "",
    }
    assert client.submit(url, changed).status_code == 303
    db.session.expire_all()
    venue = db.session.get(Venue, world.venue.id)
    assert not venue.is_active and [t.slug for t in venue.themes] == ["art"]
    assert sorted({h.weekday for h in venue.opening_hours}) == [2, 5]
    assert audit_actions("venue", venue.id) == ["updated"]
    assert client.get("/lieux/la-machinerie").status_code == 404  # inactive venues leave the catalogue
    assert client.get(f"{COORD}/lieux/999999").status_code == 404


def test_naming_and_removing_managers(client):
    world = build_consortium()
    log_in(client, world.coordinator)
    # A member of the venue becomes its manager (the membership is promoted).
    response = client.submit(f"{COORD}/gestionnaires", {"email": world.member.email, "venue_id": str(world.venue.id)})
    assert response.status_code == 303
    db.session.expire_all()
    membership = db.session.scalar(db.select(VenueMembership).where(VenueMembership.user_id == world.member.id))
    assert membership.role == VenueRole.MANAGER
    again = client.submit(f"{COORD}/gestionnaires", {"email": world.member.email, "venue_id": str(world.venue.id)})
    assert again.status_code == 422 and "gère déjà ce lieu" in page_text(again)
    unknown = client.submit(f"{COORD}/gestionnaires", {"email": "x@example.org", "venue_id": str(world.venue.id)})
    assert unknown.status_code == 422 and "Aucun compte" in page_text(unknown)
    bad_venue = client.submit(f"{COORD}/gestionnaires", {"email": world.member.email, "venue_id": "999999"})
    assert bad_venue.status_code == 422 and "Choisissez un lieu de la liste." in page_text(bad_venue)

    # The new manager reaches the venue's pages in their own browser.
    second = BrowserLikeClient(client.application)
    log_in(second, world.member)
    assert second.get(f"/gestion/lieux/{world.venue.slug}/ressources").status_code == 200

    membership_id = membership.id
    removed = htmx_post(
        client,
        f"{COORD}/gestionnaires/{membership_id}/retirer",
        target=f"manager-{membership_id}",
        page=f"{COORD}/gestionnaires",
    )
    assert removed.status_code == 200 and "reste membre du lieu" in page_text(removed)
    db.session.expire_all()
    assert db.session.get(VenueMembership, membership_id).role == VenueRole.MEMBER
    assert second.get(f"/gestion/lieux/{world.venue.slug}/ressources").status_code == 403
    assert audit_actions("venue", world.venue.id) == ["manager_added", "manager_removed"]
    # A plain membership is not a manager's: nothing to remove.
    assert (
        client.submit(f"{COORD}/gestionnaires/{membership_id}/retirer", {}, page=f"{COORD}/gestionnaires").status_code
        == 404
    )


def test_themes_are_created_and_renamed_in_both_languages(client):
    world = build_consortium()
    log_in(client, world.coordinator)
    response = client.submit(
        f"{COORD}/thematiques",
        {
            "name_fr": "Création dans l'espace public",
            "name_en": "Creation in public space",
            "slug": "",
            "position": "6",
        },
    )
    assert response.status_code == 303
    theme = db.session.scalar(db.select(Theme))
    assert (theme.slug, theme.position) == ("creation-dans-l-espace-public", 6)
    missing = client.submit(f"{COORD}/thematiques", {"name_fr": "Autre", "name_en": "", "slug": "", "position": "1"})
    assert (
        missing.status_code == 422
        and "Indiquez le nom en anglais." in page_text(missing)
        and 'value="Autre"' in page_text(missing)
    )
    taken = client.submit(
        f"{COORD}/thematiques", {"name_fr": "Autre", "name_en": "Other", "slug": theme.slug, "position": "1"}
    )
    assert taken.status_code == 422 and "est déjà pris" in page_text(taken)
    edit = f"{COORD}/thematiques/{theme.id}"
    assert 'value="Creation in public space"' in page_text(client.get(edit))
    assert (
        client.submit(
            edit,
            {
                "name_fr": "Création en espace public",
                "name_en": "Creation in public space",
                "slug": theme.slug,
                "position": "2",
            },
        ).status_code
        == 303
    )
    db.session.expire_all()
    assert db.session.get(Theme, theme.id).name_fr == "Création en espace public"
    assert db.session.scalar(db.select(db.func.count(Theme.id))) == 1
    assert audit_actions("theme", theme.id) == ["created", "updated"]


def test_organisations_search_and_audience_inline(client):
    world = build_consortium()
    collective = make_organisation("Collectif des Arts de la Rue", audience=Audience.EXTERNAL)
    db.session.commit()
    log_in(client, world.coordinator)
    rows = htmx_get(client, f"{COORD}/structures?q=arts+de", "organisation-rows")
    body = page_text(rows)
    assert "<html" not in body and "Collectif des Arts de la Rue" in body and "Structure de Camille" not in body
    assert '<option value="external" selected>' in rows.get_data(as_text=True)
    page = page_text(client.get(f"{COORD}/structures?q=arts"))
    assert "<html" in page and "Collectif des Arts de la Rue" in page

    response = htmx_post(
        client,
        f"{COORD}/structures/{collective.id}/public",
        {"audience": "partner"},
        target=f"organisation-{collective.id}",
        page=f"{COORD}/structures",
    )
    assert response.status_code == 200 and response.get_data(as_text=True).lstrip().startswith(
        f'<tr id="organisation-{collective.id}">'
    )
    db.session.expire_all()
    assert db.session.get(Organisation, collective.id).audience == Audience.PARTNER
    bad = htmx_post(
        client,
        f"{COORD}/structures/{collective.id}/public",
        {"audience": "vip"},
        target=f"organisation-{collective.id}",
        page=f"{COORD}/structures",
    )
    assert bad.status_code == 422 and "Choisissez un public de la liste." in page_text(bad)
    db.session.expire_all()
    assert db.session.get(Organisation, collective.id).audience == Audience.PARTNER
    assert audit_actions("organisation", collective.id) == ["audience_changed"]


def test_a_consortium_closure_is_proposed_to_each_venue(client):
    world = build_consortium()
    year = paris_today(utcnow()).year + 1
    log_in(client, world.coordinator)
    form = {
        "starts_on": f"{year}-05-01",
        "ends_on": f"{year}-05-01",
        "reason": "Fête du travail",
        "venue_ids": [str(world.venue.id), str(world.other_venue.id)],
    }
    none_chosen = client.submit(f"{COORD}/fermetures", {**form, "venue_ids": []})
    assert none_chosen.status_code == 422 and "Choisissez au moins un lieu." in page_text(none_chosen)
    assert 'value="Fête du travail"' in page_text(none_chosen)
    assert client.submit(f"{COORD}/fermetures", form).status_code == 303
    db.session.expire_all()
    proposal = db.session.scalar(db.select(ConsortiumClosure))
    assert proposal.reason == "Fête du travail" and proposal.proposed_by_id == world.coordinator.id
    closures = db.session.scalars(db.select(Closure).order_by(Closure.venue_id)).all()
    assert [(c.venue_id, c.status) for c in closures] == [
        (world.venue.id, ClosureStatus.PROPOSED),
        (world.other_venue.id, ClosureStatus.PROPOSED),
    ]
    page = page_text(client.get(f"{COORD}/fermetures"))
    main = page[page.index("<main") :]  # (the menu's counter of requests says "en attente" too)
    assert f"le 1er mai {year}" in main and main.count("en attente") == 2
    assert audit_actions("consortium_closure", proposal.id) == ["proposed"]
    # The venue's manager finds it on their closures page, to confirm.
    client.logout()
    log_in(client, world.other_manager)
    assert "À confirmer" in page_text(client.get(f"/gestion/lieux/{world.other_venue.slug}/fermetures"))


def test_users_search_deactivate_and_coordination(client, app):
    world = build_consortium()
    log_in(client, world.coordinator)
    rows = page_text(htmx_get(client, f"{COORD}/utilisateurs?q=MACHINERIE", "user-rows"))
    assert "<html" not in rows and "Gaëlle Gestion" in rows and "gestion de La Machinerie" in rows
    assert "Camille Martin" not in rows

    # The member, logged in elsewhere, is logged out when deactivated.
    member_browser = BrowserLikeClient(app)
    log_in(member_browser, world.member)
    assert member_browser.get("/compte/").status_code == 200
    response = htmx_post(
        client,
        f"{COORD}/utilisateurs/{world.member.id}/desactiver",
        target=f"user-{world.member.id}",
        page=f"{COORD}/utilisateurs",
    )
    assert response.status_code == 200 and "Désactivé" in page_text(response) and "Réactiver" in page_text(response)
    assert member_browser.get("/compte/").status_code == 302
    assert member_browser.login(world.member.email, PASSWORD).status_code == 422

    assert (
        client.submit(f"{COORD}/utilisateurs/{world.member.id}/reactiver", {}, page=f"{COORD}/utilisateurs").status_code
        == 303
    )
    assert (
        client.submit(
            f"{COORD}/utilisateurs/{world.member.id}/donner-coordination", {}, page=f"{COORD}/utilisateurs"
        ).status_code
        == 303
    )
    db.session.expire_all()
    member = db.session.get(User, world.member.id)
    assert member.active and member.is_coordinator
    log_in(member_browser, world.member)
    assert member_browser.get(f"{COORD}/utilisateurs").status_code == 200
    assert audit_actions("user", world.member.id) == ["deactivated", "reactivated", "coordinator_granted"]

    # Nobody locks themselves out.
    own = htmx_post(
        client,
        f"{COORD}/utilisateurs/{world.coordinator.id}/desactiver",
        target=f"user-{world.coordinator.id}",
        page=f"{COORD}/utilisateurs",
    )
    assert own.status_code == 422 and "votre propre compte" in page_text(own)
    own = client.submit(
        f"{COORD}/utilisateurs/{world.coordinator.id}/retirer-coordination",
        {},
        page=f"{COORD}/utilisateurs",
        follow_redirects=True,
    )
    assert "vous retirer vous-même" in page_text(own)
    db.session.expire_all()
    coordinator = db.session.get(User, world.coordinator.id)
    assert coordinator.active and coordinator.is_coordinator
    assert client.submit(f"{COORD}/utilisateurs/{world.member.id}/supprimer", {}, page="/gestion/").status_code == 404


def test_user_list_pages(client):
    world = build_consortium()
    for number in range(55):
        make_user(email=f"personne{number:02d}@example.org", name=f"Personne {number:02d}")
    db.session.commit()
    log_in(client, world.coordinator)
    first = page_text(client.get(f"{COORD}/utilisateurs?q=personne"))
    assert "Personne 00" in first and "Personne 49" in first and "Personne 50" not in first
    assert "/gestion/coordination/utilisateurs?q=personne&page=2" in first
    second = page_text(htmx_get(client, f"{COORD}/utilisateurs?q=personne&page=2", "user-rows"))
    assert "Personne 50" in second and "Personne 54" in second and "Personne 49" not in second
