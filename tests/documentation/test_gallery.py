"""The gallery of projects: a project goes through a venue manager's moderation before it is published;
once published, its page links back to the resources, and theirs to it."""

from __future__ import annotations

import io

from app.documentation.models import DocumentFile, Project, ProjectStatus
from app.extensions import db
from tests.helpers import image_bytes, log_in, page_text


def _submit(client, world, **overrides):
    data = {
        "title": "Lampe en bois découpée au laser",
        "summary": "Une lampe de chevet",
        "body": "Dessinée sur Inkscape, découpée en **contreplaqué**.",
        "resources": [str(world.laser.id)],
        "licence": "cc-by-sa",
        "photos": [(io.BytesIO(image_bytes("PNG")), "lampe.png")],
        **overrides,
    }
    return client.submit("/documentation/projets/nouveau", data, content_type="multipart/form-data")


def test_a_project_is_published_only_once_a_manager_of_its_venue_accepts_it(client, world, outbox):
    log_in(client, world.member)
    sent = _submit(client, world)
    assert sent.status_code == 303
    project = db.session.scalar(db.select(Project))
    assert project.status == ProjectStatus.SUBMITTED
    assert [v.name for v in project.venues] == ["La Machinerie"]  # the laser's venue
    photo = db.session.scalar(db.select(DocumentFile))
    assert photo.content_type == "image/png"
    assert client.get(f"/documentation/projets/{project.id}").status_code == 200  # its author sees it
    waiting = [m for m in outbox.messages() if m["To"] == world.manager.email]
    assert [m["Subject"] for m in waiting] == ["Projet à relire pour la galerie : Lampe en bois découpée au laser"]
    assert not [m for m in outbox.messages() if m["To"] == world.alco_manager.email]
    client.logout()

    # Before moderation: not in the gallery, not on the resource's page, not found, not open.
    assert "Lampe en bois" not in page_text(client.get("/documentation/projets/"))
    assert "Lampe en bois" not in page_text(client.get(f"/ressources/{world.laser.id}"))
    assert "Lampe en bois" not in page_text(client.get("/documentation/?q=lampe"))
    assert client.get(f"/documentation/projets/{project.id}").status_code == 404
    assert client.get(f"/documentation/fichiers/{photo.token}").status_code == 404

    # Another venue's manager has nothing to moderate and cannot publish it.
    log_in(client, world.alco_manager)
    assert "Lampe en bois" not in page_text(client.get("/documentation/projets/moderation"))
    assert client.get(f"/documentation/projets/{project.id}").status_code == 404
    client.logout()

    log_in(client, world.manager)
    assert "Lampe en bois" in page_text(client.get("/documentation/projets/moderation"))
    page = f"/documentation/projets/{project.id}"
    refused = client.submit(f"{page}/moderer", {"decision": "renvoyer", "note": ""}, page=page)
    assert refused.status_code == 422
    assert "Dites à l'auteur·e ce qui manque" in page_text(refused)
    done = client.submit(f"{page}/moderer", {"decision": "publier", "note": ""}, page=page)
    assert done.status_code == 303
    assert outbox.last()["To"] == world.member.email
    assert outbox.last()["Subject"] == "Votre projet est publié : Lampe en bois découpée au laser"
    client.logout()

    shown = page_text(client.get(page))
    assert f'href="/ressources/{world.laser.id}"' in shown
    assert "CC BY-SA 4.0" in shown
    assert "<strong>contreplaqué</strong>" in shown
    assert "Lampe en bois" in page_text(client.get("/documentation/projets/"))
    assert f'href="/documentation/projets/{project.id}"' in page_text(client.get(f"/ressources/{world.laser.id}"))
    assert "Lampe en bois" in page_text(client.get("/documentation/?q=lampes"))
    served = client.get(f"/documentation/fichiers/{photo.token}")
    assert served.status_code == 200 and served.headers["Content-Disposition"].startswith("inline")
    served.close()


def test_a_project_with_a_photo_that_is_not_an_image_is_refused_whole(client, world):
    log_in(client, world.member)
    refused = _submit(client, world, photos=[(io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "photo.png")])
    assert refused.status_code == 422
    assert "Ce fichier n'est pas une image" in page_text(refused)
    assert db.session.scalar(db.select(db.func.count(Project.id))) == 0
