"""A worker warms WeasyPrint and the seal when it starts (gunicorn's post_worker_init)."""

from __future__ import annotations

import logging

from app.agreements import rendering, sealing
from app.agreements.warmup import warm_up


def test_warm_up_loads_the_fonts_and_the_seal_of_this_worker(app):
    sealing._signers.clear()
    rendering._fonts.__dict__.pop("config", None)
    assert warm_up(app) > 0
    assert getattr(rendering._fonts, "config", None) is not None  # the fonts later documents use
    assert sealing._signers  # the seal's key, decoded once


def test_a_missing_library_is_logged_and_the_worker_starts_anyway(app, monkeypatch, caplog):
    monkeypatch.setenv("FNT_MISSING_LIBRARIES", "harfbuzz-subset")
    with caplog.at_level(logging.WARNING, logger="app.agreements.warmup"):
        warm_up(app)
    assert "warm-up incomplete (PdfToolchainMissing" in caplog.text
    assert "libharfbuzz-subset0" in caplog.text
