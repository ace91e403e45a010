"""A member's agreements (metadata and PDF) and invoices (metadata and PDF), with their token: the
agreements' and the billing's own rules decide who sees what and make the files."""

from __future__ import annotations

import io
from collections.abc import Callable

from flask import send_file, url_for
from sqlalchemy import select

from app.agreements import signing
from app.agreements import storage as agreement_files
from app.agreements.models import Agreement, AgreementStatus
from app.api.auth import caller
from app.api.member import SECURITY, _errors, blp
from app.api.problems import problem
from app.api.schemas import AgreementPageSchema, InvoicePageSchema, PageArgs
from app.api.web import not_found, paginated
from app.billing import payments
from app.billing import storage as invoice_files
from app.billing.models import Invoice
from app.extensions import db

PDF = {
    200: {"description": "The PDF", "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}
}


def _pdf(make: Callable[[], bytes], name: str):
    """The document ``make`` returns (made and stored at the first request, in its own commit) as a
    private download, or a 503 problem asking to come back when it could not be made."""
    try:
        data = make()
        db.session.commit()
    except Exception:  # noqa: BLE001 - made again on the next try
        return _not_ready()
    response = send_file(io.BytesIO(data), mimetype="application/pdf", download_name=name)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _not_ready():
    from app.core.i18n import gettext as _

    db.session.rollback()
    return problem(
        503,
        _("Document en préparation"),
        _("Le document n'a pas pu être préparé. Réessayez dans quelques minutes."),
        headers={"Retry-After": "60"},
    )


def agreement_data(agreement: Agreement) -> dict:
    return {
        "id": agreement.id,
        "number": agreement.number,
        "version": agreement.version,
        "kind": agreement.kind.value,
        "status": agreement.status.value,
        "venue": agreement.venue.slug,
        "issued_at": agreement.issued_at,
        "accepted_at": agreement.accepted_at,
        "countersigned_at": agreement.countersigned_at,
        "sha256": agreement.sha256,
        "pdf_url": url_for("api_member.agreement_pdf", agreement_id=agreement.id, _external=True),
    }


@blp.route("/agreements")
@blp.doc(security=SECURITY, operationId="listMyAgreements")
@blp.arguments(PageArgs, location="query")
@blp.response(200, AgreementPageSchema)
@_errors()
def agreements(args):
    """The agreements made with the token owner (void versions left out), the latest first."""
    user = caller()
    query = select(Agreement).where(Agreement.borrower_id == user.id, Agreement.status != AgreementStatus.VOID)
    query = query.order_by(Agreement.issued_at.desc(), Agreement.id.desc())
    return paginated(query, "api_member.agreements", args, agreement_data)


@blp.route("/agreements/<int:agreement_id>/pdf")
@blp.doc(security=SECURITY, operationId="getAgreementPdf", responses=PDF)
@_errors(404, 503)
def agreement_pdf(agreement_id: int):
    """The agreement's PDF: the countersigned one once it exists, else the issued one."""
    user = caller()
    agreement = db.session.get(Agreement, agreement_id)
    if agreement is None or not signing.can_view(user, agreement):
        not_found()
    final = agreement.countersigned_at is not None
    suffix = "-final" if final else ""
    name = f"{agreement.number}-v{agreement.version}{suffix}.pdf"
    return _pdf(lambda: agreement_files.ensure_file(agreement, final), name)


def invoice_data(invoice: Invoice) -> dict:
    balance = payments.balance(invoice)
    state = payments.state_of(invoice)
    return {
        "id": invoice.id,
        "number": invoice.number,
        "kind": invoice.kind.value,
        "venue": invoice.venue.slug,
        "issued_at": invoice.issued_at,
        "due_on": invoice.due_on,
        "total_cents": invoice.total_cents,
        "due_cents": balance.due_cents,
        "state": state.value if state else None,
        "pdf_url": url_for("api_member.invoice_pdf", invoice_id=invoice.id, _external=True),
    }


@blp.route("/invoices")
@blp.doc(security=SECURITY, operationId="listMyInvoices")
@blp.arguments(PageArgs, location="query")
@blp.response(200, InvoicePageSchema)
@_errors()
def invoices(args):
    """The invoices and credit notes issued to the token owner, the latest first."""
    user = caller()
    query = select(Invoice).where(Invoice.buyer_id == user.id)
    query = query.order_by(Invoice.issued_at.desc(), Invoice.id.desc())
    return paginated(query, "api_member.invoices", args, invoice_data)


@blp.route("/invoices/<int:invoice_id>/pdf")
@blp.doc(security=SECURITY, operationId="getInvoicePdf", responses=PDF)
@_errors(404, 503)
def invoice_pdf(invoice_id: int):
    """The invoice's PDF (Factur-X)."""
    user = caller()
    invoice = db.session.get(Invoice, invoice_id)
    if invoice is None or invoice.buyer_id != user.id:
        not_found()
    return _pdf(lambda: invoice_files.ensure_file(invoice), f"{invoice.number}.pdf")
