"""The path to a training: a refusal for lack of qualification offers to ask for one (the venue's
managers are emailed and see it on their desk), and shows the upcoming sessions once events exist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.fairuse import training
from app.fairuse.models import TrainingRequest
from tests.helpers import HTMX, csrf_token_from, local, log_in, page_text, text_of


def _check(client, world, monday):
    url = f"/ressources/{world.laser.id}/reserver"
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    return client.post(
        f"{url}/verifier",
        data={"csrf_token": token, "starts_at": local(monday, 10), "ends_at": local(monday, 12), "repeat": "none"},
        headers={**HTMX, "HX-Target": "booking-summary"},
    ).get_data(as_text=True)


def test_asking_for_a_training_from_the_refusal_reaches_the_venues_desk(client, world, monday, outbox):
    log_in(client, world.member)
    summary = _check(client, world, monday)
    assert "Cette machine demande une habilitation" in text_of(summary)
    assert "Demander une formation" in summary and "Prochaines séances" not in summary
    # The training refers to the machine's guides.
    assert f'href="/documentation/ressources/{world.laser.id}/guides"' in summary
    assert "lisez-les avant la séance" in text_of(summary)

    url = f"/ressources/{world.laser.id}/demande-de-formation"
    page = f"/ressources/{world.laser.id}/reserver"
    asked = client.submit(url, {"message": "Disponible les mardis.", "next": page}, page=page, follow_redirects=True)
    assert "Votre demande de formation est envoyée aux gestionnaires du lieu" in page_text(asked)
    # Asking twice (here as htmx does, the offer swapped in place): one request, one email.
    token = csrf_token_from(client.get(page).get_data(as_text=True))
    again = client.post(url, data={"csrf_token": token}, headers={**HTMX, "HX-Target": "training-offer"})
    assert again.status_code == 200 and 'id="training-offer"' in again.get_data(as_text=True)
    assert "<html" not in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(TrainingRequest)) == 1
    emails = [m for m in outbox.messages() if m["Subject"] == "Demande de formation : Découpeuse laser"]
    assert [m["To"] for m in emails] == [world.manager.email]
    body = outbox.text(emails[0])
    assert "Camille Martin demande à être formé·e sur « Découpeuse laser »" in body
    assert "Disponible les mardis." in body and "/gestion/demandes?lieu=la-machinerie#formations" in body
    assert "Vous avez demandé une formation le" in _check(client, world, monday)

    client.logout()
    log_in(client, world.manager)
    desk = text_of(client.get("/gestion/demandes").get_data(as_text=True))
    assert "Demandes de formation" in desk and "Camille Martin (membre@test.example) — Découpeuse laser" in desk
    request_id = db.session.scalar(select(TrainingRequest.id))
    handled = client.submit(
        f"/gestion/formations/{request_id}/traitee", {"next": "/gestion/demandes"}, page="/gestion/demandes"
    )
    assert handled.status_code == 303
    assert "Aucune demande de formation en attente." in page_text(client.get("/gestion/demandes"))
    client.logout()
    log_in(client, world.other_manager)  # another venue's manager cannot touch it
    other = client.submit(f"/gestion/formations/{request_id}/traitee", {}, page="/gestion/demandes")
    assert other.status_code == 404


@dataclass
class Session:
    title: str
    starts_at: datetime
    ends_at: datetime
    url: str


@pytest.fixture()
def sessions_of_events(world, monday):
    """What the events feature will register: the laser's training sessions."""
    from tests.helpers import moment

    laser_id, start = world.laser.id, moment(monday, 14)  # read here: the finder runs in the request

    def finder(resource, now):
        if resource.id != laser_id:
            return []
        return [Session("Initiation à la découpe laser", start, start + timedelta(hours=2), "/evenements/1")]

    assert training.upcoming_training_sessions(world.laser) == []  # no events yet
    training.register_training_sessions(finder)
    yield
    training._session_finders.remove(finder)


def test_the_refusal_shows_the_upcoming_training_sessions_once_events_give_them(
    client, world, monday, sessions_of_events
):
    log_in(client, world.member)
    summary = _check(client, world, monday)
    assert "Prochaines séances de formation" in summary
    assert 'href="/evenements/1">Initiation à la découpe laser</a>' in summary
    assert "Demander une formation" in summary
