"""The Factur-X file of an invoice or a credit note: a PDF/A-3 made with WeasyPrint, like the
agreements (``app.agreements.rendering``: the same fonts per thread, the same sRGB output intent),
from the issued document alone, with its EN 16931 XML embedded by the ``factur-x`` package (which
writes the Factur-X XMP metadata and attaches ``factur-x.xml`` as the PDF/A-3 ``Alternative``).

The same document gives the same bytes: its dates are the document's, the PDF identifier its number.
"""

from __future__ import annotations

from flask import current_app

from app.agreements.rendering import OUTPUT_INTENT, Formats, PdfToolchainMissing, _font_config, _output_intent_rule
from app.billing import facturx
from app.billing.models import Invoice
from app.core import system

PDF_VARIANT = "pdf/a-3b"


def render_html(invoice: Invoice) -> str:
    return current_app.jinja_env.get_template("billing/pdf/invoice.html").render(
        invoice=invoice,
        f=Formats("fr"),
        mentions=facturx.mentions(invoice),
        issued_on=facturx.issue_day(invoice),
        output_intent_rule=_output_intent_rule(),
        out_of_scope_wording=facturx.OUT_OF_SCOPE_WORDING,
    )


def render_pdf(invoice: Invoice) -> bytes:
    """The PDF/A-3 with its Factur-X XML (checked against the EN 16931 schema on the way in)."""
    problems = system.pdf_problems()
    if problems:
        raise PdfToolchainMissing("; ".join(problems))
    from facturx import generate_from_binary
    from weasyprint import HTML

    pdf = HTML(string=render_html(invoice)).write_pdf(
        pdf_variant=PDF_VARIANT,
        pdf_identifier=invoice.number.encode(),
        output_intent=OUTPUT_INTENT,
        font_config=_font_config(),
    )
    xml = facturx.build_xml(invoice)
    return generate_from_binary(
        pdf,
        xml,
        flavor="factur-x",
        level="en16931",
        check_xsd=True,
        pdf_metadata={
            "author": invoice.seller["name"],
            "keywords": "Factur-X",
            "title": f"{'Avoir' if invoice.is_credit_note else 'Facture'} {invoice.number}",
            "subject": f"{invoice.seller['name']} — {invoice.buyer['name']}",
        },
        lang="fr-FR",
    )
