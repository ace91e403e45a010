"""Errors tied to their fields (issue 15, WCAG 3.3.1): the error summary lists each error with a
link to its field, and the booking summary does not contradict the fields' own messages."""

from __future__ import annotations

import html as html_module
import re

from tests.helpers import HTMX, csrf_token_from, fragment, local, log_in


def test_the_error_summary_lists_each_error_with_a_link_to_its_field(client):
    page = client.get("/compte/inscription").get_data(as_text=True)
    response = client.post("/compte/inscription", data={"csrf_token": csrf_token_from(page)})
    body = html_module.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    summary = re.search(r'<div class="error-summary"[^>]*>(.*?)</div>', body, re.S)
    assert summary is not None
    assert '<a href="#name">Nom et prénom : Indiquez votre nom.</a>' in summary.group(1)
    assert 'href="#organisation"' in summary.group(1)
    assert 'id="name"' in body and 'aria-invalid="true"' in body


def test_the_summary_asks_to_correct_the_period_when_both_ends_are_typed(client, world, monday):
    log_in(client, world.member)
    url = f"/ressources/{world.room.id}/reserver"
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    refused = client.post(
        f"{url}/verifier",
        data={"csrf_token": token, "starts_at": local(monday, 10), "ends_at": "1999-01-01T10:00"},
        headers={**HTMX, "HX-Target": "booking-summary"},
    )
    text = html_module.unescape(fragment(refused))
    assert "Corrigez le début ou la fin" in text and "Indiquez le début et la fin" not in text
    empty = client.post(f"{url}/verifier", data={"csrf_token": token}, headers={**HTMX, "HX-Target": "booking-summary"})
    assert "Indiquez le début et la fin" in html_module.unescape(fragment(empty))
