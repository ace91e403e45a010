"""The money section of the reports: what each venue invoiced, credited and was paid over the period,
and what is still due (and overdue) at its end. Figures come from the venues' own invoices, credit
notes and payments (``app.billing``), by aggregate queries; amounts are integer cents, taxes included.

Due at the end of the period, per invoice issued by then: its total, less its credit notes issued and
its payments received by then, never below zero (as ``app.billing.payments.balance`` counts it).
The kind and theme filters do not apply: an invoice may cover several resources. A kit's deposit
kept is invoiced and paid at once by the deposit withheld (``app.billing.deposits``): invoiced and
received alike.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.billing.models import DocumentKind, Invoice, Payment
from app.core.i18n import lazy_gettext as _l
from app.extensions import db
from app.reports.figures import Report
from app.reports.tables import Column, Table

COLUMNS = [
    Column("label", _l("Lieu")),
    Column("invoices", _l("Factures"), "count"),
    Column("invoiced", _l("Facturé"), "cents"),
    Column("credited", _l("Avoirs"), "cents"),
    Column("paid", _l("Encaissé"), "cents"),
    Column("due", _l("Reste dû en fin de période"), "cents"),
    Column("overdue", _l("Dont en retard"), "cents"),
]


def tables(report: Report) -> list[Table]:
    return [invoicing(report)]


def invoicing(report: Report) -> Table:
    filters = report.filters
    period = filters.period
    venues = list(filters.venue_ids)
    in_period = sa.and_(Invoice.issued_at >= period.starts_at, Invoice.issued_at < period.ends_at)

    issued = db.session.execute(
        sa.select(
            Invoice.venue_id,
            sa.func.sum(sa.case((Invoice.kind == DocumentKind.INVOICE, 1), else_=0)).label("invoices"),
            sa.func.sum(sa.case((Invoice.kind == DocumentKind.INVOICE, Invoice.total_cents), else_=0)).label(
                "invoiced"
            ),
            sa.func.sum(sa.case((Invoice.kind == DocumentKind.CREDIT_NOTE, Invoice.total_cents), else_=0)).label(
                "credited"
            ),
        )
        .where(Invoice.venue_id.in_(venues), in_period)
        .group_by(Invoice.venue_id)
    )
    received = db.session.execute(
        sa.select(Invoice.venue_id, sa.func.sum(Payment.amount_cents).label("paid"))
        .join(Invoice, Invoice.id == Payment.invoice_id)
        .where(Invoice.venue_id.in_(venues), Payment.received_on >= period.first, Payment.received_on <= period.last)
        .group_by(Invoice.venue_id)
    )

    # What each invoice issued by the end of the period still had due then, summed per venue.
    credit_note = sa.orm.aliased(Invoice)
    credited_by_end = (
        sa.select(sa.func.coalesce(sa.func.sum(credit_note.total_cents), 0))
        .where(credit_note.credits_id == Invoice.id, credit_note.issued_at < period.ends_at)
        .scalar_subquery()
    )
    paid_by_end = (
        sa.select(sa.func.coalesce(sa.func.sum(Payment.amount_cents), 0))
        .where(Payment.invoice_id == Invoice.id, Payment.received_on <= period.last)
        .scalar_subquery()
    )
    left = Invoice.total_cents - credited_by_end - paid_by_end
    per_invoice = (
        sa.select(
            Invoice.venue_id.label("venue_id"),
            sa.case((left > 0, left), else_=0).label("due"),
            (Invoice.due_on < period.last).label("late"),
        )
        .where(Invoice.venue_id.in_(venues), Invoice.kind == DocumentKind.INVOICE, Invoice.issued_at < period.ends_at)
        .subquery()
    )
    owed = db.session.execute(
        sa.select(
            per_invoice.c.venue_id,
            sa.func.sum(per_invoice.c.due).label("due"),
            sa.func.sum(sa.case((per_invoice.c.late, per_invoice.c.due), else_=0)).label("overdue"),
        ).group_by(per_invoice.c.venue_id)
    )

    found: dict[int, dict[str, int]] = {}
    for result in (issued, received, owed):
        for row in result:
            values = row._asdict()
            found.setdefault(values.pop("venue_id"), {}).update({k: int(v or 0) for k, v in values.items()})

    names = report.catalogue.venues
    measures = [column.key for column in COLUMNS[1:]]
    rows = []
    for venue_id in sorted(found, key=lambda v: names[v]):
        values = found[venue_id]
        if not any(values.values()):
            continue
        rows.append({"label": names[venue_id], **{key: values.get(key, 0) for key in measures}})
    totals = {"label": str(_l("Total")), **{key: sum(row[key] for row in rows) for key in measures}}
    table = Table(
        "facturation_par_lieu",
        _l("Facturation par lieu"),
        COLUMNS,
        rows,
        totals,
        caption=_l(
            "Montants TTC facturés, crédités par avoir et encaissés par chaque lieu sur la période, "
            "et reste dû à la fin de la période."
        ),
        chart="bar",
        chart_value="invoiced",
    )
    table.notes.append(
        _l(
            "La part d'une caution conservée au retour d'un kit est facturée (hors du champ de la TVA) et "
            "comptée comme encaissée : elle est réglée par retenue sur la caution."
        )
    )
    table.notes.append(
        _l(
            "Chaque lieu facture en son nom propre. Les filtres par type de ressource et par thématique "
            "ne s'appliquent pas à la facturation."
        )
    )
    return table
