"""A worker's first agreement costs what the others do: WeasyPrint's libraries, its fonts and the
agreements' stylesheet, and the seal's key and pyHanko, are loaded when the worker starts
(gunicorn's ``post_worker_init``) instead of at the first approval or download.

Measured in fresh processes (``bench/agreements.py``, ``cold_start``): without it the first render
and seal took 404 ms and the next 248 ms; after it (1.5 s at the worker's start) the first took
193 ms and the next 264 ms.
"""

from __future__ import annotations

import logging
import time

from flask import Flask

from app.agreements import rendering, sealing

log = logging.getLogger(__name__)


def warm_up(app: Flask) -> float:
    """Render a page with the agreements' stylesheet and make the seal's signer ready; returns the
    seconds it took. A failure is logged, not raised: the worker serves anyway, and the agreement
    that needs the missing piece says what it is."""
    started = time.perf_counter()
    with app.app_context():
        try:
            rendering.warm_up()
            sealing.warm_up()
        except Exception as error:  # a missing library or seal: reported where it is needed
            log.warning("agreements: warm-up incomplete (%s: %s)", type(error).__name__, error)
    return time.perf_counter() - started
