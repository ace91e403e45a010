"""The pooling ledger (*registre de mutualisation*): what the members attached to one venue used of
another venue's spaces, machines and kits, in hours, kit-days and value at the consortium tariff.

- A member's **home venue** is the venue of their first membership (the oldest ``VenueMembership``:
  members of several venues count for the one they joined first, so that no use counts twice).
  Bookings by people with no membership have no home venue and stay out of the venue matrix; they
  count in the per-organisation table.
- The **value** is the consortium tariff of the resource: for a kit its day rate × units × days (its
  hour rate × hours when it has no day rate), for a space or a machine its hour rate × hours (its day
  rate × days when it has no hour rate); a resource with no consortium tariff is worth 0.
- The same bookings as the other figures: the usage cube of ``figures`` (one aggregate query,
  grouped by resource, organisation and home venue), cancelled and rejected bookings left out, cut
  at the period's bounds. A tariff is one per resource, so the value of a group is its rate × its sum.
"""

from __future__ import annotations

from app.core.i18n import lazy_gettext as _l
from app.models import ResourceKind
from app.reports.figures import Report, Use
from app.reports.tables import Column, Table, days, hours

MEASURES = [
    Column("hours", _l("Heures (espaces et machines)"), "hours"),
    Column("kit_days", _l("Jours-kit"), "days"),
    Column("value", _l("Valeur au tarif consortium"), "cents"),
]


class Tally:
    def __init__(self) -> None:
        self.seconds = 0
        self.kit_seconds = 0
        self.value = 0.0

    def add(self, use: Use, resource) -> None:
        if resource.kind == ResourceKind.KIT:
            self.kit_seconds += use.unit_seconds
            if resource.day_cents is not None:
                self.value += resource.day_cents * use.unit_seconds / 86400
            else:
                self.value += (resource.hour_cents or 0) * use.unit_seconds / 3600
        else:
            self.seconds += use.seconds
            if resource.hour_cents is not None:
                self.value += resource.hour_cents * use.seconds / 3600
            else:
                self.value += (resource.day_cents or 0) * use.seconds / 86400

    def row(self) -> dict:
        return {"hours": hours(self.seconds), "kit_days": days(self.kit_seconds), "value": int(round(self.value))}


def _total(rows: list[dict], label) -> dict:
    return {
        "label": str(label),
        "hours": round(sum(r["hours"] for r in rows), 2),
        "kit_days": round(sum(r["kit_days"] for r in rows), 2),
        "value": sum(r["value"] for r in rows),
    }


def venue_pairs(report: Report) -> dict[tuple[int, int], dict]:
    """(home venue of the members, venue hosting the resource) → measures, the two venues different,
    at least one of them in the scope."""
    scope = set(report.filters.venue_ids)
    resources = report.catalogue.resources
    tallies: dict[tuple[int, int], Tally] = {}
    for use in report.usage.by_home:
        resource = resources[use.resource_id]
        home, host = use.key, resource.venue_id
        if home == host or not ({home, host} & scope):
            continue
        tallies.setdefault((home, host), Tally()).add(use, resource)
    return {pair: tally.row() for pair, tally in tallies.items()}


def tables(report: Report) -> list[Table]:
    pairs = venue_pairs(report)
    names = report.catalogue.venues
    pair_rows = [
        {"label": names[home], "host": names[host], **measures}
        for (home, host), measures in sorted(pairs.items(), key=lambda p: (names[p[0][0]], names[p[0][1]]))
    ]
    matrix = Table(
        "registre_mutualisation",
        _l("Registre de mutualisation : qui utilise les ressources de qui"),
        [Column("label", _l("Membres de")), Column("host", _l("Ressources de")), *MEASURES],
        pair_rows,
        _total(pair_rows, _l("Total")),
        caption=_l(
            "Pour chaque paire de lieux, ce que les membres rattachés au premier ont utilisé des espaces, "
            "machines et kits du second."
        ),
        chart="matrix",
        chart_value="value",
    )
    matrix.notes.append(
        _l(
            "Un membre est rattaché au premier lieu dont il est devenu membre ; l'usage de son propre lieu "
            "n'est pas compté."
        )
    )
    balance_rows = []
    for venue_id in sorted(report.filters.venue_ids, key=lambda v: names[v]):
        given = [m for (home, host), m in pairs.items() if host == venue_id]
        received = [m for (home, host), m in pairs.items() if home == venue_id]
        row = {
            "label": names[venue_id],
            "given_hours": round(sum(m["hours"] for m in given), 2),
            "given_kit_days": round(sum(m["kit_days"] for m in given), 2),
            "given_value": sum(m["value"] for m in given),
            "received_hours": round(sum(m["hours"] for m in received), 2),
            "received_kit_days": round(sum(m["kit_days"] for m in received), 2),
            "received_value": sum(m["value"] for m in received),
        }
        row["balance"] = row["given_value"] - row["received_value"]
        balance_rows.append(row)
    balance = Table(
        "solde_par_lieu",
        _l("Solde de mutualisation par lieu"),
        [
            Column("label", _l("Lieu")),
            Column("given_hours", _l("Heures données"), "hours"),
            Column("given_kit_days", _l("Jours-kit donnés"), "days"),
            Column("given_value", _l("Valeur donnée"), "cents"),
            Column("received_hours", _l("Heures reçues"), "hours"),
            Column("received_kit_days", _l("Jours-kit reçus"), "days"),
            Column("received_value", _l("Valeur reçue"), "cents"),
            Column("balance", _l("Solde (donné − reçu)"), "cents"),
        ],
        balance_rows,
        None,
        caption=_l("Valeur donnée aux membres des autres lieux, par lieu."),
        chart="bar",
        chart_value="given_value",
    )
    return [matrix, balance, organisations(report)]


def organisations(report: Report) -> Table:
    """What each organisation used of each venue (its bookings of resources in the scope)."""
    resources, names = report.catalogue.resources, report.catalogue.venues
    organisations = report.catalogue.organisations
    tallies: dict[tuple[str, str], Tally] = {}
    for use in report.usage.by_organisation:
        resource = resources[use.resource_id]
        key = (organisations[use.key].name, names[resource.venue_id])
        tallies.setdefault(key, Tally()).add(use, resource)
    rows = [{"label": org, "host": host, **tally.row()} for (org, host), tally in sorted(tallies.items())]
    return Table(
        "mutualisation_par_structure",
        _l("Mutualisation par structure"),
        [Column("label", _l("Structure")), Column("host", _l("Lieu utilisé")), *MEASURES],
        rows,
        _total(rows, _l("Total")),
        caption=_l("Ce que chaque structure a utilisé des ressources de chaque lieu."),
    )
