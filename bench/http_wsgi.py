"""The app as ``bench/http.py`` serves it: FNT Partage plus a bare route, for the benchmark only.

    gunicorn -c gunicorn.conf.py 'bench.http_wsgi:create_bench_app()'   # from the project folder

``create_bench_app()`` builds the app as ``app/wsgi.py`` does (``create_app()``, then the
migration check unless ``CHECK_MIGRATIONS`` is off) and adds ``BARE_PATH``: a route that reads
20 resources through SQLAlchemy and renders a small template, compiled once, through Flask's
``render_template`` (context processors included) but without the site's layout. It is the
yardstick of ``bench/http.py``: what a request costs the app when the page itself costs next to
nothing. The route exists only in this module, never in the production app (``app.wsgi``).

gunicorn is run from the project folder (the app's own import path), not from ``bench/``: there,
``bench/http.py`` would stand for the standard library's ``http`` package.
"""

from __future__ import annotations

from flask import Flask, render_template
from sqlalchemy import select

from app import create_app
from app.core.schema import require_current_schema
from app.extensions import db
from app.models import Resource

BARE_PATH = "/_bench/bare"
BARE_ROWS = 20
BARE_TEMPLATE = """<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><title>Banc d'essai : {{ resources | length }} ressources</title></head>
<body>
<h1>{{ resources | length }} ressources</h1>
<ul>
{%- for resource in resources %}
  <li><a href="{{ url_for('catalogue.resource', resource_id=resource.id) }}">{{ resource.name }}</a> ({{ resource.kind }})</li>
{%- endfor %}
</ul>
</body>
</html>
"""


def add_bare_route(app: Flask) -> None:
    """``BARE_PATH``: 20 resources read with SQLAlchemy, shown by a small template."""
    template = app.jinja_env.from_string(BARE_TEMPLATE)  # compiled once, as a template file is cached

    def bare():
        resources = db.session.scalars(select(Resource).order_by(Resource.id).limit(BARE_ROWS)).all()
        return render_template(template, resources=resources)

    app.add_url_rule(BARE_PATH, "bench_bare", bare)


def create_bench_app(test_config: dict | None = None) -> Flask:
    """The production app (the migrations checked, as ``app.wsgi`` does) with the bare route."""
    app = create_app(test_config)
    if app.config["CHECK_MIGRATIONS"]:
        require_current_schema(app)
    add_bare_route(app)
    return app
