"""Rendering an agreement to PDF/A with WeasyPrint, from its snapshot alone.

The documents are ``pdf/booking.html`` and ``pdf/test_space.html``; their legal prose lives in one
file of clauses per language (``pdf/_parts_fr.html``, ``pdf/_parts_en.html``) rather than in
gettext: a lawyer reads and edits a whole clause in context, and the English document exists
before the interface's English catalogue does. Dates (Europe/Paris) and money are formatted in
the agreement's language, which is the borrower's when the version was issued.

The same agreement gives the same bytes: the document's dates are the agreement's (issued, or
countersigned for the final version), never the time of rendering, and the PDF identifier comes
from the number and version.

The file is PDF/A-3a and PDF/UA-1, so that it can be archived and read aloud: WeasyPrint tags it
(a structure tree in reading order, headings, lists, tables with their header cells, the QR code
a figure with its alternative text), the language is the document's (``<html lang>``), the
title is the ``<title>`` and readers show it (``DisplayDocTitle``). WeasyPrint writes the PDF/A
identification in the XMP metadata; :func:`_declare_pdf_ua` adds the PDF/UA one, with the
extension schema that PDF/A requires for it. The seal (``sealing``) keeps all of it, PDF 1.7
included.
"""

from __future__ import annotations

import threading
from datetime import date, datetime, time, timedelta
from functools import lru_cache, partial
from importlib.resources import files
from pathlib import Path

import segno
from babel.dates import format_datetime, format_time
from flask import current_app
from markupsafe import Markup

from app.agreements.models import Agreement
from app.core import system
from app.core.clock import PARIS
from app.core.i18n import first_of_month, format_day, locale_for
from app.core.money import format_cents
from app.notifications.links import absolute_url

PDF_VARIANT = "pdf/a-3a"  # level A ("accessible"): tagged, with its language; WeasyPrint tags it
OUTPUT_INTENT = "--fnt-srgb"

# The PDF/UA-1 identification, and its description as an XMP extension schema: PDF/A allows only
# the XMP schemas it predefines unless the file describes the others (ISO 19005-3, 6.6.2.3).
PDF_UA_XMP = b"""<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" pdfuaid:part="1"/>
<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" \
xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
"""


@lru_cache(maxsize=1)
def _output_intent_rule() -> Markup:
    """The sRGB profile that WeasyPrint ships, declared as a CSS colour profile of the document and
    used as the PDF/A output intent. (WeasyPrint's built-in ``srgb`` intent leaves the profile's
    file open, which Python reports as a ResourceWarning; this way it is read and closed.)"""
    profile = Path(str(files("weasyprint.pdf") / "sRGB2014.icc"))
    return Markup(f'@color-profile {OUTPUT_INTENT} {{ src: url("{profile.as_uri()}"); components: r, g, b }}')


class Formats:
    """Dates, times and money in one language, in Europe/Paris."""

    def __init__(self, locale: str):
        self.language = locale  # "fr", "en"
        self.locale = locale_for(locale)  # the formats it is written in: en_GB for English

    def _moment(self, value: str | datetime) -> datetime:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        return moment.astimezone(PARIS)

    def date(self, value: str | date | datetime) -> str:
        if isinstance(value, str):
            value = self._moment(value).date() if "T" in value else date.fromisoformat(value)
        elif isinstance(value, datetime):
            value = self._moment(value).date()
        return format_day(value, "long", language=self.language)

    def weekday_date(self, value: str | datetime) -> str:
        return format_day(self._moment(value).date(), "full", language=self.language)

    def time(self, value: str | datetime) -> str:
        return format_time(self._moment(value).time(), "HH:mm", locale=self.locale)

    def moment(self, value: str | datetime) -> str:
        moment = self._moment(value)
        pattern = first_of_month("d MMMM y, HH:mm", self.language, moment.day)
        return format_datetime(moment, pattern, tzinfo=PARIS, locale=self.locale)

    def period(self, starts_at: str, ends_at: str) -> tuple[str, str]:
        """(day, hours) of one occurrence; a booking over several days names both days."""
        start, end = self._moment(starts_at), self._moment(ends_at)
        last_day = (end - timedelta(microseconds=1)).date()
        if last_day == start.date():
            return self.weekday_date(starts_at), f"{self.time(starts_at)} – {self.time(ends_at)}"
        ends = "24:00" if end.time() == time(0, 0) else self.time(ends_at)
        return (
            f"{self.weekday_date(starts_at)} – {format_day(last_day, 'full', language=self.language)}",
            f"{self.time(starts_at)} – {ends}",
        )

    def money(self, cents: int | None) -> str:
        return format_cents(cents, self.locale)


def verification_url(agreement: Agreement) -> str:
    """The short URL printed on the document and carried by its QR code."""
    return absolute_url("agreements.short", code=agreement.verification_code)


