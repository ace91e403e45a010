"""The sections of a report, in the order the page, the CSV exports and the annual PDF show them.

This list is the one source: each section is a title and a function of a ``figures.Report`` (the
filters as ``report.filters``, and what the tables share, queried once) that returns its tables
(``tables.Table``), computed by aggregate queries. Another feature's figures plug
in as one more module and one more line here:

- **events**: ``app/reports/events.py`` (events held, registrations, attendance and people reached,
  by category and by venue);
- **money**: ``app/reports/money.py`` (invoiced, credited, paid, due per venue) is the example.

Every table of a section then has its CSV (``/gestion/bilans/export/<key>.csv``), its place on the
page and in the PDF, with no other change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.core.i18n import lazy_gettext as _l
from app.reports import events, figures, ledger, money
from app.reports.figures import Filters, Report
from app.reports.tables import Table


@dataclass(frozen=True)
class Section:
    key: str
    title: Any
    tables: Callable[[Report], list[Table]]


def _bookings(report: Report) -> list[Table]:
    return [
        figures.bookings_by_venue(report),
        figures.bookings_by_kind(report),
        figures.bookings_by_theme(report),
        figures.bookings_by_audience(report),
    ]


SECTIONS: list[Section] = [
    Section("reservations", _l("Réservations"), _bookings),
    Section("occupation", _l("Occupation des ressources"), lambda r: [figures.occupancy(r), figures.heatmap(r)]),
    Section("machines", _l("Machines"), lambda r: [figures.machines(r)]),
    Section("kits", _l("Kits mobiles"), lambda r: [figures.kits(r), figures.communes(r)]),
    Section("porteurs", _l("Porteurs de projet"), lambda r: [figures.newcomers(r)]),
    Section("evenements", _l("Évènements et rencontres"), events.tables),
    Section("mutualisation", _l("Registre de mutualisation"), ledger.tables),
    Section("finances", _l("Facturation"), money.tables),
]


def build(filters: Filters, only: str | None = None) -> list[tuple[Section, list[Table]]]:
    """Every section with its tables (or only the section named ``only``), from one ``Report``."""
    report = Report(filters)
    return [(section, section.tables(report)) for section in SECTIONS if only in (None, section.key)]


def find_table(filters: Filters, key: str) -> Table | None:
    report = Report(filters)
    for section in SECTIONS:
        for table in section.tables(report):
            if table.key == key:
                return table
    return None
