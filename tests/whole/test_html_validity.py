"""Valid HTML everywhere: every page each role reaches by links, in French and in English, passes the
Nu HTML checker with no error and no filter (issue 15; htmx attributes are written ``data-hx-*``).

The crawl runs on the demo consortium through the test client; the checker (``vnu.jar``, npm
package ``vnu-jar``, installed by ``make install-dev``) runs once over all the pages. Without
Java or vnu.jar the test is skipped, saying which one is missing.
"""

from __future__ import annotations

import pytest

from app.demo.data import DEMO_PASSWORD, load_demo
from app.extensions import db
from tests.crawl import ROLES, crawl, nu_errors, vnu_command
from tests.helpers import csrf_token_from

ORIGIN = "http://localhost"


def _crawl_as(app, email: str | None, language: str) -> dict[str, str]:
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

    return crawl(fetch, "/", origin=ORIGIN)


def test_every_page_of_every_role_is_valid_html(app, tmp_path):
    vnu_command()  # skips at once when the checker cannot run
    assert load_demo()
    db.session.commit()
    pages: dict[str, str] = {}
    for role, email in ROLES.items():
        for language in ("fr", "en"):
            found = _crawl_as(app, email, language)
            assert len(found) > (3 if email is None else 10), f"{role} ({language}) reached only {sorted(found)}"
            pages.update({f"{role}/{language}{url}": html for url, html in found.items()})
    errors = nu_errors(pages, tmp_path / "pages")
    assert errors == [], f"{len(errors)} Nu HTML checker errors on {len(pages)} pages:\n" + "\n".join(errors[:60])


@pytest.mark.parametrize(
    "html",
    [
        '<!DOCTYPE html><html lang="fr"><head><title>x</title></head><body><p hx-get="/">x</p></body></html>',
        '<!DOCTYPE html><html lang="fr"><head><title>x</title></head><body>'
        '<input id="a"><input id="a" aria-label="b"><label for="a">a</label></body></html>',
    ],
)
def test_the_checker_sees_what_the_issue_names(html, tmp_path):
    """The checker used above does refuse a bare ``hx-*`` attribute and a duplicate id."""
    assert nu_errors({"/page": html}, tmp_path) != []
