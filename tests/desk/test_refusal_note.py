"""A refusal without a note on the desk (issue 15, WCAG 3.3.1): the note is marked invalid and
points to the message saying a reason is needed."""

from __future__ import annotations

import re

from tests.factories.desk import future_day, request
from tests.helpers import HTMX, csrf_token_from, fragment, log_in, moment

DESK = "/gestion/demandes"


def test_a_refusal_without_a_note_marks_the_note_invalid(client, world):
    day = future_day(10)
    booking = request(world.room, world.member, moment(day, 10), moment(day, 12))
    log_in(client, world.manager)
    token = csrf_token_from(client.get(DESK).get_data(as_text=True))
    response = client.post(
        f"{DESK}/{booking.id}/refuser",
        data={"csrf_token": token, "note": ""},
        headers={**HTMX, "HX-Target": f"booking-{booking.id}"},
    )
    html = fragment(response)
    assert response.status_code == 422
    note = re.search(rf'<textarea id="note-{booking.id}"[^>]*>', html)
    assert note is not None and 'aria-invalid="true"' in note.group(0)
    described = re.search(r'aria-describedby="([^"]+)"', note.group(0))
    assert described is not None
    message = re.search(rf'<div class="error" id="{described.group(1)}"[^>]*>(.*?)</div>', html, re.S)
    assert message is not None and "Indiquez un motif." in message.group(1)
