"""What the machine must have besides Python packages: the libraries WeasyPrint loads, fonts, and
Chromium for the browser tests. Standard library only: ``scripts/doctor`` loads this file before
any virtual environment exists, and the app uses it to name a missing library in its logs.

Each check says which Debian package brings what is missing, so that one line tells what to do.
``FNT_MISSING_LIBRARIES`` (names separated by commas, e.g. ``harfbuzz-subset``) makes the check
see those libraries as absent: the tests use it to simulate a machine that lacks them.
"""

from __future__ import annotations

import ctypes.util
import functools
import os
import shutil
import subprocess
from dataclasses import dataclass


@dataclass(frozen=True)
class Library:
    name: str  # as find_library knows it: "pango-1.0" for libpango-1.0.so.0
    package: str  # the Debian package that installs it
    purpose: str


PDF_LIBRARIES = (
    Library("pango-1.0", "libpango-1.0-0", "WeasyPrint lays out the agreements' PDF with Pango"),
    Library("pangoft2-1.0", "libpangoft2-1.0-0", "WeasyPrint's fonts through Pango and FreeType"),
    Library("harfbuzz", "libharfbuzz0b", "text shaping for the PDF"),
    Library("harfbuzz-subset", "libharfbuzz-subset0", "WeasyPrint embeds only the glyphs it uses"),
    Library("fontconfig", "fontconfig", "finding the fonts"),
)
FONTS_PACKAGE = "fonts-dejavu-core"
CHROMIUM_PACKAGE = "chromium"
APT_LINE = "apt install " + " ".join([*(lib.package for lib in PDF_LIBRARIES), FONTS_PACKAGE, CHROMIUM_PACKAGE])


def _simulated_missing() -> set[str]:
    return {name.strip() for name in os.environ.get("FNT_MISSING_LIBRARIES", "").split(",") if name.strip()}


@functools.cache
def _found(name: str) -> bool:
    return ctypes.util.find_library(name) is not None


def has_library(library: Library) -> bool:
    if library.name in _simulated_missing():
        return False
    return _found(library.name)


def missing_pdf_libraries() -> list[Library]:
    """The libraries the agreements' PDFs need and this machine lacks."""
    return [library for library in PDF_LIBRARIES if not has_library(library)]


def has_fonts() -> bool:
    if "fonts" in _simulated_missing():
        return False
    return _fonts_listed()


@functools.cache
def _fonts_listed() -> bool:
    if shutil.which("fc-list") is None:
        return False
    try:
        listed = subprocess.run(["fc-list"], capture_output=True, text=True, timeout=20, check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        return False
    return bool(listed.strip())


def chromium_path() -> str | None:
    if "chromium" in _simulated_missing():
        return None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def pdf_problems() -> list[str]:
    """One line per missing piece of the PDF toolchain, naming the package to install."""
    lines = [
        f"missing {library.name} ({library.purpose}): apt install {library.package}"
        for library in missing_pdf_libraries()
    ]
    if not has_fonts():
        lines.append(f"no font installed (the PDF needs one): apt install fontconfig {FONTS_PACKAGE}")
    return lines


M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter (malloc.h)
LARGE_ALLOCATION = 1024 * 1024


def return_large_allocations() -> bool:
    """Make glibc give every block of 1 MiB or more back to the system when it is freed.

    An Argon2 hash takes 19 MiB for a moment. glibc raises its mmap threshold after freeing such a
    block, so the next ones come from the heap of the thread that asked and stay there: a worker
    whose eight threads each checked one password keeps 8 × 19 MiB. A fixed threshold keeps a
    worker's memory flat (measured by ``bench/http.py``). False where glibc is not the C library.
    """
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        libc = ctypes.CDLL(name)
        return bool(libc.mallopt(M_MMAP_THRESHOLD, LARGE_ALLOCATION))
    except (OSError, AttributeError):
        return False
