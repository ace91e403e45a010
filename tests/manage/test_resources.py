"""Managers' resources: list and filters, create, edit, retire, photos."""

from __future__ import annotations

from datetime import time, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

from app.extensions import db
from app.models import (
    ApprovalPolicy,
    Audience,
    Booking,
    Resource,
    ResourceKind,
    ResourcePhoto,
    TariffAudience,
    utcnow,
)
from tests.factories.manage import build_consortium
from tests.helpers import audit_actions, htmx_get, htmx_post, image_bytes, log_in

NEW_KIT = {
    "kind": "kit",
    "name": "  Kit  sono portable ",
    "slug": "",
    "short_description": "Enceintes, table de mixage et micros",
    "description": "Pour les évènements en extérieur.",
    "documentation": "Ne pas exposer à la pluie.",
    "capacity": "",
    "units": "2",
    "checklist": "2 enceintes\r\n1 table de mixage\r\n3 micros",
    "machine_type": "",
    "min_duration_minutes": "2h",
    "max_duration_minutes": "3 j",
    "slot_minutes": "1h",
    "notice_minutes": "48h",
    "horizon_days": "90",
    "buffer_minutes": "30 min",
    "open_to": "partner",
    "approval_policy": "manager",
    "tariff_consortium-hour_cents": "",
    "tariff_consortium-half_day_cents": "12,50",
    "tariff_consortium-day_cents": "20",
    "tariff_partner-day_cents": "35.5",
    "tariff_external-hour_cents": "",
    "deposit_cents": "150",
    "hours-d5": "10:00-13:00",
}


def _url(world, suffix=""):
    return f"/gestion/lieux/{world.venue.slug}/ressources{suffix}"


def _count_resources() -> int:
    return db.session.scalar(db.select(db.func.count(Resource.id)))


def test_the_list_shows_the_venues_resources_with_their_state(client):
    world = build_consortium()
    log_in(client, world.manager)
    page = client.get(_url(world)).get_data(as_text=True)
    assert "<html" in page and "Salle de réunion" in page and "Découpeuse laser" in page and "Kit exposition" in page
    assert "Atelier des arts" not in page  # the other venue's
    assert "12 personnes" in page and "3 unités" in page


def test_filters_return_only_the_rows_to_htmx_and_a_whole_page_otherwise(client):
    world = build_consortium()
    world.kit.is_active = False
    db.session.commit()
    log_in(client, world.manager)
    rows = htmx_get(client, _url(world, "?q=laser&state=active"), "resource-rows")
    body = rows.get_data(as_text=True)
    assert rows.status_code == 200 and "<html" not in body and "<tr" in body
    assert "Découpeuse laser" in body and "Salle de réunion" not in body
    retired = htmx_get(client, _url(world, "?q=&state=retired"), "resource-rows").get_data(as_text=True)
    assert "Kit exposition" in retired and "Salle de réunion" not in retired and "Retirée" in retired
    # The same URL typed in the address bar (or shared) gives the whole page, filtered.
    page = client.get(_url(world, "?q=&state=retired")).get_data(as_text=True)
    assert "<html" in page and "Kit exposition" in page and "Salle de réunion" not in page
    assert '<option selected value="retired">' in page
    # Boosted navigation also sends HX-Request but wants the whole page.
    boosted = client.get(_url(world), headers={"HX-Request": "true", "HX-Boosted": "true"}).get_data(as_text=True)
    assert "<html" in boosted
    nothing = htmx_get(client, _url(world, "?q=zzz&state=all"), "resource-rows").get_data(as_text=True)
    assert "Aucune ressource ne correspond" in nothing


