"""Webhooks for partners: registered by a coordinator, signed with HMAC-SHA256, delivered and
retried through the outbox, received by a real HTTP server on loopback that checks the signature."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import ApprovalPolicy
from app.notifications.models import MessageStatus, OutboxMessage, WebhookEndpoint
from app.notifications.outbox import send_due
from tests.helpers import log_in, moment, page_text


class Partner:
    """An HTTP server on loopback: it checks each call's signature with the secret it was given, and
    answers ``statuses`` in turn (then 204)."""

    def __init__(self):
        self.secret = ""
        self.statuses: list[int] = []
        self.calls: list[dict] = []
        partner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                timestamp = self.headers["X-FNT-Timestamp"]
                expected = (
                    "sha256="
                    + hmac.new(partner.secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
                )
                valid = hmac.compare_digest(expected, self.headers["X-FNT-Signature"])
                partner.calls.append(
                    {"valid": valid, "event": self.headers["X-FNT-Event"], "body": json.loads(body), "ts": timestamp}
                )
                self.send_response(partner.statuses.pop(0) if partner.statuses else 204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/fnt"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def partner():
    running = Partner()
    yield running
    running.close()


def _register(client, world, partner, events=("booking.approved", "booking.cancelled")):
    log_in(client, world.coordinator)
    answer = client.submit(
        "/gestion/coordination/webhooks/", {"name": "Agenda culturel", "url": partner.url, "events": list(events)}
    )
    assert answer.status_code == 201, page_text(answer)[:3000]
    partner.secret = re.search(r'<code id="new-secret">([^<]+)</code>', answer.get_data(as_text=True)).group(1)
    client.logout()


def test_a_partner_receives_signed_calls_for_approvals_and_cancellations_retried_until_it_answers(
    client, world, open_day, bearer, partner, clock
):
    world.room.approval_policy = ApprovalPolicy.CONSORTIUM  # approved at once
    db.session.commit()
    _register(client, world, partner)
    partner.statuses = [503]  # the partner is down for the first call
    headers = bearer(world.member)
    body = {
        "resource_id": world.room.id,
        "starts_at": moment(open_day, 10).isoformat(),
        "ends_at": moment(open_day, 12).isoformat(),
    }
    made = client.post("/api/v1/me/bookings", json=body, headers=headers).get_json()
    assert made["status"] == "approved"
    assert len(partner.calls) == 1 and partner.calls[0]["valid"]
    row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "webhook"))
    assert row.status == MessageStatus.PENDING and row.attempts == 1 and "503" in row.last_error

    db.session.commit()  # the test's session lets go of the database (SQLite: one writer at a time)
    clock.shift(timedelta(minutes=2))  # past the first retry delay
    assert send_due().sent == 1
    retried = partner.calls[1]
    assert retried["valid"] and retried["event"] == "booking.approved"
    assert retried["body"]["id"] == partner.calls[0]["body"]["id"]  # the same delivery, tried again
    assert int(retried["ts"]) > int(partner.calls[0]["ts"])  # signed anew at each try
    data = retried["body"]["data"]
    assert data["booking"]["id"] == made["id"] and data["venue"]["slug"] == "la-machinerie"
    assert "Camille" not in json.dumps(retried["body"])  # no personal data goes to partners

    client.post(made["url"] + "/cancel", json={"reason": "Reportée"}, headers=headers)
    assert [call["event"] for call in partner.calls] == ["booking.approved", "booking.approved", "booking.cancelled"]
    assert all(call["valid"] for call in partner.calls)


def test_a_call_signed_with_another_secret_fails_the_partners_check(client, world, open_day, bearer, partner):
    world.room.approval_policy = ApprovalPolicy.CONSORTIUM
    db.session.commit()
    _register(client, world, partner, events=("booking.approved",))
    partner.secret = "whsec_not-the-one"
    body = {
        "resource_id": world.room.id,
        "starts_at": moment(open_day, 14).isoformat(),
        "ends_at": moment(open_day, 15).isoformat(),
    }
    made = client.post("/api/v1/me/bookings", json=body, headers=bearer(world.member)).get_json()
    assert [call["valid"] for call in partner.calls] == [False]
    client.post(made["url"] + "/cancel", json={}, headers=bearer(world.member))
    assert len(partner.calls) == 1  # not subscribed to cancellations


def test_only_a_coordinator_registers_a_webhook_and_a_bad_address_is_refused(client, world, partner):
    log_in(client, world.manager)
    assert client.get("/gestion/coordination/webhooks/").status_code == 403
    client.logout()
    log_in(client, world.coordinator)
    answer = client.submit(
        "/gestion/coordination/webhooks/", {"name": "Carte", "url": "pas une adresse", "events": ["booking.approved"]}
    )
    assert answer.status_code == 422
    assert "Adresse invalide" in page_text(answer)
    assert 'value="Carte"' in answer.get_data(as_text=True)
    assert db.session.scalar(select(WebhookEndpoint)) is None


def test_a_gone_partner_stops_the_calls_and_a_deactivated_one_gets_none(client, world, open_day, bearer, partner):
    world.room.approval_policy = ApprovalPolicy.CONSORTIUM
    db.session.commit()
    _register(client, world, partner)
    partner.statuses = [410]
    body = {
        "resource_id": world.room.id,
        "starts_at": moment(open_day, 9).isoformat(),
        "ends_at": moment(open_day, 10).isoformat(),
    }
    made = client.post("/api/v1/me/bookings", json=body, headers=bearer(world.member)).get_json()
    row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "webhook"))
    assert row.status == MessageStatus.DEAD
    endpoint = db.session.scalar(select(WebhookEndpoint))
    log_in(client, world.coordinator)
    off = client.submit(
        f"/gestion/coordination/webhooks/{endpoint.id}/desactiver", page="/gestion/coordination/webhooks/"
    )
    assert off.status_code == 303
    client.post(made["url"] + "/cancel", json={}, headers=bearer(world.member))
    assert len(partner.calls) == 1


def test_a_partner_hears_of_events_published_changed_and_cancelled_but_not_of_their_bookings(client, partner):
    from app.events import rules
    from tests.events.conftest import build_events_world, draft, evening

    world = build_events_world()
    db.session.commit()
    _register(client, world, partner, events=("event.published", "event.changed", "booking.approved"))

    [event] = rules.create_event(draft(world, *evening(2)), world.manager)
    db.session.commit()
    rules.cancel_event(event, world.manager, "Salle inondée")
    db.session.commit()

    # The event's own booking of its space is no booking for partners: no booking.approved.
    assert [call["event"] for call in partner.calls] == ["event.published", "event.changed"]
    assert all(call["valid"] for call in partner.calls)
    published, changed = (call["body"]["data"]["event"] for call in partner.calls)
    assert published["id"] == event.id and published["title"] == event.title and published["cancelled"] is False
    assert published["url"].endswith(f"/api/v1/events/{event.id}")
    assert changed["cancelled"] is True
