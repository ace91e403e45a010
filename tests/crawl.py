"""Crawling the service as each role sees it, and checking the HTML with the Nu HTML checker.

``links`` reads the links of a page that a crawl follows: same origin, GET, no download, no log out
or unsubscribe link. ``shape`` says which page template a URL most likely shows (its numbers and
query values blanked), so that a crawl can cap the pages it visits per shape and still see every
kind of page. ``nu_errors`` runs ``vnu.jar`` (npm package ``vnu-jar``, installed by
``make install-dev``) once over many pages.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# The demo accounts the crawls log in with, one per role (app/demo/content.py); None: a visitor.
ROLES = {
    "public": None,
    "member": "membre@example.org",
    "manager": "gestion.machinerie@example.org",
    "coordinator": "coordination@example.org",
}

# Links a crawl does not follow: files (PDF, calendars, CSV, archives, images), log out and
# unsubscribe links, static files and uploads, health checks.
_SKIPPED_SUFFIXES = (".pdf", ".ics", ".csv", ".zip", ".json", ".png", ".jpg", ".jpeg", ".webp", ".svg", ".gz", ".xml")
_SKIPPED_WORDS = (
    "/static/",
    "/photos/",
    "/documentation/fichiers/",
    "/healthz",
    "/sante/",
    "/compte/confirmer/",
    "deconnexion",
    "desabonnement",
    "unsubscribe",
    # The JSON API, and its browsable docs: Swagger UI, vendored as it is for developers. Its own
    # markup fails axe (controls nested in controls, small targets): said in issue 15's note.
    "/api/v1/",
)


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href") and "download" not in attributes:
            self.found.append(attributes["href"] or "")


def links(html: str, page_url: str, origin: str) -> list[str]:
    """The same-origin links of a page a crawl may follow, as paths with their query."""
    parser = _Links()
    parser.feed(html)
    followed = []
    for href in parser.found:
        if href.startswith(("mailto:", "tel:", "javascript:", "#")):
            continue
        absolute = urldefrag(urljoin(page_url, href)).url
        parts = urlsplit(absolute)
        if f"{parts.scheme}://{parts.netloc}" != origin:
            continue
        path = parts.path.lower()
        if path.endswith(_SKIPPED_SUFFIXES) or any(word in path for word in _SKIPPED_WORDS):
            continue
        followed.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return followed


def shape(url: str) -> str:
    """The URL with its numbers, tokens and query values blanked: pages of one shape share a template."""
    parts = urlsplit(url)
    path = re.sub(r"/[0-9]+(?=/|$)", "/N", parts.path)
    path = re.sub(r"/lieux/[^/]+", "/lieux/S", path)
    path = re.sub(r"/[A-Za-z0-9_-]{20,}(?=/|$)", "/T", path)
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return path + ("?" + "&".join(keys) if keys else "")


def crawl(fetch, start: str = "/", *, origin: str, per_shape: int = 2, limit: int = 80):
    """Visit pages from ``start`` breadth first; ``fetch(url)`` returns ``(status, html)``, or
    None for a page that is not HTML. Returns ``{url: html}`` of the pages seen."""
    seen: dict[str, str] = {}
    queued = [start]
    shapes: dict[str, int] = {}
    while queued and len(seen) < limit:
        url = queued.pop(0)
        if url in seen:
            continue
        fetched = fetch(url)
        if fetched is None:
            seen[url] = ""
            continue
        status, html = fetched
        assert status == 200, f"{url}: status {status} from a link"
        seen[url] = html
        for link in links(html, origin + url, origin):
            if link in seen or link in queued:
                continue
            kind = shape(link)
            if shapes.get(kind, 0) >= per_shape:
                continue
            shapes[kind] = shapes.get(kind, 0) + 1
            queued.append(link)
    return {url: html for url, html in seen.items() if html}


def crawl_as(app, email: str | None, language: str, **limits) -> dict[str, str]:
    """The pages a demo account (None: a visitor) reaches by links in ``language``, through the
    test client: ``{url: html}``. A link to a page it may not see leads to the log-in form."""
    from app.demo.data import DEMO_PASSWORD
    from tests.helpers import csrf_token_from

    client = app.test_client()
    token = csrf_token_from(client.get("/compte/connexion").get_data(as_text=True))
    if email:
        response = client.post(
            "/compte/connexion", data={"email": email, "password": DEMO_PASSWORD, "csrf_token": token}
        )
        assert response.status_code == 303, f"{email} cannot log in"
        token = csrf_token_from(client.get("/").get_data(as_text=True))
    response = client.post("/langue", data={"locale": language, "next": "/", "csrf_token": token})
    assert response.status_code == 303

    def fetch(url: str):
        response = client.get(url, follow_redirects=True)
        if response.mimetype != "text/html":
            return None
        return response.status_code, response.get_data(as_text=True)

    return crawl(fetch, "/", origin="http://localhost", **limits)


def vnu_command() -> list[str]:
    """The command running the Nu HTML checker, or a skip saying what is missing."""
    java = shutil.which("java")
    if java is None:
        pytest.skip("Java not found: install Debian's default-jre-headless to run the Nu HTML checker")
    if not VNU_JAR.exists():
        pytest.skip(f"{VNU_JAR.relative_to(ROOT)} not found: run `make install-dev` (npm ci) to install vnu-jar")
    return [java, "-Xss1024k", "-jar", str(VNU_JAR)]


def nu_errors(pages: dict[str, str], folder: Path) -> list[str]:
    """Every error the Nu HTML checker finds in these pages (no filter), as ``url: line: message``;
    one run of the checker for all of them."""
    command = vnu_command()
    folder.mkdir(parents=True, exist_ok=True)
    names = {}
    for number, (url, html) in enumerate(sorted(pages.items())):
        path = folder / f"page-{number:04d}.html"
        path.write_text(html, encoding="utf-8")
        names[path.name] = url
    result = subprocess.run(
        [*command, "--format", "json", "--exit-zero-always", *sorted(str(folder / Path(n).name) for n in names)],
        capture_output=True,
        text=True,
        check=True,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [
        f"{names.get(Path(m.get('url', '')).name, m.get('url'))}: {m.get('lastLine')}: {m['message']} [{m.get('extract', '')!r}]"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]
