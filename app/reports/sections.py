"""The sections of a report, in the order the page, the CSV exports and the annual PDF show them.

This list is the one source: each section is a title and a function of ``figures.Filters`` that
returns its tables (``tables.Table``), computed by aggregate queries. Another feature's figures plug
in as one more module and one more line here:

- **events** (issue 17): ``app/reports/events.py`` with ``tables(filters) -> list[Table]`` (events
  held, registrations and attendance, the "rencontres" by category, people reached, from the events'
  tables over ``filters.period`` and ``filters.venue_ids``), then ``Section("evenements", _l("Évènements"),
  events.tables)`` after the newcomers;
- **money** (issue 18): ``app/reports/money.py`` likewise (invoiced, paid, outstanding per venue), then
  ``Section("finances", _l("Facturation"), money.tables)`` at the end.

Every table of a section then has its CSV (``/gestion/bilans/export/<key>.csv``), its place on the
page and in the PDF, with no other change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from app.reports import figures, ledger
from app.reports.figures import Filters
from app.reports.tables import Table


@dataclass(frozen=True)
class Section:
    key: str
    title: Any
    tables: Callable[[Filters], list[Table]]


def _bookings(filters: Filters) -> list[Table]:
    return [
        figures.bookings_by_venue(filters),
        figures.bookings_by_kind(filters),
        figures.bookings_by_theme(filters),
        figures.bookings_by_audience(filters),
    ]


SECTIONS: list[Section] = [
    Section("reservations", _l("Réservations"), _bookings),
    Section("occupation", _l("Occupation des ressources"), lambda f: [figures.occupancy(f), figures.heatmap(f)]),
    Section("machines", _l("Machines"), lambda f: [figures.machines(f)]),
    Section("kits", _l("Kits mobiles"), lambda f: [figures.kits(f), figures.communes(f)]),
    Section("porteurs", _l("Porteurs de projet"), lambda f: [figures.newcomers(f)]),
    Section("mutualisation", _l("Registre de mutualisation"), ledger.tables),
]


def build(filters: Filters, only: str | None = None) -> list[tuple[Section, list[Table]]]:
    """Every section with its tables (or only the section named ``only``)."""
    return [(section, section.tables(filters)) for section in SECTIONS if only in (None, section.key)]


def find_table(filters: Filters, key: str) -> Table | None:
    for section in SECTIONS:
        for table in section.tables(filters):
            if table.key == key:
                return table
    return None
