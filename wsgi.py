"""WSGI entry point from the source tree: ``gunicorn wsgi:app`` (the app is ``app.wsgi``)."""

from app.wsgi import app

__all__ = ["app"]
