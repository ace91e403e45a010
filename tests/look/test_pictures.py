"""Pictures of resources: an uploaded photo gets smaller copies for ``srcset`` and loads lazily
wherever the resource is listed; without a photo, the illustration of its kind (decorative)."""

from __future__ import annotations

import re
from datetime import timedelta
from io import BytesIO
from pathlib import Path

from PIL import Image

from app.core.clock import utcnow
from app.extensions import db
from app.models import ResourcePhoto
from tests.factories.agreements import make_booking
from tests.factories.manage import build_consortium
from tests.helpers import image_bytes, log_in


def _upload(client, world, content: bytes):
    base = f"/gestion/lieux/{world.venue.slug}/ressources/{world.room.id}"
    return client.submit(
        f"{base}/photos",
        {"photo": (BytesIO(content), "salle.jpg"), "alt_text": "La salle, tables en U"},
        page=base,
        content_type="multipart/form-data",
    )


def _size_of(client, url: str) -> tuple[int, int]:
    response = client.get(url)
    try:
        assert response.status_code == 200, url
        with Image.open(BytesIO(response.get_data())) as image:
            return image.size
    finally:
        response.close()


def _srcset(page: str, alt: str) -> dict[int, str]:
    tag = re.search(rf'<img [^>]*alt="{re.escape(alt)}"[^>]*>', page, re.S).group(0)
    assert 'loading="lazy"' in tag and 'sizes="' in tag
    sources = re.search(r'srcset="([^"]+)"', tag).group(1)
    return {int(width): url for url, width in re.findall(r"(\S+) (\d+)w", sources)}


def test_an_uploaded_photo_gets_smaller_copies_shown_with_srcset_everywhere(client, app):
    world = build_consortium()
    log_in(client, world.manager)
    assert _upload(client, world, image_bytes("JPEG", size=(1600, 1000))).status_code == 303
    photo = db.session.scalar(db.select(ResourcePhoto))
    folder = Path(app.instance_path) / "uploads" / "resources"
    copies = {width: folder / ResourcePhoto.sized_name(photo.filename, width) for width in (320, 640, 1280)}
    assert all(path.exists() for path in copies.values())

    alt = "La salle, tables en U"
    for page_url in (f"/lieux/{world.venue.slug}", f"/ressources/{world.room.id}", "/ressources/?q=salle"):
        sources = _srcset(client.get(page_url).get_data(as_text=True), alt)
        assert sorted(sources) == [320, 640, 1280, 1600], page_url
        for width, url in sources.items():
            assert _size_of(client, url) == (width, round(1000 * width / 1600))

    # The booking form and the desk show it too.
    form = client.get(f"/ressources/{world.room.id}/reserver").get_data(as_text=True)
    assert sorted(_srcset(form, alt)) == [320, 640, 1280, 1600]
    make_booking(world.room, world.member, utcnow() + timedelta(days=3))
    db.session.commit()
    desk = client.get("/gestion/demandes").get_data(as_text=True)
    assert sorted(_srcset(desk, alt)) == [320, 640, 1280, 1600]

    # Removing the photo removes its copies.
    base = f"/gestion/lieux/{world.venue.slug}/ressources/{world.room.id}"
    assert client.submit(f"{base}/photos/{photo.id}/supprimer", {}, page=base).status_code == 303
    assert not any(path.exists() for path in copies.values())
    assert client.get(f"/photos/ressources/{copies[320].name}").status_code == 404


def test_a_small_photo_gets_no_copy_larger_than_itself(client, app):
    world = build_consortium()
    log_in(client, world.manager)
    assert _upload(client, world, image_bytes("JPEG", size=(500, 400))).status_code == 303
    photo = db.session.scalar(db.select(ResourcePhoto))
    assert photo.sources == [(ResourcePhoto.sized_name(photo.filename, 320), 320), (photo.filename, 500)]
    folder = Path(app.instance_path) / "uploads" / "resources"
    assert not (folder / ResourcePhoto.sized_name(photo.filename, 640)).exists()


def test_a_photo_stored_before_copies_existed_is_served_for_each_size(client, app):
    world = build_consortium()
    folder = Path(app.instance_path) / "uploads" / "resources"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ancienne.png").write_bytes(image_bytes("PNG", size=(800, 600)))
    db.session.add(
        ResourcePhoto(
            resource=world.room, filename="ancienne.png", content_type="image/png", width=800, height=600, size_bytes=9
        )
    )
    db.session.commit()
    assert _size_of(client, "/photos/ressources/ancienne-w320.png") == (800, 600)
    assert client.get("/photos/ressources/ancienne-w321.png").status_code == 404
    assert client.get("/photos/ressources/inconnue-w320.png").status_code == 404


def test_without_a_photo_each_kind_has_its_decorative_illustration(client):
    world = build_consortium()
    venue_page = client.get(f"/lieux/{world.venue.slug}").get_data(as_text=True)
    for kind in ("space", "machine", "kit"):
        match = re.search(rf'<img src="(/static/img/kinds/{kind}\.[0-9a-f]+\.svg)" alt=""', venue_page)
        assert match, kind
        with client.get(match.group(1)) as svg:
            assert svg.status_code == 200 and svg.headers["Content-Type"].startswith("image/svg+xml")
    resource_page = client.get(f"/ressources/{world.laser.id}").get_data(as_text=True)
    assert re.search(r'<img src="/static/img/kinds/machine\.[0-9a-f]+\.svg" alt=""', resource_page)
    assert "photo" not in re.search(r'<img src="/static/img/kinds/machine[^>]+>', resource_page).group(0)