def test_a_manager_creates_a_kit_with_tariffs_in_euros(client):
    world = build_consortium()
    log_in(client, world.manager)
    response = client.submit(_url(world, "/nouvelle"), NEW_KIT)
    assert response.status_code == 303
    db.session.expire_all()
    kit = db.session.scalar(db.select(Resource).where(Resource.slug == "kit-sono-portable"))
    assert response.headers["Location"] == _url(world, f"/{kit.id}")
    assert (kit.name, kit.kind, kit.units, kit.venue_id) == ("Kit sono portable", ResourceKind.KIT, 2, world.venue.id)
    assert kit.checklist_items == ["2 enceintes", "1 table de mixage", "3 micros"]
    assert (kit.min_duration_minutes, kit.max_duration_minutes, kit.slot_minutes) == (120, 3 * 24 * 60, 60)
    assert (kit.notice_minutes, kit.horizon_days, kit.buffer_minutes) == (48 * 60, 90, 30)
    assert (kit.open_to, kit.approval_policy, kit.deposit_cents) == (Audience.PARTNER, ApprovalPolicy.MANAGER, 15000)
    consortium = kit.tariff_for(TariffAudience.CONSORTIUM)
    assert (consortium.hour_cents, consortium.half_day_cents, consortium.day_cents) == (None, 1250, 2000)
    assert kit.tariff_for(TariffAudience.PARTNER).day_cents == 3550
    assert kit.tariff_for(TariffAudience.EXTERNAL) is None  # nothing typed: no tariff
    assert [(h.weekday, h.opens, h.closes) for h in kit.opening_hours] == [(5, time(10), time(13))]
    assert kit.capacity is None and not kit.requires_training
    assert audit_actions("resource", kit.id) == ["created"]
    # The edit page shows it back, in euros.
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="12,50"' in page and 'value="35,50"' in page and 'value="150,00"' in page
    assert 'value="48h"' in page and 'value="10:00-13:00"' in page
    # Members see it in the catalogue.
    assert "Kit sono portable" in client.get(f"/lieux/{world.venue.slug}").get_data(as_text=True)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"tariff_consortium-hour_cents": "-3"}, "tariff_consortium-hour_cents", "ne peut pas être négatif"),
        ({"tariff_partner-day_cents": "12,345"}, "tariff_partner-day_cents", "Montant invalide"),
        ({"deposit_cents": "cent euros"}, "deposit_cents", "Montant invalide"),
        (
            {"min_duration_minutes": "4h", "max_duration_minutes": "2h"},
            "max_duration_minutes",
            "plus courte que la durée minimale",
        ),
        ({"slot_minutes": "1 minute"}, "slot_minutes", "Entre 5 min et 24h"),
        ({"notice_minutes": "bientôt"}, "notice_minutes", "Durée invalide"),
        ({"name": "  "}, "name", "Indiquez le nom de la ressource."),
        ({"slug": "Salle Été"}, "slug", "Minuscules sans accent"),
        ({"slug": "salle"}, "slug", "a déjà l&#39;identifiant « salle »"),
        ({"units": "0"}, "units", "Entre 1 et 1 000 unités."),
        ({"horizon_days": "5000"}, "horizon_days", "Entre 1 et 1 095 jours."),
        ({"hours-d0": "9h-12h, 11h-14h"}, "hours-d0", "chevauchent"),
    ],
)
def test_bad_input_comes_back_filled_with_the_message_next_to_the_field(client, changes, field, message):
    world = build_consortium()
    log_in(client, world.manager)
    before = _count_resources()
    response = client.submit(_url(world, "/nouvelle"), {**NEW_KIT, **changes})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'<p class="error" id="{field}-error">' in page
    error_paragraph = page.split(f'<p class="error" id="{field}-error">', 1)[1].split("</p>", 1)[0]
    assert message in error_paragraph
    assert 'value="Enceintes, table de mixage et micros"' in page  # what was typed is kept
    for value in changes.values():
        if value.strip():
            assert f'value="{value}"' in page or f">{value}<" in page
    db.session.expire_all()
    assert _count_resources() == before


def test_editing_changes_tariffs_hours_and_keeps_the_kind(client):
    world = build_consortium()
    log_in(client, world.manager)
    url = _url(world, f"/{world.room.id}")
    form = {
        "kind": "kit",  # ignored: the kind of a resource never changes
        "name": "Grande salle",
        "slug": "salle",
        "short_description": "",
        "description": "",
        "documentation": "",
        "capacity": "40",
        "is_test_space": "y",
        "min_duration_minutes": "1h",
        "max_duration_minutes": "",
        "slot_minutes": "30",
        "notice_minutes": "0",
        "horizon_days": "365",
        "buffer_minutes": "15",
        "open_to": "external",
        "approval_policy": "consortium",
        "tariff_consortium-hour_cents": "0",
        "tariff_external-hour_cents": "15",
        "tariff_external-day_cents": "90",
        "deposit_cents": "",
        "hours-d0": "8h-12h",
        "hours-d2": "14h-22h",
    }
    assert client.submit(url, form).status_code == 303
    db.session.expire_all()
    room = db.session.get(Resource, world.room.id)
    assert (room.kind, room.name, room.capacity, room.is_test_space) == (ResourceKind.SPACE, "Grande salle", 40, True)
    assert room.max_duration_minutes is None and room.open_to == Audience.EXTERNAL
    assert room.tariff_for(TariffAudience.CONSORTIUM).hour_cents == 0  # free, not absent
    assert room.tariff_for(TariffAudience.EXTERNAL).day_cents == 9000
    assert [(h.weekday, h.opens) for h in room.opening_hours] == [(0, time(8)), (2, time(14))]
    assert audit_actions("resource", room.id) == ["updated"]

    # Blank tariffs and hours: the tariff goes, the resource follows the venue's hours again.
    form.update({"tariff_external-hour_cents": "", "tariff_external-day_cents": "", "hours-d0": "", "hours-d2": ""})
    assert client.submit(url, form).status_code == 303
    db.session.expire_all()
    room = db.session.get(Resource, world.room.id)
    assert room.tariff_for(TariffAudience.EXTERNAL) is None and room.opening_hours == []
    # Saving again with nothing changed writes no audit entry.
    assert client.submit(url, form, follow_redirects=True).get_data(as_text=True).count("Rien n&#39;a changé.") == 1
    assert audit_actions("resource", room.id) == ["updated", "updated"]


