"""gunicorn's settings for FNT Partage: ``gunicorn -c python:app.gunicorn_conf app.wsgi:app``
(``gunicorn.conf.py`` at the top of the source tree reads them for ``gunicorn wsgi:app``).

Sync workers: a request that runs longer than ``timeout`` seconds is killed and its worker
replaced, so one request can never hold a worker for good; PostgreSQL's statement timeout
(``DATABASE_STATEMENT_TIMEOUT_MS``, 30 s) ends a slow query before that. Each setting can be
changed from the environment or the environment file.
"""

import multiprocessing
import os
from pathlib import Path

from app.config import load_environment_file

# The instance's environment file (FNT_ENV_FILE, or instance/fnt-partage.env): gunicorn's own
# settings below and the rate-limit check read it too, as the app does.
load_environment_file() or load_environment_file(os.environ.get("FNT_INSTANCE_PATH") or Path.cwd() / "instance")

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 40))  # seconds a request may take
graceful_timeout = 30
max_requests = 2000  # a worker is renewed now and then: memory stays flat
max_requests_jitter = 200
accesslog = "-"


def on_starting(server):
    """Rate limits kept in each worker's memory count each worker apart: say so at start."""
    storage = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    if workers > 1 and storage.startswith("memory://"):
        server.log.warning(
            "RATELIMIT_STORAGE_URI is %s with %d workers: each worker counts log-in tries apart "
            "(the per-account limit still holds); set it to Redis, e.g. redis://127.0.0.1:6379/0",
            storage,
            workers,
        )


def post_worker_init(worker):
    """The worker's first agreement costs what the others do: WeasyPrint and the seal are loaded
    now, before it takes requests."""
    from app.agreements.warmup import warm_up
    from app.core.system import return_large_allocations

    return_large_allocations()  # password hashes' memory goes back to the system once done
    seconds = warm_up(worker.wsgi)
    worker.log.info("agreements warmed up in %.2f s", seconds)
