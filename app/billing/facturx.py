"""The EN 16931 XML of an invoice or a credit note (Factur-X, profile EN 16931), built with
drafthorse from the issued document alone, and the legal mentions it shares with the PDF.

- type code 380 for an invoice, 381 for a credit note (which names the invoice it corrects);
- the seller's SIRET as its legal registration (scheme 0009), its VAT number when it has one;
- VAT: category S at the venue's rate, or E (exempt) with the exemption wording; a kept deposit
  (``Invoice.is_kept_deposit``) is outside the scope of VAT: category O with its wording, no rate,
  and no seller VAT number (EN 16931 rules BR-O-02, BR-O-05, BR-O-10);
- notes with the payment terms (PMT: the 40 € fixed recovery charge for business buyers), the
  late-payment penalties (PMD) and the absence of discount (AAB), as French practice asks;
- the transfer's structured reference (BT-83) and the venue's IBAN and BIC (payment means 58,
  SEPA credit transfer) when it has given them; an invoice settled by the deposit instead says so:
  payment means 97 (clearing between partners) "retenue sur caution", all of it prepaid (BT-113),
  nothing due.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from drafthorse.models.accounting import ApplicableTradeTax
from drafthorse.models.document import Document
from drafthorse.models.note import IncludedNote
from drafthorse.models.party import TaxRegistration
from drafthorse.models.payment import PaymentMeans, PaymentTerms
from drafthorse.models.tradelines import LineItem

from app.billing.models import DocumentKind, Invoice
from app.core.clock import PARIS

PROFILE = "urn:cen.eu:en16931:2017"
SCHEMA = "FACTUR-X_EN16931"

RECOVERY_CHARGE = "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 €."
LATE_PENALTIES = "Pénalités de retard : trois fois le taux d'intérêt légal, exigibles dès le lendemain de l'échéance."
NO_DISCOUNT = "Pas d'escompte pour paiement anticipé."
OUT_OF_SCOPE_WORDING = (
    "Opération hors du champ d'application de la TVA : caution conservée en réparation d'un dommage "
    "(indemnité sans contrepartie d'un service)."
)
OUT_OF_SCOPE_CODE = "VATEX-EU-O"
SETTLED_BY_DEPOSIT = "Réglée par retenue sur la caution versée à la remise du kit."


def euros(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def rate_percent(basis_points: int) -> Decimal:
    return (Decimal(basis_points) / 100).quantize(Decimal("0.01"))


def issue_day(invoice: Invoice) -> date:
    return invoice.issued_at.astimezone(PARIS).date()


def mentions(invoice: Invoice) -> list[tuple[str, str]]:
    """The payment mentions (subject code, text): penalties and the recovery charge for a business buyer."""
    found = []
    if invoice.business_buyer:
        found += [("PMD", LATE_PENALTIES), ("PMT", RECOVERY_CHARGE)]
    found.append(("AAB", NO_DISCOUNT))
    return found


def _party(party, data: dict, vat_number: str = "") -> None:
    party.name = data["name"]
    if data.get("siret"):
        party.legal_organization.id = ("0009", data["siret"])
    party.address.line_one = data.get("street") or ""
    party.address.postcode = data.get("postal_code") or ""
    party.address.city_name = data.get("city") or ""
    party.address.country_id = "FR"
    if data.get("email"):
        party.electronic_address.uri_ID = ("EM", data["email"])
    if vat_number:
        registration = TaxRegistration()
        registration.id = ("VA", vat_number)
        party.tax_registrations.add(registration)


def build_xml(invoice: Invoice) -> bytes:
    """The document's CII XML, checked by drafthorse against the Factur-X EN 16931 schema."""
    seller, buyer = invoice.seller, invoice.buyer
    out_of_scope = invoice.is_kept_deposit
    exempt = seller["vat_exempt"]
    category = "O" if out_of_scope else "E" if exempt else "S"
    rate = None if out_of_scope else Decimal("0.00") if exempt else rate_percent(seller["vat_rate_basis_points"])
    settled_by_deposit = out_of_scope and invoice.kind == DocumentKind.INVOICE
    doc = Document()
    doc.context.guideline_parameter.id = PROFILE
    doc.header.id = invoice.number
    doc.header.type_code = "381" if invoice.kind == DocumentKind.CREDIT_NOTE else "380"
    doc.header.issue_date_time = issue_day(invoice)
    for subject, text in mentions(invoice):
        note = IncludedNote()
        note.subject_code = subject
        note.content = text
        doc.header.notes.add(note)
    if seller.get("legal_mentions"):
        note = IncludedNote()
        note.subject_code = "ABL"
        note.content = seller["legal_mentions"]
        doc.header.notes.add(note)

    _party(doc.trade.agreement.seller, seller, "" if out_of_scope else seller.get("vat_number", ""))
    _party(doc.trade.agreement.buyer, buyer)

    for line in invoice.lines:
        item = LineItem()
        item.document.line_id = str(line.position)
        item.product.name = line.description
        item.agreement.net.amount = euros(line.unit_price_cents)
        item.delivery.billed_quantity = (Decimal(line.quantity), "C62")
        item.settlement.trade_tax.type_code = "VAT"
        item.settlement.trade_tax.category_code = category
        if rate is not None:
            item.settlement.trade_tax.rate_applicable_percent = rate
        item.settlement.monetary_summation.total_amount = euros(line.net_cents)
        doc.trade.items.add(item)

    settlement = doc.trade.settlement
    settlement.currency_code = "EUR"
    if settled_by_deposit:
        means = PaymentMeans()
        means.type_code = "97"
        means.information.add("Retenue sur caution")
        settlement.payment_means.add(means)
    elif invoice.kind == DocumentKind.INVOICE:
        settlement.payment_reference = invoice.transfer_reference
        if seller.get("iban"):
            means = PaymentMeans()
            means.type_code = "58"
            means.payee_account.iban = seller["iban"]
            means.payee_institution.bic = seller.get("bic") or ""
            settlement.payment_means.add(means)
    tax = ApplicableTradeTax()
    tax.calculated_amount = euros(invoice.vat_cents)
    tax.basis_amount = euros(invoice.net_cents)
    tax.type_code = "VAT"
    tax.category_code = category
    if out_of_scope:
        tax.exemption_reason = OUT_OF_SCOPE_WORDING
        tax.exemption_reason_code = OUT_OF_SCOPE_CODE
    elif exempt:
        tax.exemption_reason = seller["exemption_wording"]
    if rate is not None:
        tax.rate_applicable_percent = rate
    settlement.trade_tax.add(tax)
    terms = PaymentTerms()
    if settled_by_deposit:
        terms.description = f"{SETTLED_BY_DEPOSIT} Rien à payer."
    elif invoice.kind == DocumentKind.INVOICE:
        terms.description = f"Paiement à {seller['payment_terms_days']} jours, avant le {invoice.due_on:%d/%m/%Y}."
        terms.due = invoice.due_on
    else:
        terms.description = "Avoir à déduire ou à rembourser."
    settlement.terms.add(terms)
    if invoice.credits is not None:
        settlement.invoice_referenced_document.issuer_assigned_id = invoice.credits.number
        settlement.invoice_referenced_document.issue_date_time = issue_day(invoice.credits)

    summation = settlement.monetary_summation
    summation.line_total = euros(invoice.net_cents)
    summation.charge_total = Decimal("0.00")
    summation.allowance_total = Decimal("0.00")
    summation.tax_basis_total = euros(invoice.net_cents)
    summation.tax_total = (euros(invoice.vat_cents), "EUR")
    summation.grand_total = euros(invoice.total_cents)
    if settled_by_deposit:
        summation.prepaid_total = euros(invoice.total_cents)
        summation.due_amount = Decimal("0.00")
    else:
        summation.due_amount = euros(invoice.total_cents)
    return doc.serialize(schema=SCHEMA)