def test_a_bad_edit_changes_nothing(client):
    world = build_consortium()
    log_in(client, world.manager)
    url = _url(world, f"/{world.laser.id}")
    response = client.submit(
        url,
        {
            "name": "Laser renommé",
            "min_duration_minutes": "1h",
            "slot_minutes": "30",
            "notice_minutes": "1h",
            "horizon_days": "30",
            "buffer_minutes": "0",
            "open_to": "consortium",
            "approval_policy": "manager",
            "deposit_cents": "-10",
        },
    )
    assert response.status_code == 422 and 'value="Laser renommé"' in response.get_data(as_text=True)
    db.session.expire_all()
    laser = db.session.get(Resource, world.laser.id)
    assert laser.name == "Découpeuse laser" and laser.deposit_cents == 0
    assert audit_actions("resource", laser.id) == []


def _booking(world, resource):
    start = utcnow() + timedelta(days=2)
    booking = Booking(
        resource_id=resource.id,
        requester_id=world.member.id,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        holds_until=start + timedelta(hours=2),
    )
    db.session.add(booking)
    db.session.commit()
    return booking


def test_retiring_inline_updates_the_row_and_keeps_the_bookings(client):
    world = build_consortium()
    booking = _booking(world, world.room)
    log_in(client, world.manager)
    response = htmx_post(
        client,
        _url(world, f"/{world.room.id}/retirer"),
        {"next": _url(world)},
        target=f"resource-{world.room.id}",
        page=_url(world),
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert body.lstrip().startswith(f'<tr id="resource-{world.room.id}">')
    assert "Retirée" in body and "Remettre en service" in body
    assert 'id="manage-status" data-hx-swap-oob="innerHTML"' in body and "retirée du catalogue" in body
    db.session.expire_all()
    assert not db.session.get(Resource, world.room.id).is_active
    assert db.session.get(Booking, booking.id) is not None
    assert "Salle de réunion" not in client.get(f"/lieux/{world.venue.slug}").get_data(as_text=True)
    assert audit_actions("resource", world.room.id) == ["retired"]


def test_retiring_without_javascript_redirects_back_with_a_message(client):
    world = build_consortium()
    log_in(client, world.manager)
    back = _url(world, "?q=&state=all")
    response = client.submit(_url(world, f"/{world.room.id}/retirer"), {"next": back}, page=back)
    assert response.status_code == 303 and response.headers["Location"] == back
    page = client.get(back).get_data(as_text=True)
    assert "est retirée du catalogue" in page
    # Back in service, the same way; a foreign "next" is not followed.
    response = client.submit(_url(world, f"/{world.room.id}/remettre"), {"next": "https://example.com/"}, page=back)
    assert response.headers["Location"] == _url(world)
    db.session.expire_all()
    assert db.session.get(Resource, world.room.id).is_active
    assert audit_actions("resource", world.room.id) == ["retired", "reactivated"]


# --- Photos ------------------------------------------------------------------------------------------


def _upload(client, world, content: bytes, filename: str = "photo.png", alt: str = "La salle vue de l'entrée"):
    url = _url(world, f"/{world.room.id}/photos")
    return client.submit(
        url,
        {"photo": (BytesIO(content), filename), "alt_text": alt},
        page=_url(world, f"/{world.room.id}"),
        content_type="multipart/form-data",
    )


def _fetch(client, url: str) -> tuple[int, str, bytes]:
    response = client.get(url)
    try:
        return response.status_code, response.mimetype, response.get_data()
    finally:
        response.close()  # a file was opened to send it


def _photos(world) -> list[ResourcePhoto]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(ResourcePhoto).where(ResourcePhoto.resource_id == world.room.id)))


