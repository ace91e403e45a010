"""Quotas are set on the resource's management page, and the booking form refuses past them."""

from __future__ import annotations

from app.bookings import service
from app.extensions import db
from app.models import QUOTA_COLUMNS, QuotaPeriod, QuotaScope, Resource
from tests.helpers import HTMX, csrf_token_from, local, log_in, moment, text_of

EDIT = {
    "name": "Salle de réunion",
    "slug": "salle",
    "min_duration_minutes": "1h",
    "max_duration_minutes": "8h",
    "slot_minutes": "30",
    "notice_minutes": "1h",
    "horizon_days": "180",
    "buffer_minutes": "0",
    "open_to": "consortium",
    "approval_policy": "manager",
    "tariff_consortium-hour_cents": "10",
    "tariff_consortium-half_day_cents": "30",
    "tariff_consortium-day_cents": "50",
    "tariff_external-hour_cents": "25",
    "tariff_external-day_cents": "150",
}


def _quotas(resource_id):
    db.session.expire_all()
    resource = db.session.get(Resource, resource_id)
    return {key: getattr(resource, column) for key, column in QUOTA_COLUMNS.items() if getattr(resource, column)}


def test_a_manager_sets_quotas_and_the_booking_form_says_how_much_is_left(client, world, monday):
    url = f"/gestion/lieux/{world.venue.slug}/ressources/{world.room.id}"
    log_in(client, world.manager)
    bad = client.submit(url, {**EDIT, "quota_member_week": "0"})
    assert bad.status_code == 422 and "Entre 1 et 2 000 heures, ou laissez vide." in text_of(bad.get_data(as_text=True))
    assert _quotas(world.room.id) == {}

    assert client.submit(url, {**EDIT, "quota_member_week": "3", "quota_organisation_month": "20"}).status_code == 303
    assert _quotas(world.room.id) == {
        (QuotaScope.MEMBER, QuotaPeriod.WEEK): 3,
        (QuotaScope.ORGANISATION, QuotaPeriod.MONTH): 20,
    }
    assert 'name="quota_member_week" type="number" value="3"' in client.get(url).get_data(as_text=True)

    client.logout()
    log_in(client, world.member)
    service.request_booking(world.room, world.member, moment(monday, 10), moment(monday, 12))
    form = f"/ressources/{world.room.id}/reserver"
    token = csrf_token_from(client.get(form).get_data(as_text=True))
    summary = client.post(
        f"{form}/verifier",
        data={"csrf_token": token, "starts_at": local(monday, 14), "ends_at": local(monday, 16), "repeat": "none"},
        headers={**HTMX, "HX-Target": "booking-summary"},
    ).get_data(as_text=True)
    assert "Quota dépassé : cette ressource se réserve au plus 3 h par membre et par semaine." in text_of(summary)
    assert "il vous reste 1 h ; cette réservation en demande 2 h." in text_of(summary)

    client.logout()
    log_in(client, world.manager)
    assert client.submit(url, {**EDIT, "quota_member_week": "", "quota_organisation_month": "20"}).status_code == 303
    assert _quotas(world.room.id) == {(QuotaScope.ORGANISATION, QuotaPeriod.MONTH): 20}
