"""Billing pages: a venue's billing identity, its invoices (filters, CSV export, payments recorded),
a member's invoices, an invoice's page and its Factur-X file.

An invoice is seen by its buyer, the managers of its venue and the coordination; anybody else gets
404. The file is made on its first download (``storage.ensure_file``) or by ``flask billing render``.
"""

from __future__ import annotations

import csv
import io
import logging

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.billing import identity as identity_rules
from app.billing import (
    issuing,  # also connects the receivers of the booking engine's signals
    online,
    payments,
    providers,
    storage,
)
from app.billing.forms import IdentityForm, InvoiceFilterForm, PaymentForm
from app.billing.models import (
    EXEMPTION_WORDING,
    BillingIdentity,
    DocumentKind,
    Invoice,
    InvoicingSchedule,
    PaymentMethod,
    RefundStatus,
)
from app.core.access import staff_required
from app.core.i18n import format_day
from app.core.i18n import gettext as _
from app.core.i18n import lazy_gettext as _l
from app.core.money import format_cents
from app.core.responses import add_errors, form_page, list_page, page
from app.extensions import csrf, db
from app.manage import permissions
from app.manage.web import venue_or_404
from app.models import Venue

log = logging.getLogger(__name__)

bp = Blueprint("billing", __name__, template_folder="templates")

LIST_LIMIT = 500

STATE_LABELS = {
    payments.InvoiceState.UNPAID: _l("À régler"),
    payments.InvoiceState.PAID: _l("Réglée"),
    payments.InvoiceState.OVERDUE: _l("En retard"),
}
METHOD_LABELS = {
    PaymentMethod.TRANSFER: _l("Virement"),
    PaymentMethod.CHEQUE: _l("Chèque"),
    PaymentMethod.CASH: _l("Espèces"),
    PaymentMethod.CARD: _l("Carte (en ligne)"),
    PaymentMethod.DEPOSIT: _l("Retenue sur caution"),
}
# The deposit withheld settles only the invoice of a kept deposit (``app.billing.deposits``), never by hand.
RECORDABLE_METHODS = [method for method in METHOD_LABELS if method != PaymentMethod.DEPOSIT]
REFUND_LABELS = {
    RefundStatus.PENDING: _l("Remboursement en cours"),
    RefundStatus.SUCCEEDED: _l("Remboursé sur la carte"),
    RefundStatus.FAILED: _l("Remboursement refusé : le lieu vous rembourse autrement"),
}
KIND_LABELS = {DocumentKind.INVOICE: _l("Facture"), DocumentKind.CREDIT_NOTE: _l("Avoir")}


@bp.app_template_filter("invoice_date")
def _invoice_date(value) -> str:
    return format_day(value, "long") if value else ""


@bp.app_context_processor
def _labels():
    return {
        "invoice_state_labels": STATE_LABELS,
        "payment_method_labels": METHOD_LABELS,
        "invoice_kind_labels": KIND_LABELS,
        "refund_labels": REFUND_LABELS,
    }


@bp.app_context_processor
def _booking_invoices():
    """``booking_invoices(booking)``: the invoices and credit notes of a booking (its price, its kit's
    deposit kept) that the person looking may open, each with its state, for the booking's page."""

    def booking_invoices(booking) -> list[tuple[Invoice, payments.InvoiceState | None]]:
        if not current_user.is_authenticated:
            return []
        found = issuing.invoices_of_booking(booking.id)
        return [(invoice, payments.state_of(invoice)) for invoice in found if _can_view(invoice)]

    return {"booking_invoices": booking_invoices}


def _can_view(invoice: Invoice) -> bool:
    return invoice.buyer_id == current_user.id or permissions.can_manage_venue(current_user, invoice.venue)


def _visible_invoice(invoice_id: int) -> Invoice:
    invoice = db.session.get(Invoice, invoice_id)
    if invoice is None or not _can_view(invoice):
        abort(404)
    return invoice


# --- a venue's identity ------------------------------------------------------------------------------


