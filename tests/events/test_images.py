"""An event's image: uploaded through the event's form (checked by its content with Pillow),
stored with its 320/640/1280 px copies, shown with ``srcset`` on the agenda and the event's page,
in the Atom feed (an enclosure) and the printed programme; refused files leave nothing behind;
replaced and removed images lose their files."""

from __future__ import annotations

import io
from pathlib import Path
from xml.etree import ElementTree as ET

import icalendar
import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from app.core.clock import to_paris
from app.events.models import Event
from app.extensions import db
from tests.events.conftest import evening
from tests.helpers import image_bytes, log_in, page_text, pdf_text

ATOM = {"a": "http://www.w3.org/2005/Atom"}


def _local(moment) -> str:
    return to_paris(moment).strftime("%Y-%m-%dT%H:%M")


def _fields(world, **changes) -> dict:
    start, end = evening(6)
    data = {
        "title": "Portes ouvertes",
        "category": str(world.categories["portes-ouvertes"].id),
        "resource": str(world.hall.id),
        "starts_at": _local(start),
        "ends_at": _local(end),
        "capacity": "25",
        "audience": "families",
        "description": "Visite des ateliers.",
    }
    data.update(changes)
    return data


def _folder(app) -> Path:
    return Path(app.instance_path) / "uploads" / "events"


def _files(app) -> set[Path]:
    folder = _folder(app)
    return set(folder.glob("*")) if folder.exists() else set()


def _create(client, world, **changes):
    url = f"/gestion/evenements/nouveau?lieu={world.venue.slug}"
    return client.submit(url, _fields(world, **changes), page=url, content_type="multipart/form-data")


def _event() -> Event:
    db.session.expire_all()
    return db.session.scalar(select(Event))


def _width_of(path: Path) -> int:
    with Image.open(path) as image:
        return image.width


def test_an_uploaded_image_is_stored_in_three_sizes_and_shown_with_srcset(client, app, world):
    log_in(client, world.manager)
    before = _files(app)
    photo = image_bytes("JPEG", size=(2000, 1000))
    response = _create(client, world, image=(io.BytesIO(photo), "IMG_0042.JPG"), image_alt="La grande salle en fête")
    assert response.status_code == 303, page_text(response)[:2000]
    event = _event()
    assert event.image_path.endswith(".jpg") and "IMG_0042" not in event.image_path
    assert (event.image_width, event.image_height) == (2000, 1000) and event.image_alt == "La grande salle en fête"
    written = _files(app) - before
    assert {_width_of(path) for path in written} == {320, 640, 1280, 2000}
    stem = event.image_path.rsplit(".", 1)[0]
    assert {p.name for p in written} == {event.image_path, *(f"{stem}-w{w}.jpg" for w in (320, 640, 1280))}

    page = client.get(f"/programme/{event.id}").get_data(as_text=True)
    assert f'src="/programme/images/{event.image_path}"' in page
    assert 'alt="La grande salle en fête"' in page
    assert (
        f"/programme/images/{stem}-w320.jpg 320w, /programme/images/{stem}-w640.jpg 640w, "
        f"/programme/images/{stem}-w1280.jpg 1280w, /programme/images/{event.image_path} 2000w"
    ) in page
    assert 'sizes="(max-width: 44rem) calc(100vw - 2rem), 40rem"' in page
    agenda = client.get("/programme").get_data(as_text=True)
    assert f"/programme/images/{stem}-w320.jpg 320w" in agenda and 'loading="lazy"' in agenda

    served = client.get(f"/programme/images/{stem}-w640.jpg")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    with Image.open(io.BytesIO(served.get_data())) as image:
        assert image.size == (640, 320)
    served.close()
    assert client.get("/programme/images/inconnu-w320.jpg").status_code == 404

    feed = ET.fromstring(client.get("/programme/nouveautes.atom").data)
    [enclosure] = feed.findall("a:entry/a:link[@rel='enclosure']", ATOM)
    assert enclosure.get("type") == "image/jpeg"
    assert enclosure.get("href").endswith(f"/programme/images/{event.image_path}")

    [vevent] = icalendar.Calendar.from_ical(client.get(f"/programme/{event.id}.ics").data).walk("VEVENT")
    assert str(vevent["image"]).endswith(f"/programme/images/{event.image_path}")
    assert vevent["image"].params["FMTTYPE"] == "image/jpeg"

    month = to_paris(event.starts_at)
    pdf = client.get(f"/programme/mois/{month.year}-{month.month}.pdf").data
    assert "Portes ouvertes" in pdf_text(pdf)
    images = [image for page in PdfReader(io.BytesIO(pdf)).pages for image in page.images]
    assert len(images) == 1 and images[0].image.width == 320


@pytest.mark.parametrize(
    ("content", "filename", "alt", "message"),
    [
        (b"GIF89a not really", "affiche.png", "Une affiche", "n&#39;est pas une image JPEG, PNG ou WebP lisible"),
        (b"%PDF-1.7\n", "affiche.pdf", "Une affiche", "n&#39;est pas une image JPEG, PNG ou WebP lisible"),
        ("gif", "anim.gif", "Une animation", "n&#39;est pas une image JPEG, PNG ou WebP lisible"),
        ("png", "affiche.png", "", "Décrivez l&#39;image en quelques mots"),
    ],
)
def test_a_refused_image_comes_back_next_to_its_field_and_leaves_nothing(
    client, app, world, content, filename, alt, message
):
    log_in(client, world.manager)
    before = _files(app)
    if content == "gif":
        content = image_bytes("GIF")
    elif content == "png":
        content = image_bytes("PNG", size=(800, 600))
    response = _create(client, world, image=(io.BytesIO(content), filename), image_alt=alt)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    field = "image_alt" if alt == "" else "image"
    assert f'<p class="error" id="{field}-error">' in page and message in page.split(f'id="{field}-error"')[1][:300]
    assert 'value="Portes ouvertes"' in page and "Visite des ateliers." in page  # the form comes back filled
    assert _event() is None and _files(app) == before


