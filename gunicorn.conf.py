"""gunicorn's settings, read by ``gunicorn wsgi:app`` from the source tree: those of the package
(``app/gunicorn_conf.py``, which an installed package names as ``-c python:app.gunicorn_conf``)."""

from app.gunicorn_conf import *  # noqa: F403
from app.gunicorn_conf import on_starting, post_worker_init  # noqa: F401  (server hooks gunicorn looks up by name)