def _identity_form(identity: BillingIdentity | None, venue: Venue) -> IdentityForm:
    if request.method == "POST":
        return IdentityForm()
    if identity is None:
        return IdentityForm(
            formdata=None,
            legal_name=venue.name,
            street=venue.street,
            postal_code=venue.postal_code,
            city=venue.city,
            exemption_wording=EXEMPTION_WORDING,
        )
    form = IdentityForm(formdata=None, obj=identity)
    form.vat_rate.data = identity.vat_rate_basis_points / 100 if identity.vat_rate_basis_points else None
    return form


@bp.route("/gestion/lieux/<slug>/facturation", methods=["GET", "POST"])
@staff_required
def identity(slug: str):
    venue = venue_or_404(slug)
    current = db.session.get(BillingIdentity, venue.id)
    form = _identity_form(current, venue)
    if form.validate_on_submit():
        values = identity_rules.IdentityValues(
            legal_name=form.legal_name.data,
            street=form.street.data,
            postal_code=form.postal_code.data,
            city=form.city.data,
            siret=form.siret.data,
            vat_exempt=form.vat_exempt.data,
            vat_number=form.vat_number.data or "",
            vat_rate_basis_points=form.rate_basis_points(),
            exemption_wording=form.exemption_wording.data or "",
            iban=form.iban.data or "",
            bic=form.bic.data or "",
            payment_terms_days=form.payment_terms_days.data,
            legal_mentions=form.legal_mentions.data or "",
            invoicing=InvoicingSchedule(form.invoicing.data),
        )
        try:
            identity_rules.save(venue, values, current_user)
        except identity_rules.InvalidIdentity as refusal:
            db.session.rollback()
            add_errors(form, refusal)
        else:
            db.session.commit()
            flash(_("L'identité de facturation est enregistrée."), "success")
            return redirect(url_for("billing.identity", slug=venue.slug), code=303)
    return form_page("billing/identity.html", form, venue=venue, identity=current)


# --- a venue's invoices ------------------------------------------------------------------------------


def _venue_invoices(venue: Venue, state: str | None) -> list[tuple[Invoice, payments.Balance, object]]:
    invoices = db.session.scalars(
        select(Invoice).where(Invoice.venue_id == venue.id).order_by(Invoice.issued_at.desc(), Invoice.id.desc())
    ).all()
    rows = []
    for invoice in invoices[:LIST_LIMIT]:
        invoice_state = payments.state_of(invoice)
        if state and (invoice_state is None or invoice_state.value != state):
            continue
        rows.append((invoice, payments.balance(invoice), invoice_state))
    return rows


def _filters() -> InvoiceFilterForm:
    filters = InvoiceFilterForm(formdata=request.args)
    filters.state.choices = [("", _("Toutes")), *[(state.value, str(label)) for state, label in STATE_LABELS.items()]]
    if not filters.validate():
        filters.state.data = ""
    return filters


@bp.get("/gestion/lieux/<slug>/factures")
@staff_required
def venue_invoices(slug: str):
    venue = venue_or_404(slug)
    filters = _filters()
    return list_page(
        "billing/venue_invoices.html",
        "billing/_invoice_rows.html",
        "invoice-rows",
        venue=venue,
        filters=filters,
        rows=_venue_invoices(venue, filters.state.data),
        identity=db.session.get(BillingIdentity, venue.id),
    )


CSV_COLUMNS = ["numero", "date", "client", "net", "tva", "total", "paye", "moyen", "date_paiement"]


