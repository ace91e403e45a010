"""WCAG 2.2 contrast: the relative luminance of an sRGB colour and the contrast ratio of two, and the
check of a venue's own colour (``Venue.colour`` written ``#rrggbb``). No request here.

A venue's colour marks its cards, its name and its bookings on the page's background, in the light
scheme and in the dark one (the same colour in both): as a mark beside text it must reach 3:1
against both backgrounds (WCAG 1.4.11, non-text contrast). Text may be set on it (its ink,
``--venue-ink``): white or the dark scheme's near-black, whichever reads better, at 4.5:1 at least
(1.4.3). So a mid-tone colour: neither very dark (lost on the dark background) nor very light.
``tests/look/test_palette.py`` checks the stylesheet's own palette with these same functions, and
that the backgrounds below are the stylesheet's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LIGHT_PAPER = "#fffdf9"  # --paper of app.css, light scheme
DARK_PAPER = "#17191c"  # --paper of app.css, dark scheme
INKS = ("#ffffff", "#17191c")  # the text colours that may be set on a venue's colour
MARK = 3.0  # non-text contrast
TEXT = 4.5  # text contrast

_HEX = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def normalised(text: str | None) -> str | None:
    """``#rrggbb`` in lower case from ``#rrggbb``, ``rrggbb``, ``#rgb`` or ``rgb``; None otherwise."""
    match = _HEX.fullmatch((text or "").strip())
    if not match:
        return None
    digits = match.group(1).lower()
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return f"#{digits}"


def is_hex(text: str | None) -> bool:
    return bool(text) and normalised(text) == text


@dataclass(frozen=True)
class ColourCheck:
    """What the check found: the ratios, the ink that reads best on the colour, and whether it passes."""

    colour: str
    on_light: float
    on_dark: float
    ink: str
    text: float

    @property
    def marks_ok(self) -> bool:
        return self.on_light >= MARK and self.on_dark >= MARK

    @property
    def text_ok(self) -> bool:
        return self.text >= TEXT

    @property
    def ok(self) -> bool:
        return self.marks_ok and self.text_ok


def check_venue_colour(colour: str) -> ColourCheck:
    """The contrast of ``colour`` (``#rrggbb``) against both backgrounds, and of its best ink on it."""
    ink = max(INKS, key=lambda candidate: contrast(candidate, colour))
    return ColourCheck(colour, contrast(colour, LIGHT_PAPER), contrast(colour, DARK_PAPER), ink, contrast(ink, colour))