def test_an_image_too_large_is_refused_in_english_too(client, app, world):
    world.manager.locale = "en"
    db.session.commit()
    log_in(client, world.manager)
    app.config["PHOTO_MAX_BYTES"] = 2000
    big = image_bytes("PNG", size=(400, 400), compress_level=0)
    response = _create(client, world, image=(io.BytesIO(big), "big.png"), image_alt="Big")
    assert response.status_code == 422
    assert "The photo is larger than" in page_text(response)
    assert _event() is None


def test_replacing_then_removing_the_image(client, app, world):
    log_in(client, world.manager)
    created = _create(client, world, image=(io.BytesIO(image_bytes("PNG", size=(700, 350))), "a.png"), image_alt="A")
    assert created.status_code == 303
    event_id, first_name = _event().id, _event().image_path
    old, old_copy = _folder(app) / first_name, _folder(app) / first_name.replace(".png", "-w640.png")
    assert old.is_file() and old_copy.is_file()
    url = f"/gestion/evenements/{event_id}/modifier"
    form = page_text(client.get(url))
    assert "Image actuelle" in form and "Retirer l'image" in form
    # Only the description changes: the image is kept.
    kept = client.submit(
        url, _fields(world, image_alt="Une affiche bleue"), page=url, content_type="multipart/form-data"
    )
    assert kept.status_code == 303 and _event().image_path == first_name
    assert _event().image_alt == "Une affiche bleue"
    # Replaced by a WebP: the new files are there, the old ones are gone.
    webp = image_bytes("WEBP", size=(500, 500))
    replaced = client.submit(
        url,
        _fields(world, image=(io.BytesIO(webp), "b.webp"), image_alt="Une affiche verte"),
        page=url,
        content_type="multipart/form-data",
    )
    assert replaced.status_code == 303
    second = _event()
    second_name = second.image_path
    assert second_name.endswith(".webp") and (second.image_width, second.image_height) == (500, 500)
    assert (_folder(app) / second_name).is_file() and not old.exists() and not old_copy.exists()
    # Removed: no image shown, no file left.
    removed = client.submit(
        url, _fields(world, remove_image="y", image_alt=""), page=url, content_type="multipart/form-data"
    )
    assert removed.status_code == 303
    third = _event()
    assert third.image is None and third.image_path == "" and third.image_alt == ""
    assert not (_folder(app) / second_name).exists()
    assert "/programme/images/" not in client.get(f"/programme/{third.id}").get_data(as_text=True)


def test_an_engine_refusal_writes_no_image_file(client, app, world):
    """A collision refuses the event: the image sent with it leaves no file behind."""
    log_in(client, world.manager)
    assert _create(client, world).status_code == 303
    before = _files(app)
    again = _create(client, world, title="Doublon", image=(io.BytesIO(image_bytes("PNG")), "x.png"), image_alt="X")
    assert again.status_code == 422 and "déjà réservé" in page_text(again)
    assert _files(app) == before


def test_the_pages_showing_an_image_are_valid_html(client, app, world, tmp_path):
    """The Nu HTML checker over the agenda, the event's page and its form, with an image (skipped
    without Java or vnu.jar, as the whole crawl's check)."""
    from tests.crawl import nu_errors, vnu_command

    vnu_command()
    log_in(client, world.manager)
    photo = (io.BytesIO(image_bytes("PNG", size=(900, 600))), "a.png")
    assert _create(client, world, image=photo, image_alt="Une affiche").status_code == 303
    event = _event()
    pages = {
        url: client.get(url).get_data(as_text=True)
        for url in ("/programme", f"/programme/{event.id}", f"/gestion/evenements/{event.id}/modifier")
    }
    refused = _create(client, world, image=(io.BytesIO(b"not an image"), "x.png"), image_alt="")
    pages["refused form"] = refused.get_data(as_text=True)
    assert nu_errors(pages, tmp_path / "pages") == []


def test_the_api_gives_the_image_and_its_copies(client, app, world):
    log_in(client, world.manager)
    photo = (io.BytesIO(image_bytes("PNG", size=(700, 350))), "a.png")
    assert _create(client, world, image=photo, image_alt="Une affiche").status_code == 303
    event = _event()
    data = client.get(f"/api/v1/events/{event.id}").get_json()
    image = data["image"]
    assert image["alt"] == "Une affiche" and (image["width"], image["height"]) == (700, 350)
    assert image["content_type"] == "image/png" and image["url"].endswith(f"/programme/images/{event.image_path}")
    assert [source["width"] for source in image["sources"]] == [320, 640, 700]


def test_the_occurrences_of_a_series_share_one_image_until_the_last_lets_it_go(client, app, world):
    log_in(client, world.manager)
    photo = (io.BytesIO(image_bytes("PNG", size=(700, 350))), "a.png")
    assert _create(client, world, image=photo, image_alt="Une affiche", monthly_count="2").status_code == 303
    db.session.expire_all()
    first, second = db.session.scalars(select(Event).order_by(Event.starts_at)).all()
    name = first.image_path
    assert name and second.image_path == name and len(_files(app) & {_folder(app) / name}) == 1
    for event, left in ((first, True), (second, False)):
        url = f"/gestion/evenements/{event.id}/modifier"
        fields = _fields(
            world,
            remove_image="y",
            starts_at=_local(event.starts_at),
            ends_at=_local(event.ends_at),
        )
        assert client.submit(url, fields, page=url, content_type="multipart/form-data").status_code == 303
        assert (_folder(app) / name).exists() is left
