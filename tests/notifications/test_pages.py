"""The pages of notifications: a manager's choice of a daily digest."""

from __future__ import annotations

import re

from app.extensions import db
from app.models import VenueRole
from tests.factories import PASSWORD, add_membership, make_user, make_venue


def checked(page: str) -> str | None:
    """The value of the radio button that is ticked."""
    match = re.search(r'<input checked[^>]*value="([a-z]+)"', page)
    return match.group(1) if match else None


def test_a_manager_chooses_one_email_a_day_and_can_go_back(client):
    manager = make_user("gestion@test.example", "Noa Bernard")
    add_membership(manager, make_venue(), VenueRole.MANAGER)
    db.session.commit()
    assert client.get("/compte/notifications").status_code == 302  # log in first
    client.login(manager.email, PASSWORD)
    page = client.get("/compte/notifications").get_data(as_text=True)
    assert checked(page) == "immediate"

    response = client.submit("/compte/notifications", {"delivery": "daily"})
    assert response.status_code == 303
    db.session.refresh(manager)
    assert manager.daily_digest is True
    assert checked(client.get("/compte/notifications").get_data(as_text=True)) == "daily"

    refused = client.submit("/compte/notifications", {"delivery": "weekly"})
    assert refused.status_code == 422
    error = re.search(r'<p class="error" id="delivery-error">([^<]+)</p>', refused.get_data(as_text=True))
    assert error and error.group(1) == "Choisissez une des trois options."
    db.session.refresh(manager)
    assert manager.daily_digest is True

    client.submit("/compte/notifications", {"delivery": "immediate"})
    db.session.refresh(manager)
    assert manager.daily_digest is False


def test_a_member_has_no_choice_to_make(client):
    member = make_user("membre@test.example", "Camille Martin")
    db.session.commit()
    client.login(member.email, PASSWORD)
    page = client.get("/compte/notifications")
    assert page.status_code == 200
    assert 'name="delivery"' not in page.get_data(as_text=True)
    client.submit("/compte/notifications", {"delivery": "daily"}, page="/compte/notifications")
    db.session.refresh(member)
    assert member.daily_digest is False
