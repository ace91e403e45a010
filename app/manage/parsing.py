"""What managers type, turned into stored values and back: euros, opening hours, Paris times, slugs.

No request here: the forms call these functions, and so may the CLI or the API.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time
from decimal import Decimal

from app.core.clock import paris_to_utc
from app.core.i18n import lazy_gettext as _l

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
MAX_EUROS_DIGITS = 7  # up to 9 999 999,99 €


class ParseError(ValueError):
    """The text cannot be read; ``str(error)`` is the message for the person who typed it."""


# --- Money -----------------------------------------------------------------------------------

_EUROS = re.compile(rf"^\d{{1,{MAX_EUROS_DIGITS}}}(?:[.,]\d{{1,2}})?$")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


def parse_euros(text: str | None) -> int | None:
    """``"12"``, ``"12,5"``, ``"12.50"``, ``"1 200,00 €"`` → cents; an empty text → None.

    Decimal arithmetic, never floats; at most two decimals; never negative.
    """
    cleaned = _SPACES.sub("", (text or "").replace("€", ""))
    if not cleaned:
        return None
    if cleaned.startswith("-"):
        raise ParseError(_l("Un montant ne peut pas être négatif."))
    if not _EUROS.match(cleaned):
        raise ParseError(_l("Montant invalide : écrivez par exemple 12 ou 12,50 (en euros)."))
    return int(Decimal(cleaned.replace(",", ".")) * 100)


def format_euros(cents: int | None, decimal_separator: str = ",") -> str:
    """Cents → the text a form shows (``1250`` → ``"12,50"``); None → ``""``."""
    if cents is None:
        return ""
    return f"{cents // 100}{decimal_separator}{cents % 100:02d}"


# --- Durations -------------------------------------------------------------------------------

_MINUTES = re.compile(r"^(\d{1,6})\s*(?:min|mn|minutes?)?$", re.IGNORECASE)
_HOURS = re.compile(r"^(\d{1,4})\s*(?:h|:|heures?)\s*(\d{1,2})?\s*(?:min|mn)?$", re.IGNORECASE)
_DAYS = re.compile(r"^(\d{1,3})\s*(?:j|jours?|d|days?)$", re.IGNORECASE)


def parse_duration(text: str | None) -> int | None:
    """``"90"``, ``"90 min"``, ``"1h30"``, ``"1:30"``, ``"48h"``, ``"2 j"`` → minutes; an empty text → None."""
    cleaned = " ".join((text or "").split())
    if not cleaned:
        return None
    if match := _MINUTES.match(cleaned):
        return int(match[1])
    if match := _HOURS.match(cleaned):
        minutes = int(match[2] or 0)
        if minutes > 59:
            raise ParseError(_l("Durée invalide : après les heures, les minutes vont de 0 à 59."))
        return int(match[1]) * 60 + minutes
    if match := _DAYS.match(cleaned):
        return int(match[1]) * 24 * 60
    raise ParseError(_l("Durée invalide : écrivez par exemple 45 min, 1h30, 48h ou 2 j."))


def format_duration(minutes: int | None) -> str:
    """Minutes → the text a form shows: ``45`` → ``"45 min"``, ``90`` → ``"1h30"``, ``480`` → ``"8h"``."""
    if minutes is None:
        return ""
    hours, rest = divmod(minutes, 60)
    if hours == 0:
        return f"{rest} min"
    return f"{hours}h{rest:02d}" if rest else f"{hours}h"


# --- Opening hours ---------------------------------------------------------------------------

_TIME = r"(\d{1,2})(?:\s*[h:]\s*(\d{2})?)?"
_INTERVAL = re.compile(rf"^{_TIME}\s*(?:-|–|—|à|a)\s*{_TIME}$", re.IGNORECASE)
_INTERVAL_SEPARATORS = re.compile(r"[,;/]|\bet\b")

Interval = tuple[time, time]


def _clock(hours: str, minutes: str | None, part: str) -> time:
    h, m = int(hours), int(minutes or 0)
    if h > 23 or m > 59:
        raise ParseError(_l("« %(part)s » : une heure va de 0:00 à 23:59.", part=part))
    return time(h, m)


def parse_hours(text: str | None) -> list[Interval]:
    """``"9:00-12:00, 14h-18h30"`` → [(09:00, 12:00), (14:00, 18:30)]; an empty text → [] (closed).

    Intervals are sorted, must not overlap, and each opens before it closes.
    """
    parts = [p.strip() for p in _INTERVAL_SEPARATORS.split(text or "") if p.strip()]
    intervals: list[Interval] = []
    for part in parts:
        match = _INTERVAL.match(part)
        if not match:
            raise ParseError(
                _l("« %(part)s » n'est pas une plage horaire : écrivez par exemple 9:00-12:00, 14:00-18:00.", part=part)
            )
        opens = _clock(match[1], match[2], part)
        closes = _clock(match[3], match[4], part)
        if opens >= closes:
            raise ParseError(_l("« %(part)s » : l'heure de fermeture doit suivre l'heure d'ouverture.", part=part))
        intervals.append((opens, closes))
    intervals.sort()
    for (_, previous_closes), (next_opens, _) in zip(intervals, intervals[1:], strict=False):
        if next_opens < previous_closes:
            raise ParseError(_l("Les plages horaires se chevauchent."))
    return intervals


def format_hours(intervals: list[Interval]) -> str:
    return ", ".join(f"{opens:%H:%M}-{closes:%H:%M}" for opens, closes in intervals)


# --- Europe/Paris wall-clock time ------------------------------------------------------------


def paris_moment(day: date, at: time | None = None) -> datetime:
    """A Paris date and time (midnight when no time is given) → an aware UTC datetime."""
    return paris_to_utc(day, at or time(0, 0))


# --- Slugs -----------------------------------------------------------------------------------


def slugify(text: str, max_length: int = 80) -> str:
    """``"Découpeuse laser (grand format)"`` → ``"decoupeuse-laser-grand-format"``."""
    text = text.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("Æ", "Ae")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-")
