"""Pages stay light: the CSS and JavaScript a page loads weigh under 30 KB once compressed.

Every page reachable by links from the home page (as a visitor, then as the coordinator, who
sees the most) is read, and the stylesheets and scripts it references are fetched and gzipped
as a web server would send them.
"""

from __future__ import annotations

import gzip
import re
from urllib.parse import urljoin, urlsplit

from app.demo.content import DEMO_PASSWORD
from app.demo.data import load_demo
from app.extensions import db

BUDGET_BYTES = 30 * 1024
ASSET = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"')
LINK = re.compile(r'<a [^>]*href="(/[^"#]*)"')
SKIP = re.compile(r"^/(static|media)/|\.(ics|pdf)$|/agenda/|/deconnexion")


def crawl(client, start: str = "/", limit: int = 80) -> dict[str, set[str]]:
    """{page: the assets it loads} for up to ``limit`` pages reached by links from ``start``."""
    seen: dict[str, set[str]] = {}
    queue = [start]
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen or SKIP.search(urlsplit(path).path):
            continue
        response = client.get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            seen[path] = set()
            continue
        html = response.get_data(as_text=True)
        seen[path] = {urljoin(path, asset) for asset in ASSET.findall(html)}
        queue += [link.replace("&amp;", "&") for link in LINK.findall(html)]
    return seen


def compressed_size(client, asset: str) -> int:
    response = client.get(asset)
    assert response.status_code == 200, asset
    body = response.get_data()
    response.close()
    return len(gzip.compress(body, compresslevel=6))


def test_every_page_loads_under_30_kb_of_compressed_css_and_javascript(app, client):
    load_demo()
    db.session.commit()
    pages = crawl(client)
    client.login("coordination@example.org", DEMO_PASSWORD)
    pages.update(crawl(client))
    assert len(pages) > 10
    sizes = {asset: compressed_size(client, asset) for assets in pages.values() for asset in assets}
    heaviest = max(pages, key=lambda page: sum(sizes[asset] for asset in pages[page]))
    weight = sum(sizes[asset] for asset in pages[heaviest])
    assert any(asset.endswith(".js") for asset in pages[heaviest]), "htmx is loaded"
    print(f"{len(pages)} pages; heaviest {heaviest}: {weight} bytes")
    assert weight < BUDGET_BYTES, f"{heaviest} loads {weight} bytes of compressed CSS and JavaScript"
