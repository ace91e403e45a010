"""A machine that lacks a system library is told what to install: by ``make test`` before any
test runs (exit code 1), by ``make run`` as a warning, and by the app, in one log line, when an
agreement cannot be rendered. The missing library is simulated with FNT_MISSING_LIBRARIES."""

from __future__ import annotations

import logging
import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from app.agreements.models import Agreement
from app.core import system
from app.extensions import db
from tests.factories import PASSWORD
from tests.factories.agreements import approve, make_booking, make_world, paris
from tests.helpers import page_text

DOCTOR = Path(__file__).resolve().parents[2] / "scripts" / "doctor"


def _doctor(*args: str, missing: str = ""):
    environment = os.environ | {"FNT_MISSING_LIBRARIES": missing}
    return subprocess.run(
        [sys.executable, str(DOCTOR), *args], capture_output=True, text=True, env=environment, timeout=60
    )


def test_make_test_stops_at_once_without_a_pdf_library_and_names_the_package():
    checked = _doctor("--for", "test", missing="harfbuzz-subset")
    assert checked.returncode == 1
    assert "missing harfbuzz-subset" in checked.stderr and "apt install libharfbuzz-subset0" in checked.stderr
    assert "Everything at once (Debian/Ubuntu): apt install libpango-1.0-0" in checked.stderr


def test_without_chromium_the_suite_goes_on_and_says_the_browser_tests_are_skipped():
    checked = _doctor("--for", "test", missing="chromium")
    assert checked.returncode == 0
    assert "the browser tests will be skipped (apt install chromium)" in checked.stdout


def test_make_run_only_warns():
    checked = _doctor("--for", "run", missing="pango-1.0,fonts")
    assert checked.returncode == 0
    assert "warning: missing pango-1.0" in checked.stderr and "apt install libpango-1.0-0" in checked.stderr
    assert "warning: no font installed" in checked.stderr


def test_make_doctor_reports_every_part():
    report = _doctor(missing="harfbuzz-subset")
    assert report.returncode == 1
    for part in ("Python 3.", "pango-1.0", "MISSING harfbuzz-subset", "fonts", "Chromium", "PostgreSQL at", "seal key"):
        assert part in report.stdout, part


def test_the_app_names_the_missing_library_in_one_line_and_the_page_says_the_document_is_coming(
    app, client, caplog, monkeypatch
):
    world = make_world()
    approve(make_booking(world.space, world.borrower, paris(2027, 3, 1, 14), 2), actor=world.manager)
    db.session.commit()
    agreement = db.session.scalars(select(Agreement)).one()
    monkeypatch.setenv("FNT_MISSING_LIBRARIES", "harfbuzz-subset")
    client.login("camille@jardins.example", PASSWORD)
    with caplog.at_level(logging.ERROR, logger="app.agreements.views"):
        page = client.get(f"/conventions/{agreement.id}")
    assert page.status_code == 200 and "Le document est en préparation." in page_text(page)
    (record,) = [record for record in caplog.records if record.name == "app.agreements.views"]
    assert record.getMessage() == (
        f"agreement {agreement.label}: the document could not be rendered: missing harfbuzz-subset "
        "(WeasyPrint embeds only the glyphs it uses): apt install libharfbuzz-subset0"
    )
    assert record.exc_info is None  # one line, no traceback
    monkeypatch.delenv("FNT_MISSING_LIBRARIES")
    assert client.get(f"/conventions/{agreement.id}/convention.pdf").mimetype == "application/pdf"


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's mallopt only")
def test_large_blocks_go_back_to_the_system_on_glibc():
    """The workers fix glibc's mmap threshold (bench/http.py measures the memory it keeps flat)."""
    assert system.return_large_allocations() is True
