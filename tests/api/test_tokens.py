"""Personal API tokens: made on the account page (shown once, stored hashed), used, expired, revoked."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from sqlalchemy import select

from app.api.models import ApiToken
from app.core.clock import paris_today
from app.extensions import db
from tests.helpers import log_in, page_text


def _token_in(page: str) -> str:
    found = re.search(r'<code id="new-token">([^<]+)</code>', page)
    assert found, page[:2000]
    return found.group(1)


def test_a_member_makes_a_token_on_their_account_page_sees_it_once_and_uses_it(client, world):
    log_in(client, world.member)
    assert "Mes jetons d'API" in page_text(client.get("/compte/"))
    made = client.submit("/compte/jetons-api/", {"name": "Site de l'asso"})
    assert made.status_code == 201
    plain = _token_in(made.get_data(as_text=True))
    stored = db.session.scalar(select(ApiToken).where(ApiToken.user_id == world.member.id))
    assert stored.secret_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert plain not in (stored.prefix, stored.secret_hash, stored.name)
    # Shown once: the list shows its beginning only.
    listed = client.get("/compte/jetons-api/").get_data(as_text=True)
    assert plain not in listed and stored.prefix in listed and "Site de l&#39;asso" in listed

    api = client.application.test_client()
    answer = api.get("/api/v1/me/bookings", headers={"Authorization": f"Bearer {plain}"})
    assert answer.status_code == 200
    assert answer.get_json()["items"] == []
    db.session.expire_all()
    assert db.session.get(ApiToken, stored.id).last_used_at is not None


def test_a_token_without_a_name_or_with_a_past_expiry_is_refused_next_to_the_field(client, world):
    log_in(client, world.member)
    answer = client.submit("/compte/jetons-api/", {"name": "  ", "expires_on": ""})
    assert answer.status_code == 422
    assert "Donnez un nom à ce jeton" in page_text(answer)
    yesterday = paris_today() - timedelta(days=1)
    answer = client.submit("/compte/jetons-api/", {"name": "Vieux", "expires_on": yesterday.isoformat()})
    assert answer.status_code == 422
    assert "Cette date est passée." in page_text(answer)
    assert 'value="Vieux"' in answer.get_data(as_text=True)
    assert db.session.scalar(select(ApiToken)) is None


def test_a_revoked_token_or_an_expired_one_no_longer_opens_the_api(client, world, bearer, clock):
    headers = bearer(world.member)
    lasting = bearer(world.member, name="Court", expires_on=paris_today())
    api = client.application.test_client()
    assert api.get("/api/v1/me/bookings", headers=lasting).status_code == 200
    clock.shift(timedelta(days=1))
    expired = api.get("/api/v1/me/bookings", headers=lasting)
    assert expired.status_code == 401
    assert expired.headers["WWW-Authenticate"].startswith("Bearer")
    assert expired.content_type == "application/problem+json"

    log_in(client, world.member)
    token = db.session.scalar(select(ApiToken).where(ApiToken.name == "Script"))
    revoked = client.submit(f"/compte/jetons-api/{token.id}/revoquer", page="/compte/jetons-api/")
    assert revoked.status_code == 303
    assert api.get("/api/v1/me/bookings", headers=headers).status_code == 401
    assert api.get("/api/v1/me/bookings", headers={"Authorization": "Bearer fntp_made-up"}).status_code == 401


def test_nobody_revokes_the_token_of_someone_else(client, world, bearer):
    bearer(world.other_member)
    token = db.session.scalar(select(ApiToken))
    log_in(client, world.member)
    answer = client.submit(f"/compte/jetons-api/{token.id}/revoquer", page="/compte/jetons-api/")
    assert answer.status_code == 404
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).revoked_at is None


def test_the_rate_limit_counts_per_token(app_factory, world, bearer):
    limited = app_factory(RATELIMIT_ENABLED=True, API_RATE_LIMIT="3 per minute")
    from app.extensions import limiter

    with limited.app_context():
        limiter.reset()
    first, second = bearer(world.member), bearer(world.member, name="Autre")
    api = limited.test_client()
    assert [api.get("/api/v1/me/bookings", headers=first).status_code for _ in range(4)] == [200, 200, 200, 429]
    refused = api.get("/api/v1/me/bookings", headers=first)
    assert refused.content_type == "application/problem+json"
    assert api.get("/api/v1/me/bookings", headers=second).status_code == 200