def test_a_photo_is_checked_re_encoded_stored_and_served(client, app):
    world = build_consortium()
    log_in(client, world.manager)
    exif = Image.Exif()
    exif[0x010F] = "Appareil de test"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90°
    jpeg = image_bytes("JPEG", size=(80, 40), exif=exif.tobytes())
    response = _upload(client, world, jpeg, "IMG_0001.JPG")
    assert response.status_code == 303 and response.headers["Location"].endswith("#photos")
    [photo] = _photos(world)
    assert photo.content_type == "image/jpeg" and photo.filename.endswith(".jpg") and "IMG_0001" not in photo.filename
    assert (photo.width, photo.height) == (40, 80)  # turned upright
    stored = Path(app.instance_path) / "uploads" / "resources" / photo.filename
    assert stored.exists()
    status, mimetype, content = _fetch(client, f"/photos/ressources/{photo.filename}")
    assert status == 200 and mimetype == "image/jpeg"
    with Image.open(BytesIO(content)) as image:
        assert image.size == (40, 80) and 0x010F not in image.getexif()  # metadata gone
    page = client.get(_url(world, f"/{world.room.id}")).get_data(as_text=True)
    assert f'src="/photos/ressources/{photo.filename}"' in page and 'alt="La salle vue de l&#39;entrée"' in page
    assert audit_actions("resource", world.room.id) == ["photo_added"]

    filename = photo.filename
    response = client.submit(
        _url(world, f"/{world.room.id}/photos/{photo.id}/supprimer"), {}, page=_url(world, f"/{world.room.id}")
    )
    assert response.status_code == 303
    assert _photos(world) == [] and not stored.exists()
    assert _fetch(client, f"/photos/ressources/{filename}")[0] == 404


@pytest.mark.parametrize(
    ("alt", "status", "message"),
    [
        ("La salle\x00vue de l'entrée", 400, "caractère nul"),
        ("La salle\x07vue de l'entrée", 422, "caractères invisibles"),
        ("x" * 100_000, 422, "caractères au plus"),
    ],
)
def test_a_refused_photo_leaves_no_file_and_no_row(client, app, alt, status, message):
    """Whatever the refusal, nothing half-written stays: no row, no file in the uploads folder."""
    world = build_consortium()
    log_in(client, world.manager)
    folder = Path(app.instance_path) / "uploads" / "resources"
    before = set(folder.glob("*")) if folder.exists() else set()
    response = _upload(client, world, image_bytes("PNG"), alt=alt)
    assert response.status_code == status and message in response.get_data(as_text=True)
    assert _photos(world) == []
    assert (set(folder.glob("*")) if folder.exists() else set()) == before


@pytest.mark.parametrize(
    ("content", "filename", "alt", "message"),
    [
        (b"GIF89a not really", "photo.png", "Une photo", "n&#39;est pas une image JPEG, PNG ou WebP lisible"),
        (b"%PDF-1.7\n", "plan.pdf", "Un plan", "n&#39;est pas une image JPEG, PNG ou WebP lisible"),
        ("gif", "anim.gif", "Une animation", "n&#39;est pas une image JPEG, PNG ou WebP lisible"),
        ("png-truncated", "coupee.png", "Une photo", "n&#39;est pas une image JPEG, PNG ou WebP lisible"),
        ("png", "photo.png", "", "Décrivez la photo"),
        (b"", "vide.png", "Une photo", "Choisissez une photo"),
    ],
)
def test_what_is_not_a_photo_is_refused(client, content, filename, alt, message):
    world = build_consortium()
    log_in(client, world.manager)
    if content == "gif":
        content = image_bytes("GIF")
    elif content == "png":
        content = image_bytes("PNG")
    elif content == "png-truncated":
        content = image_bytes("PNG", size=(300, 300))[:200]
    response = _upload(client, world, content, filename, alt)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert 'value="Grande salle"' not in page and 'value="Salle de réunion"' in page  # the resource form is intact
    assert _photos(world) == []


def test_photos_too_large_are_refused_and_webp_is_accepted(client, app):
    world = build_consortium()
    log_in(client, world.manager)
    app.config["PHOTO_MAX_BYTES"] = 2000
    big = image_bytes("PNG", size=(400, 400), mode="RGB", compress_level=0)
    response = _upload(client, world, big)
    assert response.status_code == 422 and "La photo dépasse" in response.get_data(as_text=True)
    assert _upload(client, world, image_bytes("WEBP"), "photo.webp").status_code == 303
    assert [p.content_type for p in _photos(world)] == ["image/webp"]


def test_photos_of_a_retired_resource_are_only_for_its_managers(client):
    world = build_consortium()
    log_in(client, world.manager)
    assert _upload(client, world, image_bytes("PNG")).status_code == 303
    [photo] = _photos(world)
    world.room.is_active = False
    db.session.commit()
    assert _fetch(client, f"/photos/ressources/{photo.filename}")[0] == 200
    client.logout()
    assert _fetch(client, f"/photos/ressources/{photo.filename}")[0] == 404
    assert _fetch(client, "/photos/ressources/../../secret_key")[0] == 404
