"""Newcomers: spam protection of the public form, and private links that reveal nothing when bad."""

from __future__ import annotations

from flask import current_app
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from app.core.clock import utcnow
from app.extensions import db
from app.newcomers import tokens
from app.newcomers.spam import make_form_stamp
from tests.factories.newcomers import consortium, count_requests, only_request, request_data, submit
from tests.helpers import BrowserLikeClient, link_in


def test_honeypot_gets_the_same_answer_and_nothing_is_kept(client, outbox):
    themes, _venues, _managers = consortium()
    response = submit(client, themes, "fablab", website="http://spam.example")
    assert response.status_code == 303 and response.headers["Location"].endswith("/projets/envoyee")
    assert count_requests() == 0 and outbox.messages() == []


def test_a_form_sent_back_too_fast_is_not_taken_but_keeps_its_content(client, outbox):
    themes, _venues, _managers = consortium()
    for stamp in (make_form_stamp(), "forged-stamp", ""):
        response = submit(client, themes, "fablab", started=stamp)
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert "est pas encore partie : relisez-la" in page
        assert 'value="Inès Durand"' in page and 'value="Atelier de réparation de vélos"' in page
    assert count_requests() == 0 and outbox.messages() == []
    # The form shown again carries a fresh stamp: sent back after the minimum time, it goes.
    assert submit(client, themes, "fablab").status_code == 303
    assert count_requests() == 1


def test_rate_limit_per_address(app_factory, app, outbox):
    themes, _venues, _managers = consortium()
    limited = app_factory(RATELIMIT_ENABLED=True, NEWCOMER_RATE_LIMIT="3 per hour")
    limited.test_client_class = BrowserLikeClient
    browser = limited.test_client()
    statuses = [
        browser.submit("/projets/proposer", request_data(themes, "fablab", project_title=f"Projet {n}")).status_code
        for n in range(4)
    ]
    assert statuses == [303, 303, 303, 429]
    assert count_requests() == 3
    # Another address is not held back by the first one's requests.
    other = limited.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert other.submit("/projets/proposer", request_data(themes, "fablab")).status_code == 303


def _old_status_token(request, days_ago: int) -> str:
    """A link as it was signed ``days_ago`` days ago (the real salt and key, an old clock)."""

    class SignerOfThePast(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(utcnow().timestamp()) - days_ago * 24 * 3600

    serializer = URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt=tokens._LINK_SALT, signer=SignerOfThePast
    )
    return serializer.dumps({"r": request.id, "n": request.link_nonce})


def test_bad_expired_or_voided_links_reveal_nothing(client, outbox):
    themes, _venues, _managers = consortium()
    submit(client, themes, "fablab")
    good = link_in(outbox, "ines@example.org", "/projets/suivi/")
    assert client.get(good).status_code == 200
    stored = only_request()

    def reveals_nothing(path: str) -> None:
        response = client.get(path)
        page = response.get_data(as_text=True)
        assert response.status_code == 404
        assert "Atelier de réparation de vélos" not in page and "Inès" not in page and "La Machinerie" not in page

    reveals_nothing("/projets/suivi/not-a-token")
    reveals_nothing(good[:-3] + ("aaa" if not good.endswith("aaa") else "bbb"))  # tampered signature
    reveals_nothing(f"/projets/suivi/{_old_status_token(stored, days_ago=89)}".replace("/suivi/", "/invitation/"))
    assert client.get(f"/projets/suivi/{_old_status_token(stored, days_ago=89)}").status_code == 200
    reveals_nothing(f"/projets/suivi/{_old_status_token(stored, days_ago=91)}")  # links last 90 days
    expired = f"/projets/suivi/{_old_status_token(stored, days_ago=91)}/retrait"
    assert client.submit(expired, {"confirm": "y"}, page=good).status_code == 404
    assert only_request().status == "new"

    # A new nonce (the purge sets one) voids every link already sent.
    stored.link_nonce = "0" * 32
    db.session.commit()
    reveals_nothing(good)
