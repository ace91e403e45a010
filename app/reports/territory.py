"""Which communes reached by the kits are rural.

The place of use of a kit is a commune typed at hand-over (``KitCheck.commune``, migration 0011).
A commune counts as urban when it is in ``URBAN_COMMUNES``: the towns of the Somme that INSEE's
communal density grid places among the dense or intermediate communes (Amiens and the communes
of its urban area, the other towns of the department). Every other commune counts as rural. The
list is data, kept here to be reviewed by the coordination against INSEE's grid when it changes.
Names are compared without case, accents, hyphens or apostrophes ("Pont de Metz" is "Pont-de-Metz").
"""

from __future__ import annotations

import unicodedata

URBAN_COMMUNES = (
    "Amiens",
    "Camon",
    "Longueau",
    "Rivery",
    "Salouël",
    "Saleux",
    "Pont-de-Metz",
    "Dury",
    "Cagny",
    "Boves",
    "Abbeville",
    "Albert",
    "Péronne",
    "Doullens",
    "Montdidier",
    "Roye",
    "Ham",
    "Friville-Escarbotin",
)


def normalise(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(letters.replace("-", " ").replace("'", " ").replace("’", " ").split())


_URBAN = frozenset(normalise(name) for name in URBAN_COMMUNES)


def is_rural(commune: str) -> bool:
    return normalise(commune) not in _URBAN
