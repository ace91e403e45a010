"""The request form's themes (issue 15): "at least one" is checked by the server; no checkbox
carries ``required`` (HTML would then want every one of them checked); the radios keep it."""

from __future__ import annotations

import re

from tests.factories.newcomers import consortium


def test_no_theme_checkbox_is_required_each(client):
    consortium()
    page = client.get("/projets/proposer").get_data(as_text=True)
    checkboxes = re.findall(r'<input[^>]*name="themes"[^>]*>', page)
    radios = re.findall(r'<input[^>]*name="support_kind"[^>]*>', page)
    assert len(checkboxes) >= 2 and all("required" not in box for box in checkboxes)
    assert radios and all("required" in radio for radio in radios)
