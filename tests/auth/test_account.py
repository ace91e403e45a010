"""My account: profile, organisation, qualifications, password."""

from __future__ import annotations

from datetime import timedelta

from app.extensions import db
from app.models import Qualification, ResourceKind, User, utcnow
from tests.factories import PASSWORD, make_resource, make_user, make_venue


def _member(client):
    user = make_user(email="membre@example.org", name="Camille Martin")
    db.session.commit()
    client.login("membre@example.org", PASSWORD)
    return user


def test_account_needs_login(client):
    response = client.get("/compte/")
    assert response.status_code == 302 and "/compte/connexion" in response.headers["Location"]


def test_account_shows_profile_organisation_and_qualifications(client):
    user = _member(client)
    venue = make_venue()
    laser = make_resource(
        venue,
        slug="laser",
        name="Découpeuse laser",
        kind=ResourceKind.MACHINE,
        requires_training=True,
        machine_type="laser",
    )
    cnc = make_resource(venue, slug="cnc", name="Fraiseuse CNC", kind=ResourceKind.MACHINE, requires_training=True)
    db.session.add(
        Qualification(
            user_id=user.id,
            resource=laser,
            machine_type="laser",
            recognised_consortium_wide=True,
            expires_at=utcnow() + timedelta(days=200),
        )
    )
    db.session.add(Qualification(user_id=user.id, resource=cnc, expires_at=utcnow() - timedelta(days=1)))
    db.session.commit()
    page = client.get("/compte/").get_data(as_text=True)
    assert "Camille Martin" in page and "membre@example.org" in page
    assert user.organisation.name in page
    assert "Découpeuse laser" in page and "valable jusqu" in page and "toutes les machines « laser »" in page
    assert "Fraiseuse CNC" in page and "expirée" in page
    for link in ("/conventions/", "/agenda/", "/compte/notifications"):
        assert f'href="{link}"' in page
        assert client.get(link).status_code == 200, link


def test_update_profile_and_language(client):
    user = _member(client)
    response = client.submit(
        "/compte/profil",
        {"name": "  Camille   Martin-Roy ", "phone": "03 22 00 00 00", "locale": "en"},
        page="/compte/",
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert '<html lang="en-GB">' in response.get_data(as_text=True)
    db.session.expire_all()
    saved = db.session.get(User, user.id)
    assert (saved.name, saved.phone, saved.locale) == ("Camille Martin-Roy", "03 22 00 00 00", "en")


def test_profile_errors_keep_what_was_typed(client):
    user = _member(client)
    response = client.submit("/compte/profil", {"name": "", "phone": "06 12", "locale": "fr"}, page="/compte/")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Indiquez votre nom." in page and 'value="06 12"' in page
    db.session.expire_all()
    assert db.session.get(User, user.id).name == "Camille Martin"


def test_change_password_checks_the_current_one(client):
    _member(client)
    wrong = client.submit(
        "/compte/mot-de-passe",
        {
            "pw-current_password": "pas le bon",
            "pw-password": "nouveau mot de passe",
            "pw-confirm": "nouveau mot de passe",
        },
        page="/compte/",
    )
    assert wrong.status_code == 422
    assert "Ce n&#39;est pas votre mot de passe actuel." in wrong.get_data(as_text=True)
    right = client.submit(
        "/compte/mot-de-passe",
        {"pw-current_password": PASSWORD, "pw-password": "nouveau mot de passe", "pw-confirm": "nouveau mot de passe"},
        page="/compte/",
        follow_redirects=True,
    )
    assert "Votre mot de passe est changé." in right.get_data(as_text=True)
    # This session goes on; the password is the new one.
    assert "Camille Martin" in client.get("/compte/").get_data(as_text=True)
    client.logout()
    assert client.login("membre@example.org", PASSWORD).status_code == 422
    assert client.login("membre@example.org", "nouveau mot de passe").status_code == 303
