"""The six venue colours: each venue has one (``Venue.colour``), shown the same way everywhere
(a stripe on its cards, a dot beside its name, the edge of its bookings in calendars and the
planning), and never alone: its name is always written beside it.

The colours themselves are custom properties in ``app/static/css/app.css`` (``--venue-<name>``,
light and dark, their contrast checked by tests/look/test_palette.py); a venue's elements carry
the class ``venue-<name>``. A stored choice rather than one derived from the slug: six venues
for six colours, a hash would make two venues share one, and a venue keeps its colour when it
is renamed.

A venue's managers may also choose a colour of their own, stored ``#rrggbb`` once its contrast is
checked (``app.core.contrast``): its elements then carry the class ``venue-c<id>``, whose custom
properties come from the small stylesheet ``/couleurs-des-lieux.css`` (the Content-Security-Policy
allows no inline style).
"""

from __future__ import annotations

from collections.abc import Iterable

VENUE_COLOURS = ("brique", "ocre", "pre", "lagune", "indigo", "prune")
VENUE_COLOUR_CHOICES = {name: f"venue-{name}" for name in VENUE_COLOURS}  # the form's swatches


def effective_colour(stored: str | None, venue_id: int | None) -> str:
    """The stored colour when it is one of ours, else one picked from the venue's id."""
    if stored in VENUE_COLOURS:
        return str(stored)
    return VENUE_COLOURS[((venue_id or 1) - 1) % len(VENUE_COLOURS)]


def colour_class(stored: str | None, venue_id: int | None) -> str:
    """``venue-<name>`` for one of the six colours, ``venue-c<id>`` for a colour of the venue's own."""
    from app.core.contrast import is_hex

    if is_hex(stored) and venue_id is not None:
        return f"venue-c{venue_id}"
    return f"venue-{effective_colour(stored, venue_id)}"


def first_free(used: Iterable[str]) -> str:
    """The first colour no other venue has (the first one again once all six are taken)."""
    taken = list(used)
    free = [colour for colour in VENUE_COLOURS if colour not in taken]
    if free:
        return free[0]
    return min(VENUE_COLOURS, key=taken.count)
