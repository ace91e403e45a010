"""Valid HTML everywhere: every page each role reaches by links, in French and in English, passes the
Nu HTML checker with no error and no filter (issue 15; htmx attributes are written ``data-hx-*``).

The crawl runs on the demo consortium through the test client; the checker (``vnu.jar``, npm
package ``vnu-jar``, installed by ``make install-dev``) runs once over all the pages. Without
Java or vnu.jar the test is skipped, saying which one is missing.
"""

from __future__ import annotations

import pytest

from app.demo.data import load_demo
from app.extensions import db
from tests.crawl import ROLES, crawl_as, nu_errors, vnu_command


@pytest.mark.timeout(400)  # the demo's bookings add pages; slow on a loaded machine
def test_every_page_of_every_role_is_valid_html(app, tmp_path):
    vnu_command()  # skips at once when the checker cannot run
    assert load_demo()
    db.session.commit()
    pages: dict[str, str] = {}
    for role, email in ROLES.items():
        for language in ("fr", "en"):
            found = crawl_as(app, email, language)
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