def qr_svg(url: str, title: str | None = None) -> Markup:
    """The QR code of ``url`` as inline SVG (vector, sharp at any size); its ``title`` is the
    figure's alternative text in the tagged PDF."""
    code = segno.make(url, error="m", micro=False)
    return Markup(code.svg_inline(scale=2.4, border=0, dark="#000", omitsize=False, title=title))


def _w3c(moment: datetime) -> str:
    return moment.astimezone(PARIS).isoformat(timespec="seconds")


def _language(agreement: Agreement) -> str:
    return "en" if agreement.locale == "en" else "fr"


def template_name(agreement: Agreement) -> str:
    return f"agreements/pdf/{agreement.kind.value}.html"


def render_html(agreement: Agreement, final: bool = False) -> str:
    if final and agreement.countersigned_at is None:
        raise ValueError("the final version needs the countersignature")
    url = verification_url(agreement)
    modified = agreement.countersigned_at if final else agreement.issued_at
    # The application's Jinja environment, without its context processors: a document depends on
    # nothing of the request (and renders the same from the CLI).
    return current_app.jinja_env.get_template(template_name(agreement)).render(
        parts_template=f"agreements/pdf/_parts_{_language(agreement)}.html",
        agreement=agreement,
        c=agreement.content,
        f=Formats(agreement.locale),
        final=final,
        short_url=url,
        lang=_language(agreement),
        qr=partial(qr_svg, url),  # called by the template with the alternative text in its language
        created=_w3c(agreement.issued_at),
        modified=_w3c(modified),
        output_intent_rule=_output_intent_rule(),
    )


_fonts = threading.local()


def _font_config():
    """One WeasyPrint font configuration per thread, kept between documents: a new one for every
    document costs about 15 ms and lets the process grow by a few MiB per document (measured with
    bench/agreements.py). Pango objects are not shared across threads, hence one per thread."""
    from weasyprint.text.fonts import FontConfiguration

    config = getattr(_fonts, "config", None)
    if config is None:
        config = _fonts.config = FontConfiguration()
    return config


def _declare_pdf_ua(document, pdf) -> None:
    """WeasyPrint's finisher: add the PDF/UA identification to the XMP metadata it wrote (its
    PDF/A variant tags the file as PDF/UA asks, but names only PDF/A there)."""
    metadata = pdf.objects[int(pdf.catalog["Metadata"].split()[0])]
    xmp = b"".join(metadata.stream)
    end = xmp.rindex(b"</rdf:RDF>")
    metadata.stream = [xmp[:end] + PDF_UA_XMP + xmp[end:]]


class PdfToolchainMissing(RuntimeError):
    """A system library WeasyPrint needs is missing: the message names it and its Debian package."""


def render_pdf(agreement: Agreement, final: bool = False) -> bytes:
    """The agreement as PDF/A, ready to be sealed. Refused at once, naming what to install, when a
    library the PDF needs is missing (WeasyPrint would fail further on, with an obscure error)."""
    problems = system.pdf_problems()
    if problems:
        raise PdfToolchainMissing("; ".join(problems))
    from weasyprint import HTML

    html = render_html(agreement, final)
    identifier = f"{agreement.number}-v{agreement.version}{'-final' if final else ''}".encode()
    return HTML(string=html).write_pdf(
        finisher=_declare_pdf_ua,
        pdf_variant=PDF_VARIANT,
        pdf_identifier=identifier,
        output_intent=OUTPUT_INTENT,
        font_config=_font_config(),
    )


WARM_UP_HTML = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Préchauffage</title>
<style>{rule}{css}</style></head><body><div class="doc-head"><h1>Convention de mise à disposition</h1>{qr}</div>
<h2>Article 1 — Objet</h2><p>Les parties conviennent <strong>de ce qui suit</strong> : <em>Amiénois</em>, 12,50 €.</p>
<ul><li>Période : lundi 7 décembre 2026, 09:00 – 12:00</li></ul></body></html>"""


def warm_up() -> None:
    """Render, with this thread's fonts, a page in the agreements' stylesheet and settings, so that
    WeasyPrint, Pango and the fonts are loaded before the first agreement (``agreements.warmup``)."""
    problems = system.pdf_problems()
    if problems:
        raise PdfToolchainMissing("; ".join(problems))
    from weasyprint import HTML

    css = current_app.jinja_env.get_template("agreements/pdf/print.css").render()
    html = WARM_UP_HTML.format(rule=_output_intent_rule(), css=css, qr=qr_svg("https://example.org/v/0", "QR"))
    HTML(string=html).write_pdf(
        finisher=_declare_pdf_ua, pdf_variant=PDF_VARIANT, output_intent=OUTPUT_INTENT, font_config=_font_config()
    )
