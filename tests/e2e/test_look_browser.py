"""The look in Chromium, light and dark: the pages issue 22 changed (home, venue, search,
resource, booking form, the member's and the manager's homes) pass axe (WCAG 2.1 AA, the dark
palette's contrast included) and do not scroll sideways at 320 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.demo.content import DEMO_PASSWORD
from app.demo.data import load_demo
from app.extensions import db
from app.models import Resource
from tests.helpers import assert_no_axe_violations


@pytest.fixture()
def demo(app):
    load_demo()
    db.session.commit()
    ids = {
        "laser": db.session.scalar(select(Resource.id).where(Resource.slug == "decoupeuse-laser")),
        "room": db.session.scalar(select(Resource.id).where(Resource.slug == "salle-verriere")),
    }
    db.session.commit()
    return ids


def _log_in(page, email: str) -> None:
    page.goto("/compte/connexion")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")


def _check(page, paths: list[str], scheme: str) -> None:
    page.emulate_media(color_scheme=scheme)
    for path in paths:
        for width in (320, 1280):
            page.set_viewport_size({"width": width, "height": 800})
            page.goto(path)
            if width == 320:
                overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
                assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 320 px ({scheme})"
            assert_no_axe_violations(page, f"{path} at {width} px, {scheme}")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_public_pages_pass_axe_and_fit_320_px(page, demo, scheme):
    _check(page, ["/", "/lieux/la-machinerie", "/ressources/", f"/ressources/{demo['laser']}"], scheme)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_homes_after_login_pass_axe_and_fit_320_px(page, demo, scheme):
    _log_in(page, "gestion.machinerie@example.org")
    _check(page, ["/tableau-de-bord", f"/ressources/{demo['room']}/reserver", "/gestion/demandes"], scheme)