@bp.get("/gestion/lieux/<slug>/factures.csv")
@staff_required
def venue_invoices_csv(slug: str):
    """For the accountant: one line per document (a credit note's amounts are negative)."""
    venue = venue_or_404(slug)
    filters = _filters()
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(CSV_COLUMNS)

    def euros(cents: int) -> str:
        return f"{cents / 100:.2f}".replace(".", ",")

    for invoice, balance, _state in reversed(_venue_invoices(venue, filters.state.data)):
        sign = -1 if invoice.is_credit_note else 1
        last = payments.last_payment(invoice)
        writer.writerow(
            [
                invoice.number,
                invoice.issued_at.astimezone(storage.PARIS).date().isoformat(),
                invoice.buyer["name"],
                euros(sign * invoice.net_cents),
                euros(sign * invoice.vat_cents),
                euros(sign * invoice.total_cents),
                euros(balance.paid_cents),
                str(METHOD_LABELS[last.method]) if last else "",
                last.received_on.isoformat() if last else "",
            ]
        )
    response = Response("\ufeff" + out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="factures-{venue.slug}.csv"'
    return response


def _payment_form() -> PaymentForm:
    form = PaymentForm()
    form.method.choices = [(method.value, str(METHOD_LABELS[method])) for method in RECORDABLE_METHODS]
    return form


@bp.post("/gestion/factures/<int:invoice_id>/paiements")
@staff_required
def record_payment(invoice_id: int):
    invoice = db.session.get(Invoice, invoice_id)
    if invoice is None or not permissions.can_manage_venue(current_user, invoice.venue):
        abort(404)
    form = _payment_form()
    if form.validate_on_submit():
        try:
            payments.record_payment(
                invoice,
                PaymentMethod(form.method.data),
                form.amount_cents(),
                form.received_on.data,
                form.reference.data or "",
                current_user,
            )
        except payments.PaymentRefused as refusal:
            db.session.rollback()
            add_errors(form, refusal)
        else:
            db.session.commit()
            flash(_("Le paiement de %(amount)s est enregistré.", amount=format_cents(form.amount_cents())), "success")
            return redirect(url_for("billing.show", invoice_id=invoice.id), code=303)
    return _show(invoice, form)


# --- a member's invoices, an invoice ------------------------------------------------------------------


@bp.get("/factures/")
@login_required
def mine():
    invoices = db.session.scalars(
        select(Invoice).where(Invoice.buyer_id == current_user.id).order_by(Invoice.issued_at.desc()).limit(LIST_LIMIT)
    ).all()
    rows = [(invoice, payments.balance(invoice), payments.state_of(invoice)) for invoice in invoices]
    return page("billing/mine.html", rows=rows)


def _show(invoice: Invoice, payment_form: PaymentForm | None = None):
    manages = permissions.can_manage_venue(current_user, invoice.venue)
    if payment_form is None and manages and invoice.kind == DocumentKind.INVOICE:
        payment_form = _payment_form()
        if request.method == "GET":
            payment_form.received_on.data = storage.paris_today()
            payment_form.amount.data = payments.balance(invoice).due_cents / 100
    status = 422 if payment_form is not None and payment_form.errors else 200
    return page(
        "billing/show.html",
        status,
        invoice=invoice,
        balance=payments.balance(invoice),
        state=payments.state_of(invoice),
        payment_form=payment_form if manages else None,
        manages=manages,
        can_pay_online=invoice.buyer_id == current_user.id
        and invoice.kind == DocumentKind.INVOICE
        and payments.balance(invoice).due_cents > 0
        and providers.configured() is not None,
        refunds=online.refunds_of(invoice) if invoice.is_credit_note else [],
    )


@bp.get("/factures/<int:invoice_id>")
@login_required
def show(invoice_id: int):
    return _show(_visible_invoice(invoice_id))


@bp.get("/factures/<int:invoice_id>/pdf")
@login_required
def download(invoice_id: int):
    invoice = _visible_invoice(invoice_id)
    try:
        data = storage.ensure_file(invoice)
        db.session.commit()
    except Exception:  # the file is retried on the next download, or by ``flask billing render``
        log.exception("invoice %s: the file could not be made", invoice.number)
        db.session.rollback()
        return render_template(
            "errors/error.html",
            status=503,
            title=_("Document en préparation"),
            message=_("Le document n'a pas pu être préparé. Réessayez dans quelques minutes."),
        ), 503
    return send_file(
        io.BytesIO(data), mimetype="application/pdf", as_attachment=True, download_name=f"{invoice.number}.pdf"
    )


# --- paying online ---------------------------------------------------------------------------------


def _payment_csp(settings: dict[str, str]) -> str:
    """The app's policy, opened for the provider's script on the payment page alone."""
    return (
        f"default-src 'self'; script-src 'self' {settings['script_src']}; style-src 'self'; "
        "img-src 'self' data: https://*.stripe.com; font-src 'self'; "
        f"connect-src 'self' {settings['connect_src']}; frame-src {settings['frame_src']}; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
    )


def _payable_invoice(invoice_id: int) -> Invoice:
    invoice = db.session.get(Invoice, invoice_id)
    if invoice is None or invoice.buyer_id != current_user.id:
        abort(404)
    return invoice


@bp.get("/factures/<int:invoice_id>/payer")
@login_required
def pay(invoice_id: int):
    """The payment page: Stripe.js's Payment Element for the amount due, taken from our database."""
    invoice = _payable_invoice(invoice_id)
    provider = providers.configured()
    if provider is None:
        flash(_("Le paiement en ligne n'est pas disponible : réglez par virement, chèque ou espèces."), "info")
        return redirect(url_for("billing.show", invoice_id=invoice.id), code=303)
    try:
        _online_payment, intent = online.start(invoice, provider, current_user)
        db.session.commit()
    except online.OnlinePaymentRefused as refusal:
        db.session.commit()  # a payment found settled on the way is kept
        flash(str(refusal.reasons[0].message), "info")
        return redirect(url_for("billing.show", invoice_id=invoice.id), code=303)
    except providers.ProviderError:
        log.exception("invoice %s: the payment could not be prepared", invoice.number)
        db.session.rollback()
        return render_template(
            "errors/error.html",
            status=503,
            title=_("Paiement indisponible"),
            message=_("Le paiement en ligne ne répond pas. Réessayez dans quelques minutes."),
        ), 503
    settings = provider.browser_settings()
    response = Response(
        render_template(
            "billing/pay.html",
            invoice=invoice,
            amount_cents=intent.amount_cents,
            client_secret=intent.client_secret,
            settings=settings,
            return_url=url_for("billing.pay_return", invoice_id=invoice.id, _external=True),
        )
    )
    response.headers["Content-Security-Policy"] = _payment_csp(settings)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/factures/<int:invoice_id>/paiement-retour")
@login_required
def pay_return(invoice_id: int):
    """Where Stripe.js sends the buyer back: what became of the payment is asked of the provider."""
    invoice = _payable_invoice(invoice_id)
    provider = providers.configured()
    current = online.open_payment(invoice, provider.name) if provider is not None else None
    if provider is not None and current is not None:
        try:
            online.settle(current, provider.retrieve(current.intent_id), source="return")
            db.session.commit()
        except providers.ProviderError:
            db.session.rollback()
            log.warning("invoice %s: the provider did not answer on return", invoice.number)
    if payments.balance(invoice).due_cents == 0:
        flash(_("Merci : votre paiement est reçu."), "success")
    else:
        flash(_("Votre paiement n'est pas encore confirmé : revenez sur cette page dans quelques instants."), "info")
    return redirect(url_for("billing.show", invoice_id=invoice.id), code=303)


@bp.post("/paiements/webhook/<provider_name>")
@csrf.exempt  # the provider POSTs without our form; its signature is the proof
def webhook(provider_name: str):
    provider = providers.by_name(provider_name)
    if provider is None:
        abort(404)
    try:
        event = provider.parse_webhook(request.get_data(), dict(request.headers))
    except providers.WebhookRefused as error:
        log.warning("webhook refused: %s", error)
        return Response("bad signature", status=400, mimetype="text/plain")
    outcome = online.apply_event(provider, event)
    db.session.commit()
    return Response(outcome, status=200, mimetype="text/plain")


@bp.after_app_request
def _send_committed_refunds(response):
    """Refunds queued by a credit note this request committed go to the provider now (retried by
    ``flask payments sync`` if it does not answer)."""
    if db.session.info.pop(online.REFUNDS_COMMITTED, False):
        provider = providers.configured()
        if provider is not None:
            try:
                online.send_pending_refunds(provider, limit=20)
            except Exception:  # never the member's page: the refunds stay pending, and are retried
                log.exception("the refunds could not be sent")
                db.session.rollback()
    return response
