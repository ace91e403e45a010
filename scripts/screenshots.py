"""Screenshots of the main pages (``make screenshots``): the demo consortium on a scratch SQLite
database, served on loopback, photographed in Chromium by Playwright at a phone's width and a
desktop's, in French. Written to docs/screenshots/ (the README shows the main ones).

Run from the project's folder: ``.venv/bin/python scripts/screenshots.py`` (CHROMIUM_PATH picks
the browser, else Debian's ``chromium``).
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import threading
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "screenshots"
WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}
# (file name, page, account or None): the account logs in first (the demo's shared password); a
# page's #fragment scrolls to its part (the laser's week, the planning's grid).
PAGES = [
    ("accueil", "/", None),
    ("lieu", "/lieux/la-machinerie", None),
    ("recherche", "/ressources/", None),
    ("ressource", "/ressources/{laser}", None),
    ("calendrier", "/ressources/{laser}#calendrier", "membre@example.org"),
    ("tableau-de-bord-membre", "/tableau-de-bord", "membre@example.org"),
    ("reservation", "/ressources/{room}/reserver", "membre@example.org"),
    ("tableau-de-bord-gestion", "/tableau-de-bord", "gestion.machinerie@example.org"),
    ("demandes", "/gestion/demandes", "gestion.machinerie@example.org"),
    ("planning", "/gestion/planning?lieu=la-machinerie&jour={tomorrow}#planning", "gestion.machinerie@example.org"),
    ("couleur", "/gestion/lieux/la-machinerie/couleur", "gestion.machinerie@example.org"),
]


def main() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="fnt-screenshots-"))
    os.environ["FNT_INSTANCE_PATH"] = str(scratch)
    from flask_migrate import upgrade
    from playwright.sync_api import sync_playwright
    from sqlalchemy import select
    from werkzeug.serving import make_server

    from app import create_app
    from app.core.clock import paris_today
    from app.demo.content import DEMO_PASSWORD
    from app.demo.data import load_demo
    from app.extensions import db
    from app.models import Resource

    app = create_app(
        {
            "SECRET_KEY": "screenshots-only",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{scratch / 'demo.sqlite'}",
            "RATELIMIT_ENABLED": False,
            "SMTP_HOST": "",
            "MAIL_ECHO": False,
            "OUTBOX_DIR": str(scratch / "outbox"),
            "CHECK_MIGRATIONS": False,
        }
    )
    with app.app_context():
        upgrade()
        load_demo()
        db.session.commit()
        ids = {
            "laser": db.session.scalar(select(Resource.id).where(Resource.slug == "decoupeuse-laser")),
            "room": db.session.scalar(select(Resource.id).where(Resource.slug == "salle-verriere")),
            "tomorrow": (paris_today() + timedelta(days=1)).isoformat(),  # the planning: a day ahead
        }
        db.session.remove()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    OUT.mkdir(parents=True, exist_ok=True)
    chromium = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
            for size_name, (width, height) in WIDTHS.items():
                for name, path, account in PAGES:
                    context = browser.new_context(
                        viewport={"width": width, "height": height}, locale="fr-FR", base_url=base
                    )
                    page = context.new_page()
                    if account:
                        page.goto("/compte/connexion")
                        page.get_by_label("Adresse e-mail").fill(account)
                        page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
                        page.get_by_role("button", name="Se connecter").click()
                        page.get_by_role("link", name="Mon compte", exact=False).first.wait_for()
                    page.goto(path.format(**ids))
                    target = OUT / f"{name}-{size_name}.png"
                    page.screenshot(path=str(target))  # the first screen: what a visitor sees first
                    print(target.relative_to(ROOT))
                    context.close()
            browser.close()
    finally:
        server.shutdown()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
