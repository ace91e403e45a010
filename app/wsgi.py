"""WSGI entry point: ``gunicorn -c python:app.gunicorn_conf app.wsgi:app`` (an installed package),
or ``gunicorn wsgi:app`` from the source tree.

The app refuses to serve a database whose migrations are not applied.
"""

from app import create_app
from app.core.schema import require_current_schema

app = create_app()
if app.config["CHECK_MIGRATIONS"]:
    require_current_schema(app)
