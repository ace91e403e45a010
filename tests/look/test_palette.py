"""The palette's contrast, computed from the stylesheet's custom properties (WCAG 2.2 relative
luminance), in the light scheme and in the dark one: 4.5:1 for text, 3:1 for controls' borders,
the focus ring and the venues' colour marks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import app as app_package
from app.core import contrast as wcag
from app.core.contrast import contrast, luminance

STYLESHEET = Path(app_package.__file__).parent / "static" / "css" / "app.css"
DARK_MEDIA = "@media (prefers-color-scheme: dark)"
VENUE_COLOURS = ("brique", "ocre", "pre", "lagune", "indigo", "prune")
TEXTS = ("ink", "muted", "accent", "link", "danger", "warn", "ok")
BACKGROUNDS = ("paper", "soft", "free", "busy")
CONTROLS = ("field", "focus")


def _properties(block: str) -> dict[str, str]:
    return {name: value.strip().lower() for name, value in re.findall(r"--([\w-]+)\s*:\s*(#[0-9a-fA-F]{6})", block)}


def _root_block(css: str) -> str:
    return re.search(r":root\s*\{(.*?)\}", css, re.S).group(1)


def palettes() -> dict[str, dict[str, str]]:
    css = STYLESHEET.read_text(encoding="utf-8")
    light = _properties(_root_block(css))
    dark_css = css[css.index(DARK_MEDIA) :]
    dark = {**light, **_properties(_root_block(dark_css))}
    return {"light": light, "dark": dark}


def test_the_contrast_formula_gives_the_known_extremes():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the lightest grey passing AA on white


def test_the_dark_scheme_redefines_every_colour_of_the_light_one():
    css = STYLESHEET.read_text(encoding="utf-8")
    light = _properties(_root_block(css))
    dark = _properties(_root_block(css[css.index(DARK_MEDIA) :]))
    assert set(dark) == set(light)
    assert dark["paper"] != light["paper"] and luminance(dark["paper"]) < luminance(dark["ink"])


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_colours_reach_4_5_to_1_on_every_background(scheme):
    palette = palettes()[scheme]
    weak = {
        (text, background): round(contrast(palette[text], palette[background]), 2)
        for text in TEXTS
        for background in BACKGROUNDS
        if contrast(palette[text], palette[background]) < 4.5
    }
    assert weak == {}
    assert contrast(palette["accent-ink"], palette["accent"]) >= 4.5  # primary buttons, badges


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_controls_and_the_focus_ring_reach_3_to_1(scheme):
    palette = palettes()[scheme]
    for control in CONTROLS:
        for background in ("paper", "soft"):
            assert contrast(palette[control], palette[background]) >= 3, (control, background)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_each_venue_colour_is_a_visible_mark_and_carries_text(scheme):
    palette = palettes()[scheme]
    for name in VENUE_COLOURS:
        colour = palette[f"venue-{name}"]
        for background in ("paper", "soft"):
            assert contrast(colour, palette[background]) >= 3, (name, background)
        assert contrast(palette["venue-ink"], colour) >= 4.5, name
    assert len({palette[f"venue-{name}"] for name in VENUE_COLOURS}) == 6


def test_the_venue_colour_check_uses_the_stylesheets_backgrounds_and_inks():
    light, dark = palettes()["light"], palettes()["dark"]
    assert (light["paper"], dark["paper"]) == (wcag.LIGHT_PAPER, wcag.DARK_PAPER)
    assert set(wcag.INKS) == {light["venue-ink"], dark["venue-ink"]}
