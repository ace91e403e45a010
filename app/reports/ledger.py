"""The pooling ledger (*registre de mutualisation*): what the members attached to one venue used of
another venue's spaces, machines and kits, in hours, kit-days and value at the consortium tariff.

- A member's **home venue** is the venue of their first membership (the oldest ``VenueMembership``:
  members of several venues count for the one they joined first, so that no use counts twice).
  Bookings by people with no membership have no home venue and stay out of the venue matrix; they
  count in the per-organisation table.
- The **value** is the consortium tariff of the resource: for a kit its day rate × units × days (its
  hour rate × hours when it has no day rate), for a space or a machine its hour rate × hours (its day
  rate × days when it has no hour rate); a resource with no consortium tariff is worth 0.
- The same bookings as the other figures (``figures``): cancelled and rejected ones left out, cut
  at the period's bounds. Grouping and sums are done by the database.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import Booking, Organisation, Resource, ResourceKind, Tariff, TariffAudience, Venue, VenueMembership
from app.reports.figures import Filters, _booking_filters, _bounds
from app.reports.sql import seconds_within
from app.reports.tables import Column, Table, days, hours


def _home_venues() -> sa.Subquery:
    first = (
        sa.select(VenueMembership.user_id, sa.func.min(VenueMembership.id).label("membership_id"))
        .group_by(VenueMembership.user_id)
        .subquery()
    )
    return (
        sa.select(first.c.user_id, VenueMembership.venue_id)
        .join(VenueMembership, VenueMembership.id == first.c.membership_id)
        .subquery("home")
    )


def _sums(filters: Filters):
    lower, upper = _bounds(filters.period)
    seconds = seconds_within(Booking.starts_at, Booking.ends_at, lower, upper)
    unit_seconds = seconds * Booking.quantity
    is_kit = Resource.kind == ResourceKind.KIT
    space_seconds = sa.func.sum(sa.case((is_kit, 0), else_=seconds)).label("seconds")
    kit_seconds = sa.func.sum(sa.case((is_kit, unit_seconds), else_=0)).label("kit_seconds")
    value = sa.func.sum(
        sa.case(
            (sa.and_(is_kit, Tariff.day_cents.is_not(None)), Tariff.day_cents * unit_seconds / 86400.0),
            (is_kit, sa.func.coalesce(Tariff.hour_cents, 0) * unit_seconds / 3600.0),
            (Tariff.hour_cents.is_not(None), Tariff.hour_cents * seconds / 3600.0),
            else_=sa.func.coalesce(Tariff.day_cents, 0) * seconds / 86400.0,
        )
    ).label("value")
    return space_seconds, kit_seconds, value


def _query(filters: Filters, *keys):
    tariff = sa.and_(Tariff.resource_id == Resource.id, Tariff.audience == TariffAudience.CONSORTIUM)
    return (
        sa.select(*keys, *_sums(filters))
        .select_from(Booking)
        .join(Resource)
        .outerjoin(Tariff, tariff)
        .where(*_booking_filters(filters, hosts_in_scope=False))
    )


def _measure_row(row) -> dict:
    return {"hours": hours(row.seconds), "kit_days": days(row.kit_seconds), "value": int(round(float(row.value or 0)))}


MEASURES = [
    Column("hours", _l("Heures (espaces et machines)"), "hours"),
    Column("kit_days", _l("Jours-kit"), "days"),
    Column("value", _l("Valeur au tarif consortium"), "cents"),
]


def _total(rows: list[dict], label) -> dict:
    return {
        "label": str(label),
        "hours": round(sum(r["hours"] for r in rows), 2),
        "kit_days": round(sum(r["kit_days"] for r in rows), 2),
        "value": sum(r["value"] for r in rows),
    }


def venue_pairs(filters: Filters) -> list[dict]:
    """One row per pair (home venue of the members, venue hosting the resource), the two different,
    with at least one venue of the pair in the scope."""
    home = _home_venues()
    query = (
        _query(filters, home.c.venue_id.label("member_venue"), Resource.venue_id.label("host_venue"))
        .join(home, home.c.user_id == Booking.requester_id)
        .where(
            home.c.venue_id != Resource.venue_id,
            sa.or_(home.c.venue_id.in_(filters.venue_ids), Resource.venue_id.in_(filters.venue_ids)),
        )
        .group_by(home.c.venue_id, Resource.venue_id)
    )
    return [
        {"member_venue": r.member_venue, "host_venue": r.host_venue, **_measure_row(r)}
        for r in db.session.execute(query)
    ]


def tables(filters: Filters) -> list[Table]:
    pairs = venue_pairs(filters)
    names = dict(db.session.execute(sa.select(Venue.id, Venue.name)).all())
    in_scope = set(filters.venue_ids)
    pair_rows = [
        {
            "label": names[p["member_venue"]],
            "host": names[p["host_venue"]],
            **{k: p[k] for k in ("hours", "kit_days", "value")},
        }
        for p in sorted(pairs, key=lambda p: (names[p["member_venue"]], names[p["host_venue"]]))
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
            "Un membre est rattaché au premier lieu dont il est devenu membre ; l'usage de son propre lieu n'est pas compté."
        )
    )
    balance_rows = []
    for venue_id in sorted(in_scope & set(names), key=lambda v: names[v]):
        given = [p for p in pairs if p["host_venue"] == venue_id]
        received = [p for p in pairs if p["member_venue"] == venue_id]
        row = {
            "label": names[venue_id],
            "given_hours": round(sum(p["hours"] for p in given), 2),
            "given_kit_days": round(sum(p["kit_days"] for p in given), 2),
            "given_value": sum(p["value"] for p in given),
            "received_hours": round(sum(p["hours"] for p in received), 2),
            "received_kit_days": round(sum(p["kit_days"] for p in received), 2),
            "received_value": sum(p["value"] for p in received),
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
        caption=_l("Valeur donnée aux membres des autres lieux et reçue d'eux, par lieu."),
        chart="bar",
        chart_value="given_value",
    )
    return [matrix, balance, organisations(filters)]


def organisations(filters: Filters) -> Table:
    """What each organisation used of each venue (its bookings of resources in the scope)."""
    query = (
        _query(filters, Organisation.name.label("organisation"), Venue.name.label("host"))
        .join(Organisation, Organisation.id == Booking.organisation_id)
        .join(Venue, Venue.id == Resource.venue_id)
        .where(Resource.venue_id.in_(filters.venue_ids))
        .group_by(Organisation.name, Venue.name)
        .order_by(Organisation.name, Venue.name)
    )
    rows = [{"label": r.organisation, "host": r.host, **_measure_row(r)} for r in db.session.execute(query)]
    return Table(
        "mutualisation_par_structure",
        _l("Mutualisation par structure"),
        [Column("label", _l("Structure")), Column("host", _l("Lieu utilisé")), *MEASURES],
        rows,
        _total(rows, _l("Total")),
        caption=_l("Ce que chaque structure a utilisé des ressources de chaque lieu."),
    )
