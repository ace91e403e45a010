"""The annual report (*bilan d'activité*): a PDF in French for the funders, made with WeasyPrint.

It holds the coordinator's foreword, the highlights of the year per venue (with the venue's own
paragraph), then every section of the reports (``sections``: the same tables as the page, with
their charts and data tables) and the pooling ledger. Like the agreements it is PDF/A-3a and
tagged (``app.agreements.rendering``: the same variant, output intent, fonts and PDF/UA
identification), in French whatever the coordinator's interface language.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale

from app.agreements.rendering import (
    OUTPUT_INTENT,
    PDF_VARIANT,
    PdfToolchainMissing,
    _declare_pdf_ua,
    _font_config,
    _output_intent_rule,
)
from app.core import system
from app.core.clock import utcnow
from app.extensions import db
from app.models import User, Venue
from app.reports import charts, periods, sections
from app.reports.figures import Filters
from app.reports.models import FOREWORD, AnnualReportText
from app.reports.tables import Table, show


def highlights(venues: list[Venue], built) -> list[dict]:
    """Per venue, from the report's own tables: bookings and hours, its most used resource, and what
    it gave to and received from the other venues."""
    tables: dict[str, Table] = {t.key: t for _, group in built for t in group}
    by_venue = {r["label"]: r for r in tables["reservations_par_lieu"].rows}
    balance = {r["label"]: r for r in tables["solde_par_lieu"].rows}
    busiest: dict[str, dict] = {}
    for row in tables["occupation"].rows:  # sorted by occupancy, highest first
        busiest.setdefault(row["venue"], row)
    return [
        {
            "venue": venue,
            "bookings": by_venue.get(venue.name),
            "busiest": busiest.get(venue.name),
            "balance": balance.get(venue.name),
        }
        for venue in venues
    ]


def render_html(year: int, foreword: str, paragraphs: dict[int, str]) -> str:
    venues = list(db.session.scalars(sa.select(Venue).order_by(Venue.name)))
    filters = Filters(period=periods.year_of(year), venue_ids=tuple(v.id for v in venues), every_venue=True)
    with force_locale("fr"):
        built = sections.build(filters)
        return render_template(
            "reports/pdf/annual.html",
            year=year,
            filters=filters,
            foreword=foreword,
            paragraphs=paragraphs,
            highlights=highlights(venues, built),
            built=built,
            made_on=utcnow(),
            output_intent=_output_intent_rule(),
            show=show,
            chart=charts.image,
        )


def render_pdf(year: int, foreword: str, paragraphs: dict[int, str]) -> bytes:
    problems = system.pdf_problems()
    if problems:
        raise PdfToolchainMissing("; ".join(problems))
    from weasyprint import HTML

    return HTML(string=render_html(year, foreword, paragraphs)).write_pdf(
        finisher=_declare_pdf_ua,
        pdf_variant=PDF_VARIANT,
        pdf_identifier=f"bilan-{year}".encode(),
        output_intent=OUTPUT_INTENT,
        font_config=_font_config(),
    )


def saved_texts(year: int) -> tuple[str, dict[int, str]]:
    """The foreword and the venues' paragraphs kept for ``year`` (empty when none were saved)."""
    rows = db.session.scalars(sa.select(AnnualReportText).where(AnnualReportText.year == year))
    texts = {row.venue_id: row.body for row in rows}
    return texts.pop(FOREWORD, ""), texts


def save_texts(year: int, foreword: str, paragraphs: dict[int, str], actor: User) -> None:
    """Keep the year's texts (an empty text removes its row); the caller commits."""
    wanted = {FOREWORD: foreword.strip(), **{venue_id: text.strip() for venue_id, text in paragraphs.items()}}
    kept = {
        row.venue_id: row
        for row in db.session.scalars(sa.select(AnnualReportText).where(AnnualReportText.year == year))
    }
    for venue_id, body in wanted.items():
        row = kept.get(venue_id)
        if not body:
            if row is not None:
                db.session.delete(row)
        elif row is None:
            db.session.add(AnnualReportText(year=year, venue_id=venue_id, body=body, updated_by_id=actor.id))
        elif row.body != body:
            row.body, row.updated_by_id = body, actor.id
    db.session.flush()
