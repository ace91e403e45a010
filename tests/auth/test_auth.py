"""Sign-up, log-in, log-out, password reset, and CSRF."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import User
from tests.factories import PASSWORD, make_user
from tests.helpers import BrowserLikeClient

SIGN_UP = {
    "name": "Inès Durand",
    "email": "Ines@Example.org",
    "organisation": "Compagnie des Hortillons",
    "organisation_kind": "association",
    "password": "un mot de passe long",
    "confirm": "un mot de passe long",
}


def _link(outbox, message, path_start: str) -> str:
    """The path of the link starting with ``path_start`` in an email."""
    return re.search(rf"https?://[^/\s]+({re.escape(path_start)}\S*)", outbox.text(message)).group(1)


def test_signup_opens_the_account_once_the_emailed_link_is_followed(client, outbox):
    response = client.submit("/compte/inscription", SIGN_UP, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Nous avons envoyé un e-mail à ines@example.org" in page
    assert "Se déconnecter" not in page  # not logged in before the address is confirmed
    user = db.session.scalar(select(User).where(User.email == "ines@example.org"))
    assert user is not None and user.organisation.name == "Compagnie des Hortillons"
    assert user.password_hash.startswith("$argon2id$")
    assert "un mot de passe long" not in user.password_hash
    assert not user.email_confirmed

    # Until then, the right password does not open it: the link is sent again instead.
    waiting = client.login("ines@example.org", "un mot de passe long")
    assert waiting.status_code == 422
    assert "pas encore confirmée" in waiting.get_data(as_text=True)
    first, second = outbox.messages()
    assert first["To"] == second["To"] == "ines@example.org"
    assert "Ouvrez votre compte" in first["Subject"]

    opened = client.get(_link(outbox, second, "/compte/confirmer/"), follow_redirects=True)
    page = opened.get_data(as_text=True)
    assert "Bienvenue, Inès Durand" in page and "Se déconnecter" in page
    db.session.expire_all()
    assert db.session.get(User, user.id).email_confirmed
    client.logout()
    assert client.login("ines@example.org", "un mot de passe long").status_code == 303
    # A link used once does not log anyone in again.
    client.logout()
    again = client.get(_link(outbox, first, "/compte/confirmer/"), follow_redirects=True)
    assert "plus valable" in again.get_data(as_text=True) and "Se déconnecter" not in again.get_data(as_text=True)


def test_a_confirmation_link_expires_after_three_days(client, outbox, clock):
    client.submit("/compte/inscription", SIGN_UP)
    path = _link(outbox, outbox.last(), "/compte/confirmer/")
    clock.shift(timedelta(days=3, minutes=1))
    response = client.get(path, follow_redirects=True)
    assert "plus valable" in response.get_data(as_text=True)
    assert not db.session.scalar(select(User.email_confirmed).where(User.email == "ines@example.org"))


def test_a_password_reset_confirms_a_waiting_address(client, outbox):
    client.submit("/compte/inscription", SIGN_UP)
    client.submit("/compte/mot-de-passe-oublie", {"email": "ines@example.org"})
    path = _link(outbox, outbox.last(), "/compte/mot-de-passe/")
    client.submit(path, {"password": "nouveau mot de passe", "confirm": "nouveau mot de passe"})
    client.logout()
    assert client.login("ines@example.org", "nouveau mot de passe").status_code == 303


def test_signup_errors_keep_the_form_filled(client):
    response = client.submit(
        "/compte/inscription",
        {
            "name": "Inès",
            "email": "pas-une-adresse",
            "organisation": "Asso",
            "organisation_kind": "association",
            "password": "court",
            "confirm": "autre",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Cette adresse e-mail n&#39;est pas valide." in page or "Cette adresse e-mail n'est pas valide." in page
    assert "au moins 10 caractères" in page
    assert 'value="Inès"' in page and 'value="pas-une-adresse"' in page and 'value="Asso"' in page
    assert db.session.scalar(select(User)) is None


def test_signing_up_with_a_registered_address_answers_the_same_and_tells_its_owner(client, outbox):
    """No enumeration: the page says the same as for a new address; the owner gets an email."""
    owner = make_user(email="deja@example.org", name="Camille Martin")
    owner.locale = "en"
    db.session.commit()
    fresh = client.submit("/compte/inscription", SIGN_UP | {"email": "nouvelle@example.org"})
    taken = client.submit("/compte/inscription", SIGN_UP | {"email": "DEJA@example.org"})
    assert fresh.status_code == taken.status_code == 303
    assert fresh.headers["Location"] == taken.headers["Location"]
    page = client.get(taken.headers["Location"]).get_data(as_text=True)
    assert "Nous avons envoyé un e-mail à deja@example.org" in page
    assert len(db.session.scalars(select(User)).all()) == 2  # the owner and the new address only
    db.session.expire_all()
    assert db.session.get(User, owner.id).password_hash == owner.password_hash  # nothing changed
    message = outbox.last()
    assert message["To"] == "deja@example.org"
    assert message["Subject"] == "Your FNT Partage account already exists"  # in the owner's language
    body = outbox.text(message)
    assert "/compte/connexion" in body and "/compte/mot-de-passe-oublie" in body


def test_login_wrong_password_then_right_one(client):
    make_user(email="membre@example.org")
    db.session.commit()
    wrong = client.login("membre@example.org", "mauvais mot de passe")
    assert wrong.status_code == 422
    assert "Adresse e-mail ou mot de passe incorrect." in wrong.get_data(as_text=True)
    unknown = client.login("personne@example.org", PASSWORD)
    assert unknown.status_code == 422
    right = client.login("membre@example.org", PASSWORD, follow_redirects=True)
    assert "Vous êtes connecté·e." in right.get_data(as_text=True)


def test_login_starts_a_new_session_and_logout_ends_it(client):
    make_user(email="membre@example.org", name="Camille Martin")
    db.session.commit()
    with client.session_transaction() as session:
        session["planted"] = "from before login"
    client.login("membre@example.org", PASSWORD)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert "_user_id" in session
    assert "Camille Martin" in client.get("/").get_data(as_text=True)
    client.logout()
    page = client.get("/").get_data(as_text=True)
    assert "Camille Martin" not in page and "Se connecter" in page


def test_cookies_from_before_logout_replayed_get_the_login_page(app, client):
    """After logging out, neither the old session cookie nor the "remember me" cookie opens the
    account again: replayed by another client, both meet the log-in page."""
    make_user(email="membre@example.org", name="Camille Martin")
    db.session.commit()
    client.login("membre@example.org", PASSWORD, remember="y")
    session_cookie = client.get_cookie("session").value
    remember_cookie = client.get_cookie("remember_token").value
    assert client.get("/reservations/").status_code == 200
    client.logout()

    for name, value in (("session", session_cookie), ("remember_token", remember_cookie)):
        replay = app.test_client()
        replay.set_cookie(name, value)
        response = replay.get("/reservations/")
        assert response.status_code == 302 and "/compte/connexion" in response.headers["Location"], name
        assert replay.post("/compte/profil", data={"name": "Pirate"}).status_code in (302, 400), name
    db.session.expire_all()
    assert db.session.scalar(select(User).where(User.email == "membre@example.org")).name == "Camille Martin"


def test_login_redirects_back_but_never_offsite(client):
    make_user(email="membre@example.org")
    db.session.commit()
    page = client.get("/compte/connexion?next=/lieux/x").get_data(as_text=True)
    assert 'value="/lieux/x"' in page
    response = client.login("membre@example.org", PASSWORD, next="/lieux/x")
    assert response.headers["Location"].endswith("/lieux/x")
    client.logout()
    response = client.login("membre@example.org", PASSWORD, next="https://evil.example/")
    assert response.headers["Location"] == "/tableau-de-bord"  # the member's home


def test_remember_me_sets_a_lasting_cookie(client):
    make_user(email="membre@example.org")
    db.session.commit()
    response = client.login("membre@example.org", PASSWORD, remember="y")
    cookies = response.headers.getlist("Set-Cookie")
    assert any(c.startswith("remember_token=") and "Expires=" in c for c in cookies)


def test_csrf_is_required(client):
    make_user(email="membre@example.org")
    db.session.commit()
    response = client.post("/compte/connexion", data={"email": "membre@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert "Formulaire expiré" in response.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_password_reset_by_emailed_link(client, outbox):
    user = make_user(email="membre@example.org", name="Camille Martin")
    db.session.commit()
    old_session_token = user.session_token
    response = client.submit("/compte/mot-de-passe-oublie", {"email": "membre@example.org"}, follow_redirects=True)
    assert "un e-mail avec un lien de réinitialisation" in response.get_data(as_text=True)
    message = outbox.last()
    assert message["To"] == "membre@example.org"
    body = outbox.text(message)
    assert "Bonjour Camille Martin" in body
    link = re.search(r"http://\S+/compte/mot-de-passe/\S+", body).group(0)
    # Text and HTML, like every other email, the HTML with the same link made clickable.
    assert message.is_multipart() and message.get_body(("html",)) is not None
    assert f'href="{link}"' in message.get_body(("html",)).get_content()
    path = link.split("5000", 1)[-1] if "5000" in link else link
    path = "/" + path.split("/", 3)[3] if path.startswith("http") else path

    short = client.submit(path, {"password": "court", "confirm": "court"})
    assert short.status_code == 422
    done = client.submit(
        path, {"password": "nouveau mot de passe", "confirm": "nouveau mot de passe"}, follow_redirects=True
    )
    assert "Votre mot de passe est changé." in done.get_data(as_text=True)
    db.session.expire_all()
    refreshed = db.session.get(User, user.id)
    assert refreshed.session_token != old_session_token

    # The link works once only.
    again = client.get(path, follow_redirects=True)
    assert "plus valable" in again.get_data(as_text=True)
    client.logout()
    assert client.login("membre@example.org", PASSWORD).status_code == 422
    assert client.login("membre@example.org", "nouveau mot de passe").status_code == 303


def test_reset_for_unknown_address_says_the_same_and_sends_nothing(client, outbox):
    response = client.submit("/compte/mot-de-passe-oublie", {"email": "inconnu@example.org"}, follow_redirects=True)
    assert "un e-mail avec un lien de réinitialisation" in response.get_data(as_text=True)
    assert outbox.messages() == []


def test_tampered_reset_token_is_refused(client):
    response = client.get("/compte/mot-de-passe/not-a-token", follow_redirects=True)
    assert "plus valable" in response.get_data(as_text=True)


def _app_with_private_page(app_factory):
    from flask_login import login_required

    application = app_factory()

    @application.get("/prive")
    @login_required
    def private():
        return "secret"

    return application


def test_anonymous_visitor_is_sent_to_login_and_back(app_factory):
    client = _app_with_private_page(app_factory).test_client()
    response = client.get("/prive?semaine=2026-W48")
    assert response.status_code == 302
    assert response.headers["Location"] == "/compte/connexion?next=/prive?semaine%3D2026-W48"


def test_expired_session_on_htmx_request_redirects_the_whole_page(app_factory):
    client = _app_with_private_page(app_factory).test_client()
    response = client.get(
        "/prive",
        headers={"HX-Request": "true", "HX-Target": "calendar", "HX-Current-URL": "http://localhost/lieux/x?semaine=3"},
    )
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/compte/connexion?next=/lieux/x?semaine%3D3"
    assert b"secret" not in response.get_data()


def test_password_change_logs_out_other_sessions(client, app):
    from app.auth.accounts import change_password

    user = make_user(email="membre@example.org", name="Camille Martin")
    db.session.commit()
    client.login("membre@example.org", PASSWORD)
    assert "Camille Martin" in client.get("/").get_data(as_text=True)
    change_password(db.session.get(User, user.id), "un tout nouveau mot de passe")
    db.session.commit()
    assert "Camille Martin" not in client.get("/").get_data(as_text=True)


def test_production_password_hashing(app, app_factory):
    """Production's Argon2id cost (the defaults, which the suite lowers) hashes and verifies, and a
    hash made at another cost is upgraded at the next log-in."""
    from argon2 import PasswordHasher, Type, extract_parameters

    from app.auth.passwords import DEFAULT_PARAMETERS, hash_password, verify_password
    from app.config import load_settings

    assert {name: load_settings(app.instance_path)[name] for name in DEFAULT_PARAMETERS} == DEFAULT_PARAMETERS
    assert DEFAULT_PARAMETERS == {"ARGON2_TIME_COST": 2, "ARGON2_MEMORY_COST": 19 * 1024, "ARGON2_PARALLELISM": 1}
    user = make_user("camille@example.org")
    user.password_hash = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4).hash(PASSWORD)  # the old default
    db.session.commit()
    production = app_factory(**DEFAULT_PARAMETERS)
    with production.app_context():
        strong = hash_password(PASSWORD)
        parameters = extract_parameters(strong)
        assert parameters.type is Type.ID
        assert (parameters.time_cost, parameters.memory_cost, parameters.parallelism) == (2, 19 * 1024, 1)
        assert verify_password(strong, PASSWORD) and not verify_password(strong, PASSWORD + "!")
    production.test_client_class = BrowserLikeClient
    assert production.test_client().login(user.email, PASSWORD).status_code == 303
    db.session.expire_all()
    upgraded = extract_parameters(db.session.get(User, user.id).password_hash)
    assert (upgraded.time_cost, upgraded.memory_cost, upgraded.parallelism) == (2, 19 * 1024, 1)


def test_a_worker_hashes_at_most_its_bound_of_passwords_at_once(app_factory):
    """Argon2 holds its memory while it runs: a worker computes ARGON2_MAX_CONCURRENT hashes at
    once, and the next log-in waits for a turn."""
    from app.auth.passwords import hashing_slot

    bounded = app_factory(ARGON2_MAX_CONCURRENT=3)
    with bounded.app_context():
        with hashing_slot() as first, hashing_slot() as second, hashing_slot() as third:
            assert first and second and third
            with hashing_slot(blocking=False) as fourth:
                assert fourth is False  # every turn taken: a fourth log-in would wait
        with hashing_slot(blocking=False) as again:
            assert again is True  # the turns come back


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("aaaaaaaaaa", "trop facile à deviner"),
        ("1234567890", "trop facile à deviner"),
        ("password12", "trop facile à deviner"),
        ("ines@example.org", "Ne reprenez pas votre adresse e-mail ni votre nom"),
        ("Ines Durand Ines Durand", "Ne reprenez pas votre adresse e-mail ni votre nom"),
    ],
)
def test_signup_refuses_a_password_easy_to_guess_and_keeps_the_form(client, password, message):
    response = client.submit(
        "/compte/inscription",
        {
            "name": "Ines Durand",
            "email": "ines@example.org",
            "organisation": "Compagnie des Hortillons",
            "organisation_kind": "association",
            "password": password,
            "confirm": password,
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page
    assert 'value="Compagnie des Hortillons"' in page  # the rest of the form comes back filled
    assert db.session.scalar(select(User).where(User.email == "ines@example.org")) is None


def test_changing_to_a_password_made_of_ones_email_is_refused(client):
    user = make_user(email="camille.martin@example.org", name="Camille Martin")
    db.session.commit()
    client.login(user.email, PASSWORD)
    response = client.submit(
        "/compte/mot-de-passe",
        {
            "pw-current_password": PASSWORD,
            "pw-password": "camille.martin@example.org",
            "pw-confirm": "camille.martin@example.org",
        },
        page="/compte/",
    )
    assert response.status_code == 422
    assert "Ne reprenez pas votre adresse e-mail ni votre nom" in response.get_data(as_text=True)


def test_wrong_passwords_on_one_account_make_its_next_tries_wait(client, app, clock):
    """Five wrong passwords in a row, from anywhere: the account's next try waits a minute, then
    two… and says so; once the wait is over, the right password works and the count starts again."""
    make_user(email="membre@example.org")
    db.session.commit()
    for attempt in range(5):
        client.environ_base["REMOTE_ADDR"] = f"192.0.2.{attempt + 1}"  # guesses from many addresses
        assert client.login("membre@example.org", f"devinette numéro {attempt}").status_code == 422
    held = client.login("membre@example.org", PASSWORD)
    assert held.status_code == 422 and "Trop de mots de passe erronés pour ce compte" in held.get_data(as_text=True)
    clock.shift(61)
    assert client.login("membre@example.org", "encore une devinette").status_code == 422
    clock.shift(61)  # the sixth failure made it two minutes
    assert "Trop de mots de passe erronés" in client.login("membre@example.org", PASSWORD).get_data(as_text=True)
    clock.shift(60)
    assert client.login("membre@example.org", PASSWORD).status_code == 303
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.email == "membre@example.org"))
    assert (user.failed_logins, user.login_blocked_until) == (0, None)
